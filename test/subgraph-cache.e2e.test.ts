/**
 * The subgraphs' result cache: within one version of the store a subgraph
 * answers a repeated query from memory; researchers never share an entry; an
 * import makes every entry stale at once; answers with errors are not kept.
 * Asked of the records subgraph directly (its cache header shows hits), and
 * through the gateway with the gateway's own response cache off and the data
 * version read for every request (HD4RES_DATA_VERSION_CHECK_MS=0; by default
 * an import shows within that setting's second).
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectHd4devopsCounts } from '../collectors/hd4devops.js'
import { fileDocuments } from '../collectors/input.js'
import { IDENTITY_HEADER, signIdentity } from '../platform/identity.js'
import { loadPublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import { SUBGRAPH_CACHE_HEADER } from '../platform/headers.js'
import { startTestGraph, type TestGraph } from './helpers/graph.js'

const ENTITY_COUNTS = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on ResearchProject {
  studyRecordCounts(date: "2026-11-22") { ... on StudyRecordCounts { components { component { id } count { ... on ExactCount { value } } } } } } } }`

describe('the subgraph result cache', () => {
  let t: TestGraph
  let records: string
  beforeAll(async () => {
    t = await startTestGraph({
      registry: loadPublicationRegistry({ available: 'ALL' }),
      env: { HD4RES_SUBGRAPH_CACHE_MB: '16', HD4RES_DATA_VERSION_CHECK_MS: '0' },
    })
    records = t.graph.subgraphUrls.records!
  })
  afterAll(async () => {
    await t?.close()
  })

  const projectOf = async (code: string) =>
    (await t.db.query<{ id: string }>('SELECT id FROM participants.projects WHERE code = $1', [code]))[0]!.id

  async function ask(sub: string, projects: string[], project: string) {
    const response = await fetch(records, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [IDENTITY_HEADER]: signIdentity({ sub, name: sub, roles: ['researcher'], projects }, t.graph.identitySecret),
      },
      body: JSON.stringify({ query: ENTITY_COUNTS, variables: { reps: [{ __typename: 'ResearchProject', id: project }] } }),
    })
    return { cache: response.headers.get(SUBGRAPH_CACHE_HEADER), body: await response.text() }
  }

  it('answers a repeated query from memory, byte for byte', async () => {
    const bcfr = await projectOf('BCFR')
    const first = await ask('researcher-0001', [bcfr], bcfr)
    const second = await ask('researcher-0001', [bcfr], bcfr)
    expect(first.cache).toBe('miss')
    expect(second.cache).toBe('hit')
    expect(second.body).toBe(first.body)
    expect(JSON.parse(first.body).data._entities).toHaveLength(1)
  })

  it('never gives one researcher an entry made for another', async () => {
    const bcfr = await projectOf('BCFR')
    await ask('researcher-0001', [bcfr], bcfr)
    // Another researcher, same query and variables, no access: not the cached answer.
    const outsider = await ask('someone-else', [], bcfr)
    expect(outsider.cache).toBe('miss')
    expect(JSON.parse(outsider.body).errors[0].extensions.code).toBe('FORBIDDEN')
  })

  it('keeps no answer with errors', async () => {
    const bcfr = await projectOf('BCFR')
    await ask('someone-else', [], bcfr)
    const again = await ask('someone-else', [], bcfr)
    expect(again.cache).toBe('miss')
  })

  it('makes every entry stale when an import lands, seen through the gateway at once', async () => {
    const query =
      '{ projects { code studyRecordCounts(date: "2026-11-22") { ... on StudyRecordCounts { components { component { id } count { ... on ExactCount { value } } } } } } }'
    await t.query(query)
    const before = await t.query(query)
    const bcfr = await projectOf('BCFR')
    expect((await ask('researcher-0001', [bcfr], bcfr)).cache).toBe('hit')

    const dir = mkdtempSync(path.join(tmpdir(), 'hd4res-subgraph-cache-'))
    const file = path.join(dir, 'counts.json')
    writeFileSync(
      file,
      JSON.stringify({
        format: 'hd4devops-counts/1',
        component: 'HD4DP_V2_LOCAL',
        day: '2026-11-22',
        projects: [{ project: 'BCFR', records: 515150 }],
      }),
    )
    const [outcome] = await collectHd4devopsCounts(t.db, fileDocuments([file]))
    expect(outcome!.status).toBe('imported')

    expect((await ask('researcher-0001', [bcfr], bcfr)).cache).toBe('miss')
    const after = await t.query(query)
    expect(JSON.stringify(before.body)).not.toContain('515150')
    expect(JSON.stringify(after.body)).toContain('515150')
  })
})
