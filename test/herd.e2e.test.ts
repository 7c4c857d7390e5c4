/**
 * A herd-proof morning: right after an import, a researcher's dashboard is
 * answered from the previous version's entry, marked stale, for a bounded
 * time while it is recomputed in the background, and then from the cache
 * again with the new data; past the bound a miss is a plain miss. A counts
 * import keeps the memberships the gateway knows; a registry change makes it
 * ask again.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { collectHd4devopsCounts } from '../collectors/hd4devops.js'
import { fileDocuments } from '../collectors/input.js'
import { CACHE_HEADER } from '../gateway/server.js'
import { loadPublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import { startTestGraph, type Engine, type TestGraph } from './helpers/graph.js'

/** In memory on PGlite, in Redis when REDIS_URL is set, and on PostgreSQL (its triggers and NOTIFY) when DATABASE_URL is. */
const SETUPS: { store: 'memory' | 'redis'; engine: Engine }[] = [
  { store: 'memory', engine: 'pglite' },
  ...(process.env.REDIS_URL ? [{ store: 'redis' as const, engine: 'pglite' as const }] : []),
  ...(process.env.DATABASE_URL ? [{ store: 'memory' as const, engine: 'postgres' as const }] : []),
]
const STALE_SECONDS = 3
const DASHBOARD =
  '{ projects { id studyRecordCounts(date: "2026-11-22") { ... on StudyRecordCounts { components { component { id } count { ... on ExactCount { value } } } } } } }'
const PROJECTS = '{ projects { id code } }'
const HERD = 24

async function importRecords(t: TestGraph, records: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'hd4res-herd-'))
  const file = path.join(dir, 'counts.json')
  writeFileSync(
    file,
    JSON.stringify({
      format: 'hd4devops-counts/1',
      component: 'HD4DP_V2_LOCAL',
      day: '2026-11-22',
      projects: [{ project: 'BCFR', records }],
    }),
  )
  const [outcome] = await collectHd4devopsCounts(t.db, fileDocuments([file]))
  expect(outcome!.status).toBe('imported')
}

async function ask(url: string, token: string, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
    body: JSON.stringify({ query }),
  })
  return { cache: response.headers.get(CACHE_HEADER), version: response.headers.get('x-hd4res-cache-version'), body: await response.text() }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Imports, and waits until the gateway has heard of the new version (on PostgreSQL it comes by NOTIFY, moments later): an answer kept just before stops being a hit. */
async function importAndWait(t: TestGraph, records: number) {
  const probe = '{ me { id } }'
  await ask(t.graph.graphqlUrl, t.demoToken, probe)
  await importRecords(t, records)
  let after = await ask(t.graph.graphqlUrl, t.demoToken, probe)
  for (let tries = 0; after.cache === 'hit' && tries < 100; tries++) {
    await sleep(20)
    after = await ask(t.graph.graphqlUrl, t.demoToken, probe)
  }
  expect(after.cache).not.toBe('hit')
}

describe.each(SETUPS)('a herd-proof morning ($store, $engine)', ({ store, engine }) => {
  let t: TestGraph
  let bea: string
  let herd: string[]
  beforeAll(async () => {
    t = await startTestGraph({
      engine,
      registry: loadPublicationRegistry({ available: 'ALL' }),
      env: {
        HD4RES_RESPONSE_CACHE: 'on',
        HD4RES_DATA_VERSION_CHECK_MS: '0',
        HD4RES_RESPONSE_CACHE_STALE_SECONDS: String(STALE_SECONDS),
        // Memberships stay fresh through the whole suite: only a registry change makes the gateway ask again.
        HD4RES_MEMBERSHIPS_TTL_MS: '600000',
        ...(store === 'redis' ? { REDIS_URL: process.env.REDIS_URL! } : {}),
      },
    })
    await t.db.query(`INSERT INTO participants.researchers (id, display_name) VALUES ('researcher-b', 'Bea')`)
    await t.db.query(`INSERT INTO participants.memberships VALUES ('researcher-b', 'prj-0001')`)
    bea = await t.tokenFor('researcher-b')
    const ids = Array.from({ length: HERD }, (_, i) => `herd-${i}`)
    await t.db.query(`INSERT INTO participants.researchers (id, display_name) SELECT id, id FROM unnest($1::text[]) AS id`, [ids])
    await t.db.query(`INSERT INTO participants.memberships SELECT id, 'prj-0001' FROM unnest($1::text[]) AS id`, [ids])
    herd = await Promise.all(ids.map((id) => t.tokenFor(id)))
  })
  afterAll(async () => {
    await t?.close()
  })
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('answers the previous version’s entry, marked stale, then the recomputed one; past the bound a plain miss', async () => {
    const url = t.graph.graphqlUrl
    expect((await ask(url, t.demoToken, DASHBOARD)).cache).toBe('miss')
    const before = await ask(url, t.demoToken, DASHBOARD)
    expect(before.cache).toBe('hit')
    // A second operation kept at this version, asked again only once the bound has passed.
    expect((await ask(url, t.demoToken, PROJECTS)).cache).toBe('miss')

    await importAndWait(t, 626260)
    const stale = await ask(url, t.demoToken, DASHBOARD)
    const sawChange = Date.now()
    expect(stale.cache).toBe('stale')
    expect(stale.body).toBe(before.body)
    expect(stale.version).toMatch(/^[0-9a-f]+:\d+$/)

    // Another researcher with no entry of their own at the previous version is never given Alice's.
    const beas = await ask(url, bea, DASHBOARD)
    expect(beas.cache).toBe('miss')
    expect(beas.body).toContain('626260')
    expect(beas.body).not.toBe(before.body)

    // The background recompute lands: the next answer is a hit with the new data.
    let fresh = await ask(url, t.demoToken, DASHBOARD)
    for (let tries = 0; fresh.cache !== 'hit' && tries < 100; tries++) {
      expect(fresh.cache).toBe('stale')
      await sleep(20)
      fresh = await ask(url, t.demoToken, DASHBOARD)
    }
    expect(fresh.cache).toBe('hit')
    expect(fresh.body).toContain('626260')
    expect(Date.now() - sawChange).toBeLessThan(STALE_SECONDS * 1000)

    // Past the bound, an operation only the previous version had is a plain miss.
    await sleep(Math.max(0, sawChange + STALE_SECONDS * 1000 + 200 - Date.now()))
    const late = await ask(url, t.demoToken, PROJECTS)
    expect(late.cache).toBe('miss')
  })

  it('answers a herd of distinct researchers after an import from their own previous answers, then recomputes them all', async () => {
    const url = t.graph.graphqlUrl
    const firsts = await Promise.all(herd.map((token) => ask(url, token, DASHBOARD)))
    expect(new Set(firsts.map((a) => a.cache))).toEqual(new Set(['miss']))
    await importAndWait(t, 959590)
    const morning = await Promise.all(herd.map((token) => ask(url, token, DASHBOARD)))
    expect(morning.map((a) => a.cache)).toEqual(herd.map(() => 'stale'))
    morning.forEach((answer, i) => expect(answer.body).toBe(firsts[i]!.body))
    // Every researcher's own entry is recomputed in the background, a few at a time.
    let later = await Promise.all(herd.map((token) => ask(url, token, DASHBOARD)))
    for (let tries = 0; later.some((a) => a.cache !== 'hit') && tries < 150; tries++) {
      await sleep(20)
      later = await Promise.all(herd.map((token) => ask(url, token, DASHBOARD)))
    }
    expect(later.map((a) => a.cache)).toEqual(herd.map(() => 'hit'))
    for (const answer of later) expect(answer.body).toContain('959590')
  })

  it('lets a client give up its stale answer with the recompute header, and nothing more', async () => {
    const url = t.graph.graphqlUrl
    // Whatever the import before left stale is recomputed first.
    let before = await ask(url, t.demoToken, DASHBOARD)
    for (let tries = 0; before.cache !== 'hit' && tries < 100; tries++) {
      await sleep(20)
      before = await ask(url, t.demoToken, DASHBOARD)
    }
    expect(before.cache).toBe('hit')
    await importAndWait(t, 737370)
    const skipped = await ask(url, t.demoToken, DASHBOARD, { 'x-hd4res-revalidate': '1' })
    expect(skipped.cache).toBe('miss')
    expect(skipped.body).toContain('737370')
    expect((await ask(url, t.demoToken, DASHBOARD)).cache).toBe('hit')
  })

  it('keeps memberships across a counts import, and asks again after a registry change', async () => {
    const url = t.graph.graphqlUrl
    const participants = new URL(t.graph.subgraphUrls.participants!).origin
    const realFetch = globalThis.fetch
    let asked = 0
    vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
      const target = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
      if (target.startsWith(participants) && new URL(target).pathname === '/internal/access') asked++
      return realFetch(input, init)
    })
    expect((await ask(url, t.demoToken, PROJECTS)).body).toContain('prj-0001')
    const afterFirst = asked
    await importAndWait(t, 848480)
    await ask(url, t.demoToken, DASHBOARD)
    await ask(url, t.demoToken, PROJECTS)
    // Their background recomputes land before the registry changes, so that none of them asks afterwards.
    for (let tries = 0; tries < 100; tries++) {
      const now = await Promise.all([ask(url, t.demoToken, DASHBOARD), ask(url, t.demoToken, PROJECTS)])
      if (now.every((a) => a.cache === 'hit')) break
      await sleep(20)
    }
    expect(asked).toBe(afterFirst)

    // A registry change (here a new membership) moves the registry version: memberships are asked again.
    await t.db.query(`INSERT INTO participants.memberships VALUES ('researcher-b', 'prj-0002')`)
    let projects = await ask(url, bea, PROJECTS)
    for (let tries = 0; !projects.body.includes('prj-0002') && tries < 100; tries++) {
      await sleep(20)
      projects = await ask(url, bea, PROJECTS)
    }
    expect(JSON.parse(projects.body).data.projects.map((p: { id: string }) => p.id)).toEqual(['prj-0001', 'prj-0002'])
    expect(asked).toBeGreaterThan(afterFirst)
    const afterChange = asked
    await ask(url, t.demoToken, PROJECTS)
    expect(asked).toBe(afterChange + 1)
  })
})
