/**
 * Hive Gateway in place of our gateway: the real Hive Gateway runtime over the
 * committed supergraph, configured from the environment as gateway.config.ts
 * configures it, in front of the five subgraphs, with researchers' tokens from
 * an OIDC-style JWKS. It answers as our gateway answers, refuses as it
 * refuses, and without the identity plugin the subgraphs refuse it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Fastify, { type FastifyInstance } from 'fastify'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createGatewayRuntime, type GatewayRuntime } from '@graphql-hive/gateway'
import { REQUEST_ID_HEADER } from '../../platform/headers.js'
import { IDENTITY_HEADER, verifyIdentity } from '../../platform/identity.js'
import { readSettings, subgraphUrlVariable } from '../../platform/settings.js'
import { SUPERGRAPH_FILE } from '../../platform/supergraphFile.js'
import { loadPublicationRegistry } from '../../subgraphs/kit/catalogue/publications.js'
import { hd4resGatewayConfig, transportEntriesFrom } from '../../routers/hive/config.js'
import { startTestGraph, type TestGraph } from '../helpers/graph.js'

const ISSUER = 'https://keycloak.test/realms/hd'
const AUDIENCE = 'hd4res'
const SECRET = 'routers-test-identity-secret-0123456789abcdef'

interface Answer {
  status: number
  headers: Headers
  body: { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] }
}

async function post(url: string, query: string, token: string | null, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query }),
  })
  const text = await response.text()
  try {
    return { status: response.status, headers: response.headers, body: JSON.parse(text) }
  } catch {
    throw new Error(`${url} answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`)
  }
}

async function serve(runtime: GatewayRuntime): Promise<{ url: string; server: Server }> {
  const server = createServer(runtime)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, server }
}

/** Every field of the demo researcher's overview that crosses the five subgraphs. */
const OVERVIEW = `{
  me { id displayName projects { id } }
  projects {
    id name
    incidents(first: 3) { __typename ... on IncidentConnection { totalCount edges { node { number state } } } }
    studyRecordCounts { __typename ... on PublicationUnderDevelopment { publication } }
    uniqueSubjectCounts { __typename }
    componentStatus { __typename }
  }
  publications { id state }
  components { id name }
}`

interface Seen {
  subgraph: string
  headers: IncomingHttpHeaders
}

/** One subgraph behind a proxy that notes the headers of each request it passes on, as the subgraph receives them. */
async function recordingProxy(subgraph: string, target: string, seen: Seen[]): Promise<{ url: string; server: Server }> {
  const origin = new URL(target).origin
  const server = createServer(async (request, reply) => {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    seen.push({ subgraph, headers: request.headers })
    const headers = Object.entries(request.headers).filter(([name]) => !['host', 'connection', 'content-length'].includes(name))
    try {
      const answer = await fetch(new URL(request.url!, origin), {
        method: request.method,
        headers: headers.map(([name, value]): [string, string] => [name, String(value)]),
        body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
      })
      const body = Buffer.from(await answer.arrayBuffer())
      reply.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' }).end(body)
    } catch {
      reply.writeHead(502).end()
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${new URL(target).pathname}`, server }
}

/** `hive-gateway supergraph schema/supergraph.graphql -c routers/hive/gateway.config.ts`, as docs/routers.md runs it; resolves once it listens. */
async function startHiveCli(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'node_modules/@graphql-hive/gateway/dist/bin.js',
      'supergraph',
      'schema/supergraph.graphql',
      '-c',
      'routers/hive/gateway.config.ts',
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  )
  let output = ''
  const url = `http://127.0.0.1:${env.PORT}/graphql`
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
    if (child.exitCode !== null) throw new Error(`hive-gateway stopped (${child.exitCode}):\n${output}`)
    const ready = await fetch(url.replace('/graphql', '/healthcheck')).then(
      (r) => r.ok,
      () => false,
    )
    if (ready) return { url, child }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`hive-gateway did not listen within a minute:\n${output}`)
}

/** Stops the process group the command was started in (it may fork workers) and waits for it to end. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  process.kill(-child.pid!, 'SIGTERM')
  await exited
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('Hive Gateway with the identity plugin, in place of our gateway', () => {
  let t: TestGraph
  let jwks: FastifyInstance
  let privateKey: CryptoKey
  let strangerKey: CryptoKey
  /** Every subgraph request the plugin's Hive Gateway made, with its headers. */
  const seen: Seen[] = []
  const proxies: Server[] = []
  let routerEnv: Record<string, string>
  let hive: { url: string; server: Server; runtime: GatewayRuntime }
  let bare: { url: string; server: Server; runtime: GatewayRuntime }

  const sign = (sub: string, options: { key?: CryptoKey; exp?: string | number } = {}) =>
    new SignJWT({ name: sub, realm_access: { roles: ['researcher'] } })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject(sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '5m')
      .sign(options.key ?? privateKey)

  /** The same query with the same token through our gateway and through Hive Gateway. */
  const both = async (query: string, token: string | null, headers: Record<string, string> = {}) => {
    const [ours, theirs] = await Promise.all([post(t.graph.graphqlUrl, query, token, headers), post(hive.url, query, token, headers)])
    return { ours, theirs }
  }

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true })
    privateKey = pair.privateKey
    strangerKey = (await generateKeyPair('RS256', { extractable: true })).privateKey
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }
    jwks = Fastify()
    jwks.get('/certs', async () => ({ keys: [publicJwk] }))
    const jwksUrl = `${await jwks.listen({ port: 0, host: '127.0.0.1' })}/certs`
    const env = {
      HD4RES_IDENTITY_SECRET: SECRET,
      HD4RES_OIDC_ISSUER: ISSUER,
      HD4RES_OIDC_AUDIENCE: AUDIENCE,
      HD4RES_OIDC_JWKS_URL: jwksUrl,
      HD4RES_CLAIM_ROLES: 'realm_access.roles',
    }
    t = await startTestGraph({ registry: loadPublicationRegistry({ available: 'ALL' }), env })
    // A second researcher whose projects are disjoint from the first's.
    await t.db.query(`INSERT INTO participants.researchers (id, display_name) VALUES ('researcher-b', 'Bea')`)
    await t.db.query(`INSERT INTO participants.memberships VALUES ('researcher-b', 'prj-0010'), ('researcher-b', 'prj-0011')`)

    // The router's own environment, as an operator writes it: the same secret and issuer, each subgraph's address.
    routerEnv = { ...env, LOG_LEVEL: 'silent' }
    const proxiedEnv = { ...routerEnv }
    for (const [name, url] of Object.entries(t.graph.subgraphUrls)) {
      routerEnv[subgraphUrlVariable(name)] = url
      const proxy = await recordingProxy(name, url, seen)
      proxies.push(proxy.server)
      proxiedEnv[subgraphUrlVariable(name)] = proxy.url
    }
    const quiet = { logging: false as const }
    const settings = readSettings(proxiedEnv)
    const withPlugin = createGatewayRuntime({ supergraph: SUPERGRAPH_FILE, ...quiet, ...(await hd4resGatewayConfig(settings)) })
    hive = { ...(await serve(withPlugin)), runtime: withPlugin }
    const transportEntries = transportEntriesFrom(readSettings(routerEnv), readFileSync(SUPERGRAPH_FILE, 'utf8'))
    const without = createGatewayRuntime({ supergraph: SUPERGRAPH_FILE, ...quiet, transportEntries })
    bare = { ...(await serve(without)), runtime: without }
  })
  afterAll(async () => {
    for (const router of [hive, bare]) {
      if (!router) continue
      router.server.close()
      await router.runtime.dispose()
    }
    for (const proxy of proxies) proxy.close()
    await t?.close()
    await jwks?.close()
  })

  it('answers the overview across the five subgraphs with exactly the data our gateway gives', async () => {
    const { ours, theirs } = await both(OVERVIEW, await sign('researcher-0001'))
    expect(ours.status, JSON.stringify(ours.body)).toBe(200)
    expect(theirs.status, JSON.stringify(theirs.body)).toBe(200)
    expect(theirs.body.errors).toBeUndefined()
    expect(theirs.body.data).toEqual(ours.body.data)
    expect(theirs.body.data!.me).toMatchObject({ id: 'researcher-0001', displayName: 'An Peeters' })
    expect(theirs.body.data!.projects.map((p: { id: string }) => p.id)).toEqual(['prj-0001', 'prj-0002', 'prj-0003'])
    expect(theirs.body.data!.projects.some((p: any) => p.incidents.totalCount > 0)).toBe(true)
    expect(theirs.headers.get('cache-control')).toBe('private, no-store')
  })

  it('shows a researcher only their own projects, on every path, as our gateway does', async () => {
    const query = `{ me { projects { id } } projects { id } mine: project(id: "prj-0010") { id name } theirs: project(id: "prj-0001") { id name } }`
    const { ours, theirs } = await both(query, await sign('researcher-b'))
    expect(theirs.body.errors).toBeUndefined()
    expect(theirs.body.data).toEqual({
      me: { projects: [{ id: 'prj-0010' }, { id: 'prj-0011' }] },
      projects: [{ id: 'prj-0010' }, { id: 'prj-0011' }],
      mine: { id: 'prj-0010', name: expect.any(String) },
      theirs: null,
    })
    expect(theirs.body.data).toEqual(ours.body.data)
  })

  it.each([
    ['without a token', async () => null, /Missing Authorization header/],
    ['with a token that is not a JWT', async () => 'not-a-jwt', /malformed/],
    [
      'with a token signed by a key the issuer does not publish',
      () => sign('researcher-0001', { key: strangerKey }),
      /signature does not verify/,
    ],
    ['with an expired token', () => sign('researcher-0001', { exp: Math.floor(Date.now() / 1000) - 120 }), /expired \(exp\)/],
  ])('refuses a request %s with 401 and the reason, no data, word for word as our gateway', async (_case, token, reason) => {
    const before = seen.length
    const { ours, theirs } = await both('{ projects { id name } }', await token())
    expect(theirs.status).toBe(401)
    expect(theirs.body.data).toBeUndefined()
    expect(theirs.body.errors).toHaveLength(1)
    expect(theirs.body.errors![0]!.extensions?.code).toBe('UNAUTHENTICATED')
    expect(theirs.body.errors![0]!.message).toMatch(reason)
    expect(theirs.status).toBe(ours.status)
    expect(theirs.body).toEqual(ours.body)
    // Refused before any subgraph is asked.
    expect(seen.slice(before).filter((s) => s.subgraph !== 'participants')).toEqual([])
  })

  it('gives every subgraph request an identity header the subgraphs verify, and the request id', async () => {
    const before = seen.length
    const res = await post(hive.url, OVERVIEW, await sign('researcher-0001'), { [REQUEST_ID_HEADER]: 'trace-0123456789' })
    expect(res.status).toBe(200)
    expect(res.headers.get(REQUEST_ID_HEADER)).toBe('trace-0123456789')
    const calls = seen.slice(before).filter((s) => s.headers[IDENTITY_HEADER] !== undefined && s.headers['content-type']?.includes('json'))
    // The overview crosses all five subgraphs.
    expect(new Set(calls.map((c) => c.subgraph))).toEqual(new Set(Object.keys(t.graph.subgraphUrls)))
    for (const call of calls) {
      const identity = verifyIdentity(call.headers[IDENTITY_HEADER] as string, SECRET)
      expect(identity).toEqual({
        sub: 'researcher-0001',
        name: 'An Peeters',
        roles: ['researcher'],
        projects: ['prj-0001', 'prj-0002', 'prj-0003'],
      })
      expect(call.headers[REQUEST_ID_HEADER]).toBe('trace-0123456789')
    }
    // A caller's id that is not a plain token is replaced, as our gateway replaces it.
    const odd = await post(hive.url, '{ me { id } }', await sign('researcher-0001'), { [REQUEST_ID_HEADER]: 'two words' })
    expect(odd.headers.get(REQUEST_ID_HEADER)).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('keeps the health check open without a token', async () => {
    const res = await fetch(hive.url.replace('/graphql', '/healthcheck'))
    expect(res.status).toBe(200)
  })

  it('fails without the plugin: the subgraphs refuse a request that carries no identity header', async () => {
    const res = await post(bare.url, '{ me { id } projects { id name } }', await sign('researcher-0001'))
    expect(res.body.data ?? null).toBeNull()
    expect(res.body.errors?.length).toBeGreaterThan(0)
    for (const error of res.body.errors!) {
      expect(error.extensions?.code).toBe('UNAUTHENTICATED')
      expect(error.message).toMatch(/missing x-hd4res-identity header/)
    }
  })

  it('runs from gateway.config.ts with the hive-gateway command, every setting from the environment', async () => {
    // Hive Gateway reads LOG_LEVEL too, and knows no "silent".
    const cli = await startHiveCli({ ...routerEnv, LOG_LEVEL: 'error', PORT: String(await freePort()), HOST: '127.0.0.1' })
    try {
      const token = await sign('researcher-0001')
      const [ours, theirs] = await Promise.all([post(t.graph.graphqlUrl, OVERVIEW, token), post(cli.url, OVERVIEW, token)])
      expect(theirs.status, JSON.stringify(theirs.body)).toBe(200)
      expect(theirs.body.data).toEqual(ours.body.data)
      expect((await post(cli.url, OVERVIEW, null)).status).toBe(401)
    } finally {
      await stopGroup(cli.child)
    }
  }, 90_000)

  it("refuses with 503 and Retry-After, as our gateway, while the registry cannot say a new researcher's projects", async () => {
    await t.graph.stopSubgraph('participants')
    try {
      const { ours, theirs } = await both('{ projects { id } }', await sign('researcher-never-seen'))
      expect(theirs.status).toBe(503)
      expect(theirs.headers.get('retry-after')).toBe(ours.headers.get('retry-after'))
      expect(theirs.body.errors![0]!.extensions?.code).toBe('SERVICE_UNAVAILABLE')
      expect(theirs.body).toEqual(ours.body)
    } finally {
      await t.graph.startSubgraph('participants')
    }
  })
})
