/**
 * The gateway's subgraph client: kept-alive connections are reused; with
 * keep-alive off every call opens its own, and both answer the same. The data
 * source signs the identity once per request, passes a subgraph's cache hint
 * on, and turns a refusal or a silent subgraph into a named error; a proxy's
 * 502, 503 or 504 is "unavailable" too, and a call for result unions only is
 * answered with stand-ins and one error naming the subgraph.
 */
import { readFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway'
import { buildSchema } from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IDENTITY_HEADER, verifyIdentity } from '../platform/identity.js'
import { SCHEMA_DIR } from '../platform/supergraphFile.js'
import { cacheHintOf, subgraphAgent, subgraphCaller, SubgraphDataSource, type SubgraphCallContext } from './subgraphClient.js'

const SECRET = 's'.repeat(40)

describe('the subgraph client', () => {
  let server: http.Server
  let url: string
  let connections = 0
  const seen: http.IncomingHttpHeaders[] = []
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      seen.push(request.headers)
      request.resume()
      request.on('end', () => {
        if (request.url === '/refuse')
          return response.writeHead(403, { 'content-type': 'application/json' }).end('{"errors":[{"message":"no"}]}')
        if (request.url === '/silent') return // never answers
        const proxied = /^\/proxy-(\d{3})$/.exec(request.url ?? '')?.[1]
        if (proxied) return response.writeHead(Number(proxied), { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>')
        if (request.url === '/garbled') return response.setHeader('content-type', 'application/json').end('{"data": {')
        if (request.url === '/public') response.setHeader('cache-control', 'public, max-age=60')
        response.setHeader('content-type', 'application/json').end('{"data":{"ok":true}}')
      })
    })
    server.on('connection', () => connections++)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  async function fiveCalls(keepAlive: boolean) {
    const agent = subgraphAgent({ connections: 4, keepAliveMs: 30_000 })
    const call = subgraphCaller(agent, 2000, keepAlive)
    connections = 0
    const answers = []
    for (let i = 0; i < 5; i++) {
      const answer = await call('records', `${url}/graphql`, '{"query":"{ ok }"}', { 'content-type': 'application/json' })
      answers.push({ status: answer.status, body: answer.body })
    }
    await agent.close()
    return { answers, connections }
  }

  it('reuses kept-alive connections for calls one after another', async () => {
    const { answers, connections } = await fiveCalls(true)
    // A connection goes back to the pool just after its answer is read: a second may open meanwhile.
    expect(connections).toBeLessThanOrEqual(2)
    expect(answers).toEqual(Array(5).fill({ status: 200, body: { data: { ok: true } } }))
  })

  it('opens a connection per call with keep-alive off, and answers the same', async () => {
    const { answers, connections } = await fiveCalls(false)
    expect(connections).toBe(5)
    expect(answers).toEqual(Array(5).fill({ status: 200, body: { data: { ok: true } } }))
  })

  describe('the data source', () => {
    const agent = subgraphAgent({ connections: 4, keepAliveMs: 30_000 })
    afterAll(() => agent.close())
    const source = (path: string, timeoutMs = 2000) =>
      new SubgraphDataSource('records', `${url}${path}`, SECRET, subgraphCaller(agent, timeoutMs))
    const restricted: unknown[] = []
    const schema = buildSchema(readFileSync(path.join(SCHEMA_DIR, 'api.graphql'), 'utf8'))
    const options = (
      context: SubgraphCallContext,
      request: { query: string; variables?: Record<string, unknown> } = { query: '{ ok }', variables: { a: 1 } },
      incoming: object = { schema, overallCachePolicy: { restrict: (hint: unknown) => restricted.push(hint) } },
    ) =>
      ({
        kind: 'incoming operation',
        request,
        context,
        incomingRequestContext: incoming,
      }) as unknown as GraphQLDataSourceProcessOptions<SubgraphCallContext>

    it('signs the identity once for all of a request’s calls, and sends the request id', async () => {
      const context: SubgraphCallContext = {
        identity: { sub: 'r-1', name: 'R', roles: ['researcher'], projects: ['p-1'] },
        requestId: 'req-12345678',
      }
      seen.length = 0
      expect(await source('/graphql').process(options(context))).toEqual({ data: { ok: true } })
      await source('/graphql').process(options(context))
      expect(seen.map((h) => h[IDENTITY_HEADER])).toEqual([context.signedIdentity, context.signedIdentity])
      expect(verifyIdentity(context.signedIdentity, SECRET).projects).toEqual(['p-1'])
      expect(seen[0]!['x-request-id']).toBe('req-12345678')
    })

    it('passes the subgraph’s cache hint on to the operation’s policy', async () => {
      restricted.length = 0
      await source('/public').process(options({}))
      await source('/graphql').process(options({}))
      expect(restricted).toEqual([{ maxAge: 60, scope: 'PUBLIC' }, { maxAge: 0 }])
      expect(cacheHintOf('private, max-age=5')).toEqual({ maxAge: 5, scope: 'PRIVATE' })
    })

    it('turns a refusal into an error with the status, a garbled body into SUBGRAPH_BAD_RESPONSE, and silence into SUBGRAPH_UNAVAILABLE', async () => {
      await expect(source('/refuse').process(options({}))).rejects.toMatchObject({
        message: '403: Forbidden',
        extensions: { code: 'FORBIDDEN' },
      })
      await expect(source('/silent', 300).process(options({}))).rejects.toMatchObject({
        message: expect.stringMatching(/^The records service did not answer in time/),
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'records' },
      })
      await expect(source('/garbled').process(options({}))).rejects.toMatchObject({
        message: expect.stringMatching(/^The records service answered with a body that is not valid JSON/),
        extensions: { code: 'SUBGRAPH_BAD_RESPONSE', serviceName: 'records' },
      })
      await expect(
        new SubgraphDataSource('records', 'http://127.0.0.1:1/graphql', SECRET, subgraphCaller(agent, 500)).process(options({})),
      ).rejects.toMatchObject({
        message: expect.stringMatching(/^The records service could not be reached/),
      })
    })

    it('names the subgraph for any other HTTP error', async () => {
      await expect(source('/proxy-500').process(options({}))).rejects.toMatchObject({
        message: 'The records service failed with HTTP 500; the fields it serves are missing from this answer',
        extensions: { serviceName: 'records' },
      })
    })

    it.each([
      [502, 'could not be reached'],
      [503, 'could not be reached'],
      [504, 'did not answer in time'],
    ])('takes a proxy’s %i for the subgraph being unavailable, by its status', async (status, how) => {
      await expect(source(`/proxy-${status}`).process(options({}))).rejects.toMatchObject({
        message: `The records service ${how}; the fields it serves are missing from this answer`,
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'records' },
      })
    })

    const ENTITIES = {
      query: `query($representations: [_Any!]!) { _entities(representations: $representations) {
        ... on ResearchProject { counts: studyRecordCounts { __typename ... on PublicationTemporarilyUnavailable { publication message } } }
      } }`,
      variables: { representations: [{ __typename: 'ResearchProject', id: 'prj-0001' }] },
    }

    it('answers a call for result unions only with stand-ins while the subgraph is unavailable, naming it once an operation', async () => {
      const incoming = { schema, overallCachePolicy: { restrict: (hint: unknown) => restricted.push(hint) } }
      restricted.length = 0
      const first = await source('/proxy-503').process(options({}, ENTITIES, incoming))
      expect(first).toEqual({
        data: {
          _entities: [
            {
              counts: {
                __typename: 'PublicationTemporarilyUnavailable',
                publication: 'STUDY_RECORD_COUNTS',
                message: 'This publication cannot be shown right now: the records service could not be reached; try again in 30 seconds',
              },
            },
          ],
        },
        errors: [
          {
            message: 'The records service could not be reached; its publications answer PublicationTemporarilyUnavailable for now',
            extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'records' },
          },
        ],
      })
      // Nothing of it may be kept.
      expect(restricted).toEqual([{ maxAge: 0 }])
      // The same operation's next call of the subgraph: the error is already there.
      const unreachable = new SubgraphDataSource('records', 'http://127.0.0.1:1/graphql', SECRET, subgraphCaller(agent, 500))
      expect((await unreachable.process(options({}, ENTITIES, incoming))).errors).toBeUndefined()
      // Another operation's: named again, as late this time.
      const late = await source('/silent', 300).process(options({}, ENTITIES))
      expect(late.errors![0]!.message).toMatch(/^The records service did not answer in time; its publications answer/)
    })

    it('keeps the error for a call that asks for anything but result unions', async () => {
      await expect(source('/proxy-502').process(options({}, { query: '{ me { id } }' }))).rejects.toMatchObject({
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'records' },
      })
      await expect(source('/garbled').process(options({}, ENTITIES))).rejects.toMatchObject({
        extensions: { code: 'SUBGRAPH_BAD_RESPONSE' },
      })
    })
  })
})
