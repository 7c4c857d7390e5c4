/**
 * The whole-response cache: a repeated dashboard is answered from the cache,
 * two researchers with different projects never share an answer, and an
 * import makes every entry stale at once. In memory, and in Redis shared by
 * two gateway replicas when REDIS_URL is set. Then the same with the version
 * followed as each import commits instead of read on every request.
 */
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectHd4devopsCounts } from '../collectors/hd4devops.js'
import { fileDocuments } from '../collectors/input.js'
import { readSettings } from '../platform/settings.js'
import { CACHE_HEADER, createGateway } from '../gateway/server.js'
import { gatewayOptionsFrom } from '../launch/gateway.js'
import { readCommittedSupergraph } from '../platform/supergraphFile.js'
import { gatewayIdentityHeader, IDENTITY_HEADER, signIdentity } from '../platform/identity.js'
import { loadPublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import { ENGINES, startTestGraph, type TestGraph } from './helpers/graph.js'

const stores = process.env.REDIS_URL ? (['memory', 'redis'] as const) : (['memory'] as const)
const DASHBOARD =
  '{ projects { id studyRecordCounts(date: "2026-11-22") { ... on StudyRecordCounts { components { component { id } count { ... on ExactCount { value } } } } } } }'

/** Writes one day's HD4DevOps counts for BCFR and imports them. */
async function importRecords(t: TestGraph, records: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'hd4res-cache-'))
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

async function ask(url: string, token: string, query: string) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  })
  return { cache: response.headers.get(CACHE_HEADER), body: await response.text() }
}

describe.each(stores)('the response cache (%s)', (store) => {
  let t: TestGraph
  let bea: string
  beforeAll(async () => {
    t = await startTestGraph({
      registry: loadPublicationRegistry({ available: 'ALL' }),
      env: {
        HD4RES_RESPONSE_CACHE: 'on',
        HD4RES_DATA_VERSION_CHECK_MS: '0',
        // Stale answers after an import are herd.e2e.test.ts's: here a miss is a miss.
        HD4RES_RESPONSE_CACHE_STALE_SECONDS: '0',
        ...(store === 'redis' ? { REDIS_URL: process.env.REDIS_URL! } : {}),
      },
    })
    await t.db.query(`INSERT INTO participants.researchers (id, display_name) VALUES ('researcher-b', 'Bea')`)
    await t.db.query(`INSERT INTO participants.memberships VALUES ('researcher-b', 'prj-0010')`)
    bea = await t.tokenFor('researcher-b')
  })
  afterAll(async () => {
    await t?.close()
  })

  it('answers a repeated operation from the cache, byte for byte', async () => {
    const first = await ask(t.graph.graphqlUrl, t.demoToken, DASHBOARD)
    const second = await ask(t.graph.graphqlUrl, t.demoToken, DASHBOARD)
    expect(first.cache).toBe('miss')
    expect(second.cache).toBe('hit')
    expect(second.body).toBe(first.body)
    expect(JSON.parse(second.body).data.projects).toHaveLength(3)
  })

  it('never gives one researcher another’s answer', async () => {
    const a = await ask(t.graph.graphqlUrl, t.demoToken, '{ projects { id } }')
    const b = await ask(t.graph.graphqlUrl, bea, '{ projects { id } }')
    expect(b.cache).toBe('miss')
    expect(JSON.parse(b.body).data.projects).toEqual([{ id: 'prj-0010' }])
    const aAgain = await ask(t.graph.graphqlUrl, t.demoToken, '{ projects { id } }')
    expect(aAgain.cache).toBe('hit')
    expect(JSON.parse(aAgain.body).data.projects.map((p: { id: string }) => p.id)).toEqual(['prj-0001', 'prj-0002', 'prj-0003'])
    expect(aAgain.body).toBe(a.body)
  })

  it('makes every entry stale when an import lands', async () => {
    const before = await ask(t.graph.graphqlUrl, t.demoToken, DASHBOARD)
    expect(before.cache).toBe('hit')
    await importRecords(t, 424240)
    const after = await ask(t.graph.graphqlUrl, t.demoToken, DASHBOARD)
    expect(after.cache).toBe('miss')
    expect(after.body).toContain('424240')
    expect(before.body).not.toContain('424240')
  })

  it('leaves answers with errors out of the cache', async () => {
    const query = '{ project(id: "prj-0001") { studyRecordCountHistory(from: "2026-11-20", to: "2026-11-01") { __typename } } }'
    await ask(t.graph.graphqlUrl, t.demoToken, query)
    expect((await ask(t.graph.graphqlUrl, t.demoToken, query)).cache).toBe('miss')
  })

  if (store === 'redis') {
    it('is shared by a second gateway replica', async () => {
      const settings = readSettings({
        PORT: '0',
        LOG_LEVEL: 'silent',
        HD4RES_DATA_VERSION_CHECK_MS: '0',
        REDIS_URL: process.env.REDIS_URL!,
      })
      const fromSettings = gatewayOptionsFrom(settings)
      const replica = await createGateway({
        limits: fromSettings.limits,
        logger: fromSettings.logger,
        production: false,
        introspection: true,
        responseCache: fromSettings.responseCache,
        supergraphSdl: readCommittedSupergraph(),
        subgraphUrls: t.graph.subgraphUrls,
        identitySecret: t.graph.identitySecret,
        verifier: t.graph.issuer!.verifier,
      })
      const address = await replica.app.listen({ port: 0, host: '127.0.0.1' })
      try {
        const query = '{ me { id projects { code } } }'
        expect((await ask(t.graph.graphqlUrl, t.demoToken, query)).cache).toBe('miss')
        const fromReplica = await ask(`${address}/graphql`, t.demoToken, query)
        expect(fromReplica.cache).toBe('hit')
      } finally {
        await replica.app.close()
      }
    })
  }
})

describe.each(ENGINES)('the response cache, the data version followed (%s)', (engine) => {
  let t: TestGraph
  beforeAll(async () => {
    t = await startTestGraph({
      engine,
      registry: loadPublicationRegistry({ available: 'ALL' }),
      // Read only every ten minutes: whatever comes sooner came by the participants subgraph's stream.
      env: { HD4RES_RESPONSE_CACHE: 'on', HD4RES_DATA_VERSION_CHECK_MS: '600000', HD4RES_RESPONSE_CACHE_STALE_SECONDS: '0' },
    })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('lets only the gateway read or follow the data version', async () => {
    const participants = new URL(t.graph.subgraphUrls.participants!)
    const researcher = signIdentity(
      { sub: 'researcher-0001', name: 'R', roles: ['researcher'], projects: ['prj-0001'] },
      t.graph.identitySecret,
    )
    for (const route of ['/internal/data-version', '/internal/data-version/changes']) {
      const refused = await fetch(new URL(route, participants), { headers: { [IDENTITY_HEADER]: researcher } })
      expect(refused.status).toBe(403)
    }
    const followed = await fetch(new URL('/internal/data-version/changes', participants), {
      headers: { [IDENTITY_HEADER]: gatewayIdentityHeader(t.graph.identitySecret) },
    })
    expect(followed.status).toBe(200)
    const reader = followed.body!.getReader()
    const { value } = await reader.read()
    const read = (await (
      await fetch(new URL('/internal/data-version', participants), {
        headers: { [IDENTITY_HEADER]: gatewayIdentityHeader(t.graph.identitySecret) },
      })
    ).json()) as { version: string; registry: string }
    // The registry version rides with it: the gateway forgets memberships only when that one moves.
    expect(JSON.parse(new TextDecoder().decode(value).split('\n')[0]!)).toEqual({ version: read.version, registry: read.registry })
    expect(read.registry).toMatch(/^[0-9a-f]+:\d+$/)
    await reader.cancel()
  })

  it('makes every entry stale as an import commits, without reading the version per request', async () => {
    expect((await ask(t.graph.graphqlUrl, t.demoToken, DASHBOARD)).cache).toBe('miss')
    const before = await ask(t.graph.graphqlUrl, t.demoToken, DASHBOARD)
    expect(before.cache).toBe('hit')
    await importRecords(t, 515150)
    // The new version travels from the store's NOTIFY through the subgraph's stream: moments, not ten minutes.
    let after = await ask(t.graph.graphqlUrl, t.demoToken, DASHBOARD)
    for (let tries = 0; after.cache === 'hit' && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20))
      after = await ask(t.graph.graphqlUrl, t.demoToken, DASHBOARD)
    }
    expect(after.cache).toBe('miss')
    expect(after.body).toContain('515150')
    expect(before.body).not.toContain('515150')
  })
})
