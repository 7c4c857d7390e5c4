/**
 * Hostile requests through real HTTP: bad tokens against a real OIDC-style
 * JWKS, other researchers' projects by every path, forged subgraph calls,
 * deep, wide, aliased, huge and malformed queries, wrong content types and
 * batches. Each one asserts the status and error code, and that the graph
 * still answers a good query afterwards.
 */
import { createHmac } from 'node:crypto'
import Fastify, { type FastifyInstance } from 'fastify'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose'

type KeyLike = CryptoKey
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROJECT_FIELD_OF_SUBGRAPH } from '../helpers/subgraphFields.js'
import { signIdentity, IDENTITY_HEADER } from '../../platform/identity.js'
import { loadPublicationRegistry } from '../../subgraphs/kit/catalogue/publications.js'
import { startTestGraph, type GraphQLResponse, type TestGraph } from '../helpers/graph.js'

const ISSUER = 'https://keycloak.test/realms/hd'
const AUDIENCE = 'hd4res'

interface Keys {
  privateKey: KeyLike
  publicJwk: JWK
}

describe('hostile requests', () => {
  let t: TestGraph
  let jwks: FastifyInstance
  let keys: Keys
  let other: Keys
  let jwksRequests = 0

  const sign = (
    claims: Record<string, unknown> = {},
    options: { key?: KeyLike; kid?: string; alg?: string; iss?: string; aud?: string; exp?: string | number; nbf?: string | number } = {},
  ) => {
    let jwt = new SignJWT({ name: 'An Peeters', realm_access: { roles: ['researcher'] }, ...claims })
      .setProtectedHeader({ alg: options.alg ?? 'RS256', kid: options.kid ?? 'k1' })
      .setSubject((claims.sub as string) ?? 'researcher-0001')
      .setIssuer(options.iss ?? ISSUER)
      .setAudience(options.aud ?? AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(options.exp ?? '5m')
    if (options.nbf !== undefined) jwt = jwt.setNotBefore(options.nbf)
    return jwt.sign(options.key ?? keys.privateKey)
  }
  const tokenFor = (sub: string, roles = ['researcher']) => sign({ sub, realm_access: { roles } })
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

  let good: string
  const expectHealthy = async () => {
    const res = await t.query('{ me { id } }', {}, good)
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual({ me: { id: 'researcher-0001' } })
  }
  const expectRefused = (res: GraphQLResponse, status: number, code: string) => {
    expect(res.status, JSON.stringify(res.body)).toBe(status)
    expect(res.body.errors?.[0]?.extensions?.code, JSON.stringify(res.body)).toBe(code)
  }

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256', { extractable: true })
    keys = { privateKey: pair.privateKey, publicJwk: { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' } }
    const stranger = await generateKeyPair('RS256', { extractable: true })
    other = { privateKey: stranger.privateKey, publicJwk: { ...(await exportJWK(stranger.publicKey)), kid: 'k2' } }
    jwks = Fastify()
    jwks.get('/certs', async () => {
      jwksRequests++
      return { keys: [keys.publicJwk] }
    })
    const jwksUrl = await jwks.listen({ port: 0, host: '127.0.0.1' })
    t = await startTestGraph({
      registry: loadPublicationRegistry({ available: 'ALL' }),
      env: {
        HD4RES_OIDC_ISSUER: ISSUER,
        HD4RES_OIDC_AUDIENCE: AUDIENCE,
        HD4RES_OIDC_JWKS_URL: `${jwksUrl}/certs`,
        HD4RES_CLAIM_ROLES: 'realm_access.roles',
        HD4RES_MAX_DEPTH: '12',
        HD4RES_MAX_ALIASES: '30',
        HD4RES_MAX_BODY_BYTES: '20000',
      },
    })
    good = await sign()
    // A second researcher whose projects are disjoint from the first's.
    await t.db.query(`INSERT INTO participants.researchers (id, display_name) VALUES ('researcher-b', 'Bea')`)
    await t.db.query(`INSERT INTO participants.memberships VALUES ('researcher-b', 'prj-0010'), ('researcher-b', 'prj-0011')`)
  })
  afterAll(async () => {
    await t?.close()
    await jwks?.close()
  })

  describe('sign-in', () => {
    it('accepts a good token, with roles from a configured claim', async () => {
      const res = await t.query('{ me { id displayName projects { id } } }', {}, good)
      expect(res.body.data!.me).toEqual({
        id: 'researcher-0001',
        displayName: 'An Peeters',
        projects: [{ id: 'prj-0001' }, { id: 'prj-0002' }, { id: 'prj-0003' }],
      })
    })

    const cases: [string, () => Promise<string | null>, RegExp][] = [
      ['no Authorization header', async () => null, /Missing Authorization header/],
      ['an expired token', () => sign({}, { exp: Math.floor(Date.now() / 1000) - 120 }), /expired \(exp\)/],
      ['a token not valid yet', () => sign({}, { nbf: Math.floor(Date.now() / 1000) + 3600 }), /not valid yet \(nbf\)/],
      ['a token from another issuer', () => sign({}, { iss: 'https://evil.test/' }), /another issuer \(iss\)/],
      ['a token for another audience', () => sign({}, { aud: 'another-app' }), /another audience \(aud\)/],
      [
        'an unsigned token (alg: none)',
        async () =>
          `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'researcher-0001', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })}.`,
        /signed with "none", which is not accepted/,
      ],
      [
        'HS256 signed with the public key',
        async () => {
          const body = `${b64({ alg: 'HS256', kid: 'k1' })}.${b64({ sub: 'researcher-0001', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })}`
          const mac = createHmac('sha256', JSON.stringify(keys.publicJwk)).update(body).digest('base64url')
          return `${body}.${mac}`
        },
        /signed with "HS256", which is not accepted/,
      ],
      ['a token signed with an unknown key', () => sign({}, { key: other.privateKey, kid: 'k2' }), /unknown kid/],
      [
        'a token signed with another key under a known kid',
        () => sign({}, { key: other.privateKey, kid: 'k1' }),
        /signature does not verify/,
      ],
      ['a malformed token', async () => 'not.a.jwt', /malformed/],
      ['garbage', async () => 'x'.repeat(300), /malformed/],
      [
        'a token without a subject',
        async () =>
          new SignJWT({})
            .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setExpirationTime('5m')
            .sign(keys.privateKey),
        /"sub" claim/,
      ],
    ]
    it.each(cases)('refuses %s with 401 UNAUTHENTICATED and says which rule failed', async (_what, make, message) => {
      const token = await make()
      const res = await t.query('{ me { id } }', {}, token)
      expectRefused(res, 401, 'UNAUTHENTICATED')
      expect(res.body.errors![0]!.message).toMatch(message)
      if (token) expect(JSON.stringify(res.body)).not.toContain(token.slice(0, 40))
      await expectHealthy()
    })

    it('refuses a Basic Authorization header', async () => {
      const response = await fetch(t.graph.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Basic cmVzZWFyY2hlcjpzZWNyZXQ=' },
        body: JSON.stringify({ query: '{ me { id } }' }),
      })
      expect(response.status).toBe(401)
      await expectHealthy()
    })

    it('fetches the keys once, not for every token, and not again for a flood of unknown kids', async () => {
      const before = jwksRequests
      for (let i = 0; i < 5; i++) await t.query('{ me { id } }', {}, await sign({}, { key: other.privateKey, kid: `forged-${i}` }))
      for (let i = 0; i < 5; i++) await t.query('{ me { id } }', {}, good)
      expect(jwksRequests - before).toBeLessThanOrEqual(1)
    })
  })

  describe('another researcher’s projects, by every path', () => {
    let bea: string
    beforeAll(async () => {
      bea = await tokenFor('researcher-b')
    })

    it('lists only their own projects', async () => {
      const a = await t.query('{ projects { id } }', {}, good)
      const b = await t.query('{ projects { id } }', {}, bea)
      expect(a.body.data!.projects.map((p: { id: string }) => p.id)).toEqual(['prj-0001', 'prj-0002', 'prj-0003'])
      expect(b.body.data!.projects.map((p: { id: string }) => p.id)).toEqual(['prj-0010', 'prj-0011'])
    })

    const paths: [string, (id: string) => string][] = [
      ['project(id)', (id) => `{ project(id: "${id}") { id name } }`],
      ['an alias', (id) => `{ mine: me { id } theirs: project(id: "${id}") { id incidents { __typename } } }`],
      ['a fragment', (id) => `fragment P on ResearchProject { id studyRecordCounts { __typename } } { project(id: "${id}") { ...P } }`],
      ['an inline fragment', (id) => `{ project(id: "${id}") { ... on ResearchProject { dataProviderOrganisations { __typename } } } }`],
      ['a variable', () => 'query Q($id: ID!) { project(id: $id) { uniqueSubjectCounts { __typename } } }'],
      [
        'overlaps',
        (id) =>
          `{ multiStudySubjectCounts { ... on MultiStudySubjectCounts { overlaps(projectId: "${id}") { sharedSubjects { __typename } } } } }`,
      ],
    ]
    // Each researcher against the other's projects: A (prj-0001..3) asks for prj-0010, B (prj-0010, 0011) for prj-0002.
    const matrix = paths.flatMap(([what, query]) => [
      [`A → B, ${what}`, 'A', 'prj-0010', query] as const,
      [`B → A, ${what}`, 'B', 'prj-0002', query] as const,
    ])
    it.each(matrix)('%s: null or FORBIDDEN, never the data', async (_what, who, id, query) => {
      const res = await t.query(query(id), { id }, who === 'A' ? good : bea)
      expect(res.status).toBe(200)
      const text = JSON.stringify(res.body.data)
      expect(text).not.toContain(id)
      expect(text).not.toMatch(/IncidentConnection|StudyRecordCounts|OrganisationList|UniqueSubjectCounts|ExactCount|SuppressedCount/)
      expect((res.body.errors ?? []).every((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true)
      await expectHealthy()
    })

    it('refuses overlaps of a project that is not theirs with FORBIDDEN', async () => {
      const res = await t.query(
        '{ multiStudySubjectCounts { ... on MultiStudySubjectCounts { overlaps(projectId: "prj-0010") { sharedSubjects { __typename } } } } }',
        {},
        good,
      )
      expect(res.body.errors![0]!.extensions!.code).toBe('FORBIDDEN')
      await expectHealthy()
    })

    it("refuses another project's data reached through ProjectOverlap.project", async () => {
      const res = await t.query(
        `{ multiStudySubjectCounts { ... on MultiStudySubjectCounts { overlaps(projectId: "prj-0001") {
          project { id studyRecordCounts { __typename } incidents { __typename } componentStatus { __typename } dataProviderIndividuals { __typename } } } } } }`,
        {},
        good,
      )
      const overlaps = res.body.data?.multiStudySubjectCounts?.overlaps ?? []
      expect(JSON.stringify(overlaps)).not.toMatch(/StudyRecordCounts|IncidentConnection|ComponentStatusList|IndividualList/)
      expect(res.body.errors?.every((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true)
      await expectHealthy()
    })

    it('lists the platform’s data users for the researcher role only', async () => {
      const query = '{ dataUserOrganisations { __typename } dataUserIndividuals { __typename } }'
      const researcher = await t.query(query, {}, good)
      expect(researcher.body.data).toEqual({
        dataUserOrganisations: { __typename: 'OrganisationList' },
        dataUserIndividuals: { __typename: 'IndividualList' },
      })
      const roleless = await t.query(query, {}, await tokenFor('service-account', []))
      expect(roleless.body.errors!.length).toBeGreaterThan(0)
      expect(roleless.body.errors!.every((e) => e.extensions!.code === 'FORBIDDEN')).toBe(true)
      expect(JSON.stringify(roleless.body.data)).not.toMatch(/OrganisationList|IndividualList/)
      expect(roleless.body.errors![0]!.message).toMatch(/"researcher" role/)
      await expectHealthy()
    })

    it('shows operators the import log, and nobody else', async () => {
      expect((await t.query('{ collectorRuns { source } }', {}, good)).body.errors![0]!.extensions!.code).toBe('FORBIDDEN')
      const ops = await t.query('{ collectorRuns(last: 1) { source } }', {}, await tokenFor('ops', ['operator']))
      expect(ops.body.errors).toBeUndefined()
    })
  })

  describe('calls straight to a subgraph', () => {
    const entities = (id: string, field: string) =>
      `{ _entities(representations: [{ __typename: "ResearchProject", id: "${id}" }]) { ... on ResearchProject { ${field} } } }`
    const fields = PROJECT_FIELD_OF_SUBGRAPH
    const post = (url: string, query: string, headers: Record<string, string> = {}) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query }) })

    it.each(Object.keys(fields))('%s refuses a forged _entities call for a project the signed researcher is not in', async (name) => {
      const header = signIdentity(
        { sub: 'researcher-0001', name: 'An', roles: ['researcher'], projects: ['prj-0001'] },
        t.graph.identitySecret,
      )
      const response = await post(t.graph.subgraphUrls[name]!, entities('prj-0010', fields[name]!), { [IDENTITY_HEADER]: header })
      const body = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] }
      expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
      expect(JSON.stringify(body.data ?? null)).not.toMatch(/Connection|Counts|List"/)
      await expectHealthy()
    })

    it.each(Object.keys(fields))('%s refuses an identity signed with another secret, and introspection without one', async (name) => {
      const forged = signIdentity({ sub: 'x', name: 'x', roles: ['operator'], projects: ['prj-0010'] }, 'not-the-secret')
      expect((await post(t.graph.subgraphUrls[name]!, '{ _service { sdl } }', { [IDENTITY_HEADER]: forged })).status).toBe(401)
      expect((await post(t.graph.subgraphUrls[name]!, '{ __schema { types { name } } }')).status).toBe(401)
      await expectHealthy()
    })
  })

  describe('query shapes', () => {
    const deep = `{ ${'me { projects { '.repeat(8)}id${' } }'.repeat(8)} }`
    const aliases = `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: me { id }`).join(' ')} }`
    const directives = `{ me { id ${'@include(if: true) '.repeat(40)} } }`
    const tokens = `{ me { ${'id '.repeat(6000)} } }`
    const costly = `{ projects { incidents(first: 100) { ... on IncidentConnection { edges { node { number } } } } studyRecordCountHistory(from: "2024-01-01", to: "2026-11-21") { __typename } } ${Array.from({ length: 20 }, (_, i) => `p${i}: projects { incidents(first: 100) { ... on IncidentConnection { edges { node { number shortDescription state priority openedAt } } } } }`).join(' ')} }`
    const shapes: [string, string, number, string, RegExp][] = [
      ['too deep', deep, 400, 'QUERY_TOO_COMPLEX', /Query depth limit of 12 exceeded, found \d+ \(HD4RES_MAX_DEPTH\)/],
      ['too many aliases', aliases, 400, 'QUERY_TOO_COMPLEX', /Aliases limit of 30 exceeded, found 40 \(HD4RES_MAX_ALIASES\)/],
      ['too many directives', directives, 400, 'QUERY_TOO_COMPLEX', /Directives limit of 30 exceeded, found 40 \(HD4RES_MAX_DIRECTIVES\)/],
      ['too many tokens', tokens, 400, 'QUERY_TOO_COMPLEX', /Token limit of 5000 exceeded \(HD4RES_MAX_TOKENS\)/],
      ['too costly', costly, 400, 'QUERY_TOO_COMPLEX', /Query Cost limit of 60000 exceeded, found [\d.]+ \(HD4RES_MAX_COST\)/],
      ['a syntax error', '{ me { id ', 400, 'GRAPHQL_PARSE_FAILED', /Syntax Error/],
      [
        'an unknown field, with no suggestion',
        '{ me { idd } }',
        400,
        'GRAPHQL_VALIDATION_FAILED',
        /^Cannot query field "idd" on type "Researcher"\.$/,
      ],
      [
        'a wrong argument type',
        '{ project(id: "prj-0001") { incidents(first: "ten") { __typename } } }',
        400,
        'GRAPHQL_VALIDATION_FAILED',
        /Int cannot represent/,
      ],
      ['a missing variable', 'query Q($id: ID!) { project(id: $id) { id } }', 400, 'BAD_USER_INPUT', /Variable "\$id"/],
      ['two operations and no name', 'query A { me { id } } query B { me { id } }', 400, 'INVALID_GRAPHQL', /Must provide operation name/],
      ['a mutation', 'mutation { deleteEverything }', 400, 'INVALID_GRAPHQL', /no "mutation" root type/],
      ['a subscription', 'subscription { me { id } }', 400, 'INVALID_GRAPHQL', /no "subscription" root type/],
    ]
    it.each(shapes)('refuses a query %s before it runs', async (_what, query, status, code, message) => {
      const res = await t.query(query, {}, good)
      expectRefused(res, status, code)
      expect(res.body.errors![0]!.message).toMatch(message)
      await expectHealthy()
    })
  })

  describe('HTTP', () => {
    const raw = (body: string | Buffer, headers: Record<string, string>, method = 'POST', url = t.graph.graphqlUrl) =>
      fetch(url, {
        method,
        headers: { authorization: `Bearer ${good}`, ...headers },
        body: method === 'GET' ? undefined : typeof body === 'string' ? body : new Uint8Array(body),
      })
    const json = async (response: Response) => ({
      status: response.status,
      headers: response.headers,
      body: (await response.json()) as GraphQLResponse['body'],
    })

    it('refuses a body over the size limit with 413', async () => {
      const res = await json(
        await raw(JSON.stringify({ query: `{ me { id } } # ${'x'.repeat(30_000)}` }), { 'content-type': 'application/json' }),
      )
      expectRefused(res, 413, 'PAYLOAD_TOO_LARGE')
      expect(res.body.errors![0]!.message).toMatch(/larger than 20000 bytes \(HD4RES_MAX_BODY_BYTES\)/)
      await expectHealthy()
    })

    it.each([
      ['truncated JSON', '{"query": "{ me { id } }"'],
      ['not JSON at all', 'query=%7Bme%7D'],
      ['a JSON string', '"{ me { id } }"'],
    ])('refuses %s with 400', async (_what, body) => {
      const res = await json(await raw(body, { 'content-type': 'application/json' }))
      expect(res.status).toBe(400)
      expect(res.body.errors?.[0]?.message).toBeTruthy()
      await expectHealthy()
    })

    it.each([
      ['text/plain', 'text/plain'],
      ['form data', 'application/x-www-form-urlencoded'],
      ['XML', 'application/xml'],
    ])('refuses %s, a content type a cross-site form could send', async (_what, type) => {
      const response = await raw(JSON.stringify({ query: '{ me { id } }' }), { 'content-type': type })
      expect([400, 415]).toContain(response.status)
      await expectHealthy()
    })

    it('refuses a GET that a cross-site page could send: no Authorization header, no answer (CSRF)', async () => {
      // A browser sends an Authorization header cross-site only after a CORS preflight,
      // so the GETs a forged page can make carry none, and are refused before anything runs.
      const response = await fetch(`${t.graph.graphqlUrl}?query=${encodeURIComponent('{ me { id } }')}`, {
        headers: { 'content-type': 'text/plain' },
      })
      expect(response.status).toBe(401)
      expect(await response.text()).not.toContain('researcher-0001')
      await expectHealthy()
    })

    it('answers a small batch, and refuses one over the limit', async () => {
      const two = await json(
        await raw(JSON.stringify([{ query: '{ me { id } }' }, { query: '{ projects { id } }' }]), { 'content-type': 'application/json' }),
      )
      expect(two.status).toBe(200)
      expect(Array.isArray(two.body)).toBe(true)
      const eleven = await json(
        await raw(JSON.stringify(Array.from({ length: 11 }, () => ({ query: '{ me { id } }' }))), { 'content-type': 'application/json' }),
      )
      expectRefused(eleven, 400, 'BATCH_TOO_LARGE')
      expect(eleven.body.errors![0]!.message).toMatch(/at most 10 operations \(HD4RES_MAX_BATCH\); this one holds 11/)
      await expectHealthy()
    })

    it('gives every answer a request id, and keeps a caller’s well-formed one', async () => {
      const response = await raw(JSON.stringify({ query: '{ nope }' }), {
        'content-type': 'application/json',
        'x-request-id': 'frontend-1234-abcd',
      })
      expect(response.headers.get('x-request-id')).toBe('frontend-1234-abcd')
      const body = (await response.json()) as GraphQLResponse['body']
      expect(body.errors![0]!.extensions!.requestId).toBe('frontend-1234-abcd')
      const hostile = await raw(JSON.stringify({ query: '{ me { id } }' }), {
        'content-type': 'application/json',
        'x-request-id': '<script>',
      })
      expect(hostile.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    })
  })
})

describe('a production deployment', () => {
  let t: TestGraph
  beforeAll(async () => {
    t = await startTestGraph({
      registry: loadPublicationRegistry({ available: 'ALL' }),
      env: {
        NODE_ENV: 'production',
        HD4RES_IDENTITY_SECRET: 'x'.repeat(40),
        HD4RES_RATE_PER_RESEARCHER: '8',
        HD4RES_RATE_PER_ADDRESS: '40',
      },
    })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('answers no introspection and serves no GraphiQL', async () => {
    const res = await t.query('{ __schema { types { name } } }')
    expect(res.status).toBe(400)
    expect(res.body.errors![0]!.message).toMatch(/introspection/i)
    expect((await fetch(`${t.graph.url}/graphiql`)).status).toBe(404)
  })

  it('keeps stack traces and SQL out of errors', async () => {
    await t.db.query('ALTER TABLE support.tickets RENAME TO tickets_moved')
    try {
      const res = await t.query('{ project(id: "prj-0001") { incidents { __typename } } }')
      const text = JSON.stringify(res.body)
      expect(res.body.errors![0]!.message).toBe('Internal error in the support service')
      expect(res.body.errors![0]!.extensions!.code).toBe('INTERNAL_SERVER_ERROR')
      expect(res.body.errors![0]!.extensions!.requestId).toMatch(/[0-9a-f-]{36}/)
      expect(text).not.toMatch(/tickets|relation|SELECT|at .*\.ts/)
    } finally {
      await t.db.query('ALTER TABLE support.tickets_moved RENAME TO tickets')
    }
  })

  it('limits the rate per researcher with 429 and Retry-After', async () => {
    const token = await t.tokenFor('busy-researcher')
    const statuses: number[] = []
    let retryAfter: string | null = null
    for (let i = 0; i < 10; i++) {
      const res = await t.query('{ me { id } }', {}, token)
      statuses.push(res.status)
      if (res.status === 429) retryAfter = res.headers.get('retry-after')
    }
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(200))
    expect(statuses.slice(8)).toEqual([429, 429])
    expect(Number(retryAfter)).toBeGreaterThan(0)
    // Another researcher is not held back.
    expect((await t.query('{ me { id } }', {}, await t.tokenFor('calm-researcher'))).status).toBe(200)
  })

  it('limits the rate per client address, whatever the tokens', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 40; i++) statuses.push((await t.query('{ me { id } }', {}, await t.tokenFor(`r-${i}`))).status)
    expect(statuses).toContain(429)
    expect(statuses.indexOf(429)).toBeGreaterThan(10)
    const res = await fetch(t.graph.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ me { id } }"}',
    })
    expect(res.status).toBe(429)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
  })
})

describe('a deployment that answers only registered operations', () => {
  let t: TestGraph
  const allowed = 'query Mine { me { id } }'
  beforeAll(async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const path = await import('node:path')
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'hd4res-safelist-')), 'manifest.json')
    writeFileSync(
      file,
      JSON.stringify({
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [{ id: 'x', name: 'Mine', type: 'query', body: allowed }],
      }),
    )
    t = await startTestGraph({ env: { HD4RES_SAFELIST_FILE: file } })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('answers a registered operation and refuses any other with 403', async () => {
    expect((await t.query(allowed)).body.data).toEqual({ me: { id: 'researcher-0001' } })
    const other = await t.query('{ me { id displayName } }')
    expect(other.status).toBe(403)
    expect(other.body.errors![0]!.extensions!.code).toBe('OPERATION_NOT_IN_SAFELIST')
    expect((await t.query(allowed)).status).toBe(200)
  })
})
