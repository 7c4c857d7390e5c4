/**
 * The Apollo Router coprocessor at the protocol level: documents posted over
 * HTTP as the router posts them (shapes from Apollo's coprocessor reference),
 * answered against the real graph's registry, and the headers it gives a
 * subgraph call sent to the real subgraph, which is the subgraphs' own check.
 * Apollo Router itself is not run here.
 */
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REQUEST_ID_HEADER } from '../../platform/headers.js'
import { IDENTITY_HEADER, verifyIdentity } from '../../platform/identity.js'
import { createCoprocessor, IDENTITY_ENTRY, REQUEST_ID_ENTRY, type CoprocessorPayload } from '../../routers/apollo/coprocessor.js'
import { createResearcherSignIn } from '../../routers/researcher.js'
import { startTestGraph, type TestGraph } from '../helpers/graph.js'

const DEMO_IDENTITY = { sub: 'researcher-0001', name: 'An Peeters', roles: ['researcher'], projects: ['prj-0001', 'prj-0002', 'prj-0003'] }
const PROJECTS_QUERY = '{ projects { id name } }'

describe('the Apollo Router coprocessor', () => {
  let t: TestGraph
  let coprocessor: FastifyInstance
  let url: string

  const call = async (document: unknown) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(document) })
    return { status: response.status, body: (await response.json()) as CoprocessorPayload & { error?: string } }
  }

  /** The RouterRequest document the router posts for a client request with these headers (router.request: headers, body, context). */
  const routerRequest = (headers: Record<string, string[]>): CoprocessorPayload => ({
    version: 1,
    stage: 'RouterRequest',
    control: 'continue',
    id: '1b19c05fdafc521016df33148ad63c1b',
    headers: { 'content-type': ['application/json'], host: ['127.0.0.1:4000'], accept: ['*/*'], ...headers },
    body: JSON.stringify({ query: PROJECTS_QUERY }),
    context: { entries: { 'accepts-json': false, 'accepts-wildcard': true, 'accepts-multipart': false } },
    path: '/',
    method: 'POST',
  })

  /** The SubgraphRequest document for the participants call of the query, with the context the router carries. */
  const subgraphRequest = (entries: Record<string, unknown>, headers: Record<string, string[]> = {}): CoprocessorPayload => ({
    version: 1,
    stage: 'SubgraphRequest',
    control: 'continue',
    id: '666d677225c1bc6d7c54a52b409dbd4e',
    subgraphRequestId: 'b5964998b2394b64a864ef802fb5a4b3',
    headers,
    body: { query: PROJECTS_QUERY, variables: {} },
    context: { entries: { 'apollo::telemetry::client_name': '', ...entries } },
    uri: t.graph.subgraphUrls.participants,
    method: 'POST',
    serviceName: 'participants',
  })

  /** Sends the subgraph call as the router would, with the headers the coprocessor gave it. */
  const sendToSubgraph = async (document: CoprocessorPayload) => {
    const headers = Object.entries(document.headers ?? {}).map(([name, values]) => [name, values.join(', ')] as [string, string])
    const response = await fetch(String(document.uri), {
      method: 'POST',
      headers: [['content-type', 'application/json'], ...headers],
      body: JSON.stringify(document.body),
    })
    return { status: response.status, body: (await response.json()) as { data?: any; errors?: { message: string }[] } }
  }

  beforeAll(async () => {
    t = await startTestGraph()
    const signIn = createResearcherSignIn({
      verifier: t.graph.issuer!.verifier,
      participantsUrl: t.graph.subgraphUrls.participants!,
      identitySecret: t.graph.identitySecret,
      windows: { freshMs: 30_000, staleMs: 300_000 },
    })
    coprocessor = createCoprocessor(signIn)
    await coprocessor.listen({ port: 0, host: '127.0.0.1' })
    url = `http://127.0.0.1:${(coprocessor.server.address() as AddressInfo).port}/`
  })
  afterAll(async () => {
    await coprocessor?.close()
    await t?.close()
  })

  it('signs the researcher in at RouterRequest and keeps their identity and the request id in the context', async () => {
    const sent = routerRequest({ authorization: [`Bearer ${t.demoToken}`], [REQUEST_ID_HEADER]: ['trace-0123456789'] })
    const { status, body } = await call(sent)
    expect(status).toBe(200)
    expect(body.control).toBe('continue')
    // The control properties go back as they came, or the router takes the answer for a failure.
    expect({ version: body.version, stage: body.stage, id: body.id }).toEqual({ version: 1, stage: 'RouterRequest', id: sent.id })
    expect(body.context!.entries).toEqual({
      ...sent.context!.entries,
      [IDENTITY_ENTRY]: DEMO_IDENTITY,
      [REQUEST_ID_ENTRY]: 'trace-0123456789',
    })
  })

  it('gives a SubgraphRequest the identity header and the request id, and the subgraph answers with them', async () => {
    const first = await call(routerRequest({ authorization: [`Bearer ${t.demoToken}`], [REQUEST_ID_HEADER]: ['trace-0123456789'] }))
    const sent = subgraphRequest(first.body.context!.entries!)
    const { status, body } = await call(sent)
    expect(status).toBe(200)
    expect(body.control).toBe('continue')
    expect(body.subgraphRequestId).toBe(sent.subgraphRequestId)
    expect(body.headers![IDENTITY_HEADER]).toHaveLength(1)
    expect(verifyIdentity(body.headers![IDENTITY_HEADER]![0], t.graph.identitySecret)).toEqual(DEMO_IDENTITY)
    expect(body.headers![REQUEST_ID_HEADER]).toEqual(['trace-0123456789'])
    const answer = await sendToSubgraph(body)
    expect(answer.status).toBe(200)
    expect(answer.body.errors).toBeUndefined()
    expect(answer.body.data.projects.map((p: { id: string }) => p.id)).toEqual(DEMO_IDENTITY.projects)
  })

  it('leaves the subgraph call refused when it does not pass through the coprocessor', async () => {
    const answer = await sendToSubgraph(subgraphRequest({}))
    expect(answer.status).toBe(401)
    expect(answer.body.errors![0]!.message).toMatch(/missing x-hd4res-identity header/)
  })

  it('signs in at SubgraphRequest from the Authorization header when the router calls only that stage', async () => {
    const { body } = await call(subgraphRequest({}, { authorization: [`Bearer ${t.demoToken}`] }))
    expect(body.control).toBe('continue')
    expect(verifyIdentity(body.headers![IDENTITY_HEADER]![0], t.graph.identitySecret)).toEqual(DEMO_IDENTITY)
    expect(body.headers![REQUEST_ID_HEADER]![0]).toMatch(/^[0-9a-f-]{36}$/)
    expect((await sendToSubgraph(body)).status).toBe(200)
  })

  it.each([
    ['without a token', {}],
    ['with a token that is not a JWT', { authorization: ['Bearer not-a-jwt'] }],
    ['with a token whose signature does not verify', { authorization: [`Bearer ${foreignToken()}`] }],
  ])("ends a request %s at RouterRequest with 401 and our gateway's own refusal", async (_case, headers) => {
    const { status, body } = await call(routerRequest(headers as Record<string, string[]>))
    expect(status).toBe(200)
    expect(body.control).toEqual({ break: 401 })
    // At the router stages the body is a JSON string.
    const refusal = JSON.parse(body.body as string)
    const authorization = (headers as Record<string, string[]>).authorization?.[0]
    const ours = await fetch(t.graph.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ query: PROJECTS_QUERY }),
    })
    expect(ours.status).toBe(401)
    expect(refusal).toEqual(await ours.json())
    expect(refusal.errors[0].extensions.code).toBe('UNAUTHENTICATED')
    expect(body.context?.entries?.[IDENTITY_ENTRY]).toBeUndefined()
  })

  it('ends a SubgraphRequest that has neither a signed-in researcher nor a token with 401', async () => {
    const { body } = await call(subgraphRequest({}))
    expect(body.control).toEqual({ break: 401 })
    expect((body.body as any).errors[0].message).toMatch(/Missing Authorization header/)
    expect(body.headers?.[IDENTITY_HEADER]).toBeUndefined()
  })

  it('gives the RouterResponse the request id and keeps the answer private', async () => {
    const { body } = await call({
      version: 1,
      stage: 'RouterResponse',
      control: 'continue',
      id: '1b19c05fdafc521016df33148ad63c1b',
      headers: { 'content-type': ['application/json'] },
      context: { entries: { [REQUEST_ID_ENTRY]: 'trace-0123456789' } },
      statusCode: 200,
    })
    expect(body.headers).toEqual({
      'content-type': ['application/json'],
      [REQUEST_ID_HEADER]: ['trace-0123456789'],
      'cache-control': ['private, no-store'],
    })
  })

  it('passes the stages it has nothing to do at back unchanged', async () => {
    const sent = { version: 1, stage: 'SupergraphRequest', control: 'continue', id: 'x', body: { query: PROJECTS_QUERY }, headers: {} }
    expect((await call(sent)).body).toEqual(sent)
  })

  it.each([
    ['an array', [], /must be the router's JSON document/],
    ['another protocol version', { version: 2, stage: 'RouterRequest', control: 'continue', id: 'x' }, /"version" must be 1/],
    ['no stage', { version: 1, control: 'continue', id: 'x' }, /"stage" must name the router stage/],
    ['no id', { version: 1, stage: 'RouterRequest', control: 'continue' }, /"id" must be the router's request id/],
  ])('answers 400 with the reason to a document with %s', async (_case, document, reason) => {
    const { status, body } = await call(document)
    expect(status).toBe(400)
    expect(body.error).toMatch(reason)
  })
})

/** A well-formed token whose signature no key of the development issuer makes. */
function foreignToken(): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
  const now = Math.floor(Date.now() / 1000)
  return `${part({ alg: 'ES256', kid: 'dev-1' })}.${part({ sub: 'researcher-0001', iss: 'https://elsewhere.test/', aud: 'hd4res-graph', exp: now + 600 })}.${'A'.repeat(86)}`
}
