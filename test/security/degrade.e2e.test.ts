/**
 * Degrade, never 500: through the gateway over HTTP, each outage a deployment
 * meets answers what can still be answered and names what cannot.
 *
 * - The participants subgraph down: memberships (and the data version) come
 *   from the last known state for HD4RES_MEMBERSHIPS_STALE_MS, cached answers
 *   still answer, no project is granted that was not; past the window, 503
 *   SERVICE_UNAVAILABLE with Retry-After, audited like any refusal.
 * - The store refusing connections: each field that needs it fails as
 *   STORE_UNAVAILABLE naming its subgraph, the rest stands, HTTP 200, and the
 *   graph recovers by itself (on PGlite the handle refuses as PostgreSQL's
 *   driver does; on PostgreSQL a gate in front of the server closes).
 * - A subgraph behind a proxy that answers 502, 503 or 504:
 *   SUBGRAPH_UNAVAILABLE naming it.
 * - One subgraph down under `projects`: its result fields answer
 *   PublicationTemporarilyUnavailable, `me` and the projects stand, and one
 *   error names the subgraph.
 */
import http from 'node:http'
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadPublicationRegistry } from '../../subgraphs/kit/catalogue/publications.js'
import { openDb, type Db } from '../../subgraphs/kit/store/db.js'
import { ENGINES, startTestGraph, type GraphQLResponse, type TestGraph } from '../helpers/graph.js'
import { createScratchDatabase, type ScratchDatabase } from '../helpers/scratchDatabase.js'

const PRODUCTION = { NODE_ENV: 'production', HD4RES_IDENTITY_SECRET: 'd'.repeat(40) }

/** POSTs a query with a request id of the test's choosing, so its audit record can be found. */
async function ask(t: TestGraph, query: string, options: { token?: string; requestId?: string } = {}): Promise<GraphQLResponse> {
  const token = options.token ?? t.demoToken
  const response = await fetch(t.graph.graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${token}`,
      ...(options.requestId ? { 'x-request-id': options.requestId } : {}),
    },
    body: JSON.stringify({ query }),
  })
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResponse['body'] }
}

/** Tries until `done` holds, or fails after `limitMs` (generous: a CI machine is busy), giving the last answer. */
async function eventually<T>(attempt: () => Promise<T>, done: (value: T) => boolean, limitMs = 60_000): Promise<T> {
  const until = Date.now() + limitMs
  let last = await attempt()
  while (!done(last) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 250))
    last = await attempt()
  }
  expect(done(last), `not reached within ${limitMs} ms; last: ${JSON.stringify(last)}`).toBe(true)
  return last
}

const codesOf = (res: GraphQLResponse) => (res.body.errors ?? []).map((e) => e.extensions?.code)

describe('the participants subgraph down', () => {
  let t: TestGraph
  const TTL_MS = 100
  const STALE_MS = 15_000
  const CACHED =
    '{ multiStudySubjectCounts { __typename ... on MultiStudySubjectCounts { date subjectsInMultipleStudies { __typename } } } }'
  const overlapsOf = (project: string) =>
    `{ multiStudySubjectCounts { ... on MultiStudySubjectCounts { overlaps(projectId: "${project}") { sharedSubjects { __typename } } } } }`

  beforeAll(async () => {
    t = await startTestGraph({
      registry: loadPublicationRegistry({ available: 'ALL' }),
      env: {
        HD4RES_RESPONSE_CACHE: 'on',
        // Memberships asked again after a moment, so that the outage is met at once; the last known ones answer for 15 s.
        HD4RES_MEMBERSHIPS_TTL_MS: String(TTL_MS),
        HD4RES_MEMBERSHIPS_STALE_MS: String(STALE_MS),
      },
    })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('answers from the last known memberships and the cache, grants nothing more, then refuses 503 with Retry-After, audited', async () => {
    const mine = (await t.query('{ me { projects { id } } }')).body.data!.me.projects.map((p: { id: string }) => p.id) as string[]
    expect(mine).toContain('prj-0001')
    const other = ['prj-0004', 'prj-0005', 'prj-0006'].find((id) => !mine.includes(id))!
    const first = await ask(t, CACHED)
    expect(first.headers.get('x-hd4res-cache')).toBe('miss')
    expect(first.body.errors).toBeUndefined()

    await t.graph.stopSubgraph('participants')
    try {
      // Past the memberships' fresh time and the data version's (HD4RES_DATA_VERSION_CHECK_MS, 1 s): every answer
      // below had to ask participants for both, and could not.
      await new Promise((resolve) => setTimeout(resolve, 1500))
      // Within the window: the cached answer, from the last known memberships and data version.
      const cached = await ask(t, CACHED)
      expect(cached.status).toBe(200)
      expect(cached.headers.get('x-hd4res-cache')).toBe('hit')
      expect(cached.body).toEqual(first.body)
      // A question not asked before: answered, scoped by the same memberships, and no wider.
      const own = await ask(t, overlapsOf('prj-0001'))
      expect(own.status).toBe(200)
      expect(own.body.errors).toBeUndefined()
      expect(Array.isArray(own.body.data!.multiStudySubjectCounts.overlaps)).toBe(true)
      const notMine = await ask(t, overlapsOf(other))
      expect(notMine.status).toBe(200)
      expect(codesOf(notMine)).toEqual(['FORBIDDEN'])
      // Nobody's memberships are known for a researcher never seen: refused, named, with when to come back.
      const stranger = await ask(t, CACHED, { token: await t.tokenFor('researcher-0002'), requestId: 'degrade-stranger-0001' })
      expect(stranger.status).toBe(503)
      expect(stranger.headers.get('retry-after')).toMatch(/^\d+$/)
      expect(stranger.body.errors).toEqual([
        { message: expect.stringMatching(/membership service \(participants\)/), extensions: { code: 'SERVICE_UNAVAILABLE' } },
      ])

      // Past the window: the same researcher, the same cached question, refused the same way.
      const refused = await eventually(
        () => ask(t, CACHED, { requestId: `degrade-late-${Date.now()}` }),
        (res) => res.status !== 200,
        STALE_MS + 45_000,
      )
      expect(refused.status).toBe(503)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
      expect(refused.body.errors).toHaveLength(1)
      expect(refused.body.errors![0]!.extensions).toEqual({ code: 'SERVICE_UNAVAILABLE' })
      expect(refused.body.errors![0]!.message).toMatch(/membership service \(participants\)/)
      expect(JSON.stringify(refused.body)).not.toMatch(/127\.0\.0\.1|localhost|:\d{4,5}\//)
    } finally {
      await t.graph.startSubgraph('participants')
    }

    const healed = await eventually(
      () => ask(t, overlapsOf('prj-0001')),
      (res) => res.status === 200 && !res.body.errors,
    )
    expect(healed.body.data!.multiStudySubjectCounts.overlaps).toEqual(expect.any(Array))

    // The refusals are in the audit trail, with the researcher the token named and the answer's status and code.
    expect(await t.graph.flushAudit()).toBe(true)
    const rows = await t.db.query<{ researcher_id: string | null; http_status: number; error_codes: string[]; outcome: string }>(
      `SELECT researcher_id, http_status, error_codes, outcome FROM ops.audit_log WHERE request_id LIKE 'degrade-%' ORDER BY at`,
    )
    expect(rows[0]).toEqual({ researcher_id: 'researcher-0002', http_status: 503, error_codes: ['SERVICE_UNAVAILABLE'], outcome: 'error' })
    expect(rows.at(-1)).toEqual({
      researcher_id: 'researcher-0001',
      http_status: 503,
      error_codes: ['SERVICE_UNAVAILABLE'],
      outcome: 'error',
    })
  })
})

/** A database handle that refuses every statement while `down`, as node-postgres does when the server refuses connections. */
function refusingWhenDown(db: Db): { db: Db; outage: { down: boolean } } {
  const outage = { down: false }
  const refused = () =>
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
      code: 'ECONNREFUSED',
      errno: -111,
      syscall: 'connect',
      address: '127.0.0.1',
      port: 5432,
    })
  const gate = <T>(work: () => Promise<T>): Promise<T> => (outage.down ? Promise.reject(refused()) : work())
  const gated = {
    engine: db.engine,
    query: (sql: string, params?: readonly unknown[]) => gate(() => db.query(sql, params)),
    exec: (sql: string) => gate(() => db.exec(sql)),
    transaction: (work: Parameters<Db['transaction']>[0]) => gate(() => db.transaction(work)),
    listen: (channel: string, handlers: Parameters<Db['listen']>[1]) => db.listen(channel, handlers),
    close: () => db.close(),
  }
  return { db: gated as Db, outage }
}

/** A TCP gate in front of the PostgreSQL server: closed, it refuses connections and cuts the ones it carried. */
async function postgresGate(target: URL) {
  const sockets = new Set<net.Socket>()
  let server: net.Server | null = null
  const open = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server = net.createServer((client) => {
        const upstream = net.connect(Number(target.port || 5432), target.hostname)
        for (const socket of [client, upstream]) {
          sockets.add(socket)
          socket.on('close', () => sockets.delete(socket))
          socket.on('error', () => undefined)
        }
        client.on('close', () => upstream.destroy())
        upstream.on('close', () => client.destroy())
        client.pipe(upstream).pipe(client)
      })
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve((server!.address() as AddressInfo).port))
    })
  const port = await open(0)
  return {
    port,
    close: async () => {
      const closing = server
      server = null
      for (const socket of sockets) socket.destroy()
      if (closing) await new Promise((resolve) => closing.close(resolve))
    },
    reopen: () => open(port),
  }
}

describe.each(ENGINES)('the store refusing connections (%s)', (engine) => {
  let t: TestGraph
  let db: Db
  let down: () => Promise<void>
  let up: () => Promise<void>
  let scratch: ScratchDatabase | null = null
  let closeGate: () => Promise<void> = async () => {}
  // components answers from the catalogue, without the store; project(id) needs it (and is nullable, so it fails alone).
  const QUERY = '{ components { id name } project(id: "prj-0001") { code } }'

  beforeAll(async () => {
    if (engine === 'pglite') {
      const refusing = refusingWhenDown(await openDb())
      db = refusing.db
      down = async () => void (refusing.outage.down = true)
      up = async () => void (refusing.outage.down = false)
    } else {
      scratch = await createScratchDatabase('postgres', 'hd4res_test')
      const gate = await postgresGate(new URL(scratch.url))
      const through = new URL(scratch.url)
      through.hostname = '127.0.0.1'
      through.port = String(gate.port)
      // The pool's own report of a connection the gate cut is expected here, not news.
      db = await openDb({ databaseUrl: through.toString(), poolSize: 5, log: { error: () => undefined } })
      down = gate.close
      up = async () => void (await gate.reopen())
      closeGate = gate.close
    }
    t = await startTestGraph({
      engine,
      reuseDb: db,
      registry: loadPublicationRegistry({ available: 'ALL' }),
      env: {
        ...PRODUCTION,
        // The subgraphs' result caches on: a version that cannot be read must not fail the request either. Read for
        // every request (no trust in a recent read), so that what the outage answers is the store's doing, not the clock's.
        HD4RES_SUBGRAPH_CACHE_MB: '8',
        HD4RES_DATA_VERSION_CHECK_MS: '0',
        // Memberships asked for every request: participants cannot answer them during the outage, the last known ones do.
        HD4RES_MEMBERSHIPS_TTL_MS: '0',
      },
    })
  })
  afterAll(async () => {
    await t?.close()
    await db?.close().catch(() => undefined)
    await closeGate()
    await scratch?.drop()
  })

  it('fails each field that needs the store with STORE_UNAVAILABLE naming its subgraph, answers the rest with 200, and recovers', async () => {
    const healthy = await t.query(QUERY)
    expect(healthy.body.errors).toBeUndefined()
    expect(healthy.body.data!.project.code).toBeTruthy()

    await down()
    try {
      // The tester's burst: sixteen requests while the store refuses.
      const burst = await Promise.all(Array.from({ length: 16 }, () => t.query(QUERY)))
      for (const res of burst) {
        expect(res.status).toBe(200)
        expect(res.body.data!.components).toEqual(healthy.body.data!.components)
        expect(res.body.data!.project).toBeNull()
        expect(res.body.errors).toEqual([
          {
            message: 'The participants service cannot reach its store; try again shortly',
            path: ['project'],
            extensions: { code: 'STORE_UNAVAILABLE', serviceName: 'participants', requestId: expect.any(String) },
          },
        ])
      }
      // Other subgraphs say the same of themselves; no answer is a 5xx, none masks the service.
      const counts = await t.query('{ multiStudySubjectCounts { __typename } }')
      expect(counts.status).toBe(200)
      expect(counts.body.errors!.map((e) => [e.extensions?.code, e.extensions?.serviceName])).toEqual([['STORE_UNAVAILABLE', 'subjects']])
      // The gateway itself can still serve (the answers above came): ready, with the subgraphs whose store is down named.
      const ready = await fetch(`${t.graph.url}/readyz`)
      expect(ready.status).toBe(200)
      expect(((await ready.json()) as { subgraphs: Record<string, string> }).subgraphs).toMatchObject({
        participants: 'down',
        subjects: 'down',
      })
    } finally {
      await up()
    }

    const healed = await eventually(
      () => t.query(QUERY),
      (res) => res.status === 200 && !res.body.errors,
    )
    expect(healed.body.data).toEqual(healthy.body.data)
    expect((await fetch(`${t.graph.url}/readyz`)).status).toBe(200)
  })
})

describe('one subgraph unavailable', () => {
  let t: TestGraph
  beforeAll(async () => {
    t = await startTestGraph({
      registry: loadPublicationRegistry({ available: 'ALL' }),
      env: { ...PRODUCTION, HD4RES_SUBGRAPH_TIMEOUT_MS: '1500' },
    })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('answers the rest under projects: me and each project stand, the counts answer PublicationTemporarilyUnavailable, one error names records', async () => {
    const QUERY = `{
      me { id }
      projects {
        code
        studyRecordCounts { __typename ... on PublicationTemporarilyUnavailable { message } }
        history: studyRecordCountHistory(from: "2026-11-01", to: "2026-11-21") {
          __typename ... on PublicationTemporarilyUnavailable { publication retryAfterSeconds }
        }
      }
    }`
    const healthy = await t.query(QUERY)
    expect(healthy.body.errors).toBeUndefined()
    const codes = healthy.body.data!.projects.map((p: { code: string }) => p.code)
    expect(codes.length).toBeGreaterThan(0)
    expect(healthy.body.data!.projects[0].studyRecordCounts).toEqual({ __typename: 'StudyRecordCounts' })

    await t.graph.stopSubgraph('records')
    try {
      const degraded = await t.query(QUERY)
      expect(degraded.status).toBe(200)
      expect(degraded.body.data!.me).toEqual(healthy.body.data!.me)
      expect(degraded.body.data!.projects.map((p: { code: string }) => p.code)).toEqual(codes)
      for (const project of degraded.body.data!.projects) {
        expect(project.studyRecordCounts).toEqual({
          __typename: 'PublicationTemporarilyUnavailable',
          message: expect.stringMatching(/the records service could not be reached/),
        })
        expect(project.history).toEqual({
          __typename: 'PublicationTemporarilyUnavailable',
          publication: 'STUDY_RECORD_COUNTS',
          retryAfterSeconds: expect.any(Number),
        })
      }
      expect(degraded.body.errors).toHaveLength(1)
      expect(degraded.body.errors![0]!.message).toMatch(/^The records service could not be reached/)
      expect(degraded.body.errors![0]!.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'records' })
      // A client that does not ask for the member sees its type name only.
      const plain = await t.query('{ projects { code studyRecordCounts { __typename ... on StudyRecordCounts { date } } } }')
      expect(plain.body.data!.projects[0]).toEqual({
        code: codes[0],
        studyRecordCounts: { __typename: 'PublicationTemporarilyUnavailable' },
      })
    } finally {
      await t.graph.startSubgraph('records')
    }
    const healed = await t.query(QUERY)
    expect(healed.body).toEqual(healthy.body)
  })

  describe.each([502, 503, 504])('behind a proxy that answers %i', (status) => {
    it('is SUBGRAPH_UNAVAILABLE, named, never masked, never a 5xx', async () => {
      await t.graph.stopSubgraph('components')
      const port = Number(new URL(t.graph.subgraphUrls.components!).port)
      // What nginx answers for an upstream that is down, refusing or late: its own HTML page.
      const proxy = http.createServer((request, response) => {
        request.resume()
        request.on('end', () => response.writeHead(status, { 'content-type': 'text/html' }).end(`<html><body>${status}</body></html>`))
      })
      await new Promise<void>((resolve) => proxy.listen(port, '127.0.0.1', resolve))
      const how = status === 504 ? 'did not answer in time' : 'could not be reached'
      try {
        // A field that is no result union: its error, as before, now named.
        const list = await t.query('{ components { id } }')
        expect(list.status).toBe(200)
        expect(list.body.errors).toHaveLength(1)
        expect(list.body.errors![0]!.message).toMatch(new RegExp(`^The components service ${how}`))
        expect(list.body.errors![0]!.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'components' })
        // A result union under a project: the stand-in, and the rest of the answer.
        const project = await t.query('{ me { id } project(id: "prj-0001") { code componentStatus { __typename } } }')
        expect(project.status).toBe(200)
        expect(project.body.data!.me.id).toBe('researcher-0001')
        expect(project.body.data!.project.componentStatus).toEqual({ __typename: 'PublicationTemporarilyUnavailable' })
        expect(codesOf(project)).toEqual(['SUBGRAPH_UNAVAILABLE'])
        expect(JSON.stringify([list.body, project.body])).not.toMatch(/Internal server error|127\.0\.0\.1|<html>/)
      } finally {
        proxy.closeAllConnections()
        await new Promise((resolve) => proxy.close(resolve))
        await t.graph.startSubgraph('components')
      }
      const healed = await t.query('{ project(id: "prj-0001") { componentStatus { __typename } } }')
      expect(healed.body.errors).toBeUndefined()
      expect(healed.body.data!.project.componentStatus.__typename).toBe('ComponentStatusList')
    })
  })
})
