/**
 * The pipeline view through the gateway: on a crafted store, a project whose
 * HD Integration stops taking records on a day reads DELAYED since that day,
 * then UNUSUAL_DROP once the loss passes its usual share; small counts stay
 * withheld in every figure of the view (two projects whose true counts differ
 * but fall in the same bands read the same); and every demo project answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ComponentId } from '../subgraphs/kit/catalogue/components.js'
import { loadPublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import { replaceComponentDay } from '../subgraphs/kit/counts/import.js'
import { addDays } from '../subgraphs/kit/dates.js'
import { RECORD_COUNTS } from '../subgraphs/records/import.js'
import { SUBJECT_COUNTS } from '../subgraphs/subjects/import.js'
import { IDENTITY_HEADER, signIdentity } from '../platform/identity.js'
import { ENGINES, startTestGraph, type TestGraph } from './helpers/graph.js'

const START = '2026-10-01'
const DAYS = 40
const day = (n: number) => addDays(START, n)
/** The day HD Integration of STALLED stops taking records. */
const STALL = 30

type Counts = Partial<Record<ComponentId, (n: number) => number>>

const local = (n: number) => 1000 + 20 * n
const integration = (n: number) => (n < STALL ? local(n) : local(STALL - 1)) + 3
const PROJECTS: { id: string; code: string; counts: Counts }[] = [
  {
    // HD4DP v2 Local and web into HD Integration, which stops taking records on day STALL.
    id: 'prj-e001',
    code: 'STALLED',
    counts: {
      HD4DP_V2_LOCAL: local,
      HD4DP_V2_WEB: () => 3,
      HD_INTEGRATION: integration,
      HD_DWH_STAGING: integration,
      HD_DWH_EXPLOITATION: integration,
    },
  },
  // Two tiny projects whose true counts differ (3 -> 1 and 4 -> 2) but fall in the same bands: they must read the same.
  { id: 'prj-e002', code: 'TINY-A', counts: { HD4DP_V2_LOCAL: () => 3, HD_INTEGRATION: () => 1 } },
  { id: 'prj-e003', code: 'TINY-B', counts: { HD4DP_V2_LOCAL: () => 4, HD_INTEGRATION: () => 2 } },
  // 2 records waiting in HD4DP v2 Local: the view says 1 to 4, never 2.
  { id: 'prj-e004', code: 'TWO-WAITING', counts: { HD4DP_V2_LOCAL: () => 2, HD_INTEGRATION: () => 0 } },
]

const RANGE = '... on CountRange { lowerBound upperBound } ... on NotCollected { reason }'
const LINKS = `date stages { component { id } count { __typename ... on ExactCount { lowerBound upperBound } } }
  links { from { id } to { id } upstream { __typename ${RANGE} } downstream { __typename ${RANGE} } difference { __typename ${RANGE} }
          verdict since lossShareAtLeast usualLossShare message }`
const PIPELINES = `studyRecordPipeline(date: $date) { __typename ... on StudyRecordPipeline { ${LINKS} } ... on PublicationUnderDevelopment { message } }
  uniqueSubjectPipeline(date: $date) { __typename ... on UniqueSubjectPipeline { ${LINKS} } ... on PublicationUnderDevelopment { message } }`

async function craft(t: TestGraph): Promise<string> {
  for (const p of PROJECTS)
    await t.db.query(`INSERT INTO participants.projects (id, code, name, description) VALUES ($1, $2, $2, 'crafted')`, [p.id, p.code])
  await t.db.query(`INSERT INTO participants.researchers (id, display_name) VALUES ('pipeline-researcher', 'Pipeline Researcher')`)
  await t.db.query(
    `INSERT INTO participants.memberships (researcher_id, project_id) SELECT 'pipeline-researcher', id FROM participants.projects`,
  )
  await t.db.transaction(async (tx) => {
    const components = [...new Set(PROJECTS.flatMap((p) => Object.keys(p.counts) as ComponentId[]))]
    for (let n = 0; n < DAYS; n++) {
      for (const componentId of components) {
        const on = {
          componentId,
          day: day(n),
          source: componentId.startsWith('HD4DP') ? 'HD4DEVOPS' : 'HD4RES',
          collectedAt: `${day(n + 1)}T04:00:00Z`,
        } as const
        const rows = PROJECTS.filter((p) => p.counts[componentId]).map((p) => ({ projectId: p.id, value: p.counts[componentId]!(n) }))
        await replaceComponentDay(tx, RECORD_COUNTS, on, rows)
        // One subject per two records.
        await replaceComponentDay(
          tx,
          SUBJECT_COUNTS,
          on,
          rows.map((r) => ({ ...r, value: Math.ceil(r.value / 2) })),
        )
      }
    }
  })
  return t.tokenFor('pipeline-researcher')
}

describe.each(ENGINES)('the pipeline view on a crafted store, on %s', (engine) => {
  let t: TestGraph
  let token: string
  const pipelines = async (id: string, date: string | null) => {
    const res = await t.query(`query P($id: ID!, $date: Date) { project(id: $id) { ${PIPELINES} } }`, { id, date }, token)
    expect(res.body.errors, JSON.stringify(res.body.errors)).toBeUndefined()
    return res.body.data!.project as { studyRecordPipeline: any; uniqueSubjectPipeline: any }
  }

  beforeAll(async () => {
    t = await startTestGraph({ engine, demo: false, registry: loadPublicationRegistry({ available: 'ALL' }) })
    token = await craft(t)
  })
  afterAll(async () => {
    await t?.close()
  })

  it('reads every step flowing before the stall, with the sources taken together into HD Integration', async () => {
    const { studyRecordPipeline: p } = await pipelines('prj-e001', day(STALL - 1))
    expect(p.__typename).toBe('StudyRecordPipeline')
    expect(p.stages.map((s: any) => s.component.id)).toEqual([
      'HD4DP_V2_LOCAL',
      'HD4DP_V2_WEB',
      'HD_INTEGRATION',
      'HD_DWH_STAGING',
      'HD_DWH_EXPLOITATION',
    ])
    expect(p.links.map((l: any) => [l.from.map((c: any) => c.id).join('+'), l.to.id, l.verdict, l.since])).toEqual([
      ['HD4DP_V2_LOCAL+HD4DP_V2_WEB', 'HD_INTEGRATION', 'FLOWING', null],
      ['HD_INTEGRATION', 'HD_DWH_STAGING', 'FLOWING', null],
      ['HD_DWH_STAGING', 'HD_DWH_EXPLOITATION', 'FLOWING', null],
    ])
  })

  it('reads DELAYED since the day HD Integration stopped, while the loss is within the usual share', async () => {
    const { studyRecordPipeline: p } = await pipelines('prj-e001', day(STALL))
    const [into] = p.links
    // HD4DP v2 Local 1,600 (1,600..1,604) + web 3 (1..4) against HD Integration 1,583 (1,580..1,584).
    expect(into).toMatchObject({
      upstream: { __typename: 'CountRange', lowerBound: 1601, upperBound: 1608 },
      downstream: { __typename: 'CountRange', lowerBound: 1580, upperBound: 1584 },
      difference: { __typename: 'CountRange', lowerBound: 17, upperBound: 28 },
      verdict: 'DELAYED',
      since: day(STALL),
    })
    // Before the stall the bands overlap: the middle of each day's difference is a fraction of a percent.
    expect(into.usualLossShare).toBeGreaterThan(0)
    expect(into.usualLossShare).toBeLessThan(0.005)
    expect(into.lossShareAtLeast).toBeCloseTo(17 / 1608)
    expect(into.message).toBe(
      `17 to 28 records are in HD4DP v2 Local + HD4DP v2 web but not yet in HD Integration, waiting since ${day(STALL)}.`,
    )
    expect(p.links.slice(1).map((l: any) => l.verdict)).toEqual(['FLOWING', 'FLOWING'])
  })

  it('reads UNUSUAL_DROP, since the same day, once the loss passes the usual share by the margin; subjects too', async () => {
    const { studyRecordPipeline: records, uniqueSubjectPipeline: subjects } = await pipelines('prj-e001', null)
    expect(records.date).toBe(day(DAYS - 1))
    const [into] = records.links
    expect(into.verdict).toBe('UNUSUAL_DROP')
    expect(into.since).toBe(day(STALL))
    expect(into.lossShareAtLeast).toBeGreaterThan(0.1)
    expect(into.message).toMatch(
      new RegExp(`^\\d+ to \\d+ records are in HD4DP v2 Local \\+ HD4DP v2 web but not in HD Integration \\(since ${day(STALL)}\\)`),
    )
    expect(subjects.__typename).toBe('UniqueSubjectPipeline')
    expect(subjects.links[0]).toMatchObject({ verdict: 'UNUSUAL_DROP', since: day(STALL) })
  })

  it('says NOT_COLLECTED, naming the component, on a day without counts', async () => {
    const { studyRecordPipeline: p } = await pipelines('prj-e001', day(DAYS + 5))
    expect(p.links.map((l: any) => l.verdict)).toEqual(['NOT_COLLECTED', 'NOT_COLLECTED', 'NOT_COLLECTED'])
    expect(p.links[0].difference).toEqual({ __typename: 'NotCollected', reason: expect.stringMatching(/HD4DP v2 Local/) })
  })

  it('keeps small counts withheld: 3 -> 1 and 4 -> 2 read the same, and 2 waiting reads 1 to 4', async () => {
    const a = await pipelines('prj-e002', day(DAYS - 1))
    const b = await pipelines('prj-e003', day(DAYS - 1))
    expect(a).toEqual(b)
    expect(a.studyRecordPipeline.stages.map((s: any) => s.count.__typename)).toEqual(['SuppressedCount', 'SuppressedCount'])
    expect(a.studyRecordPipeline.links[0]).toMatchObject({
      upstream: { lowerBound: 1, upperBound: 4 },
      difference: { lowerBound: -3, upperBound: 3 },
      verdict: 'FLOWING',
    })
    const { studyRecordPipeline: waiting, uniqueSubjectPipeline: waitingSubjects } = await pipelines('prj-e004', day(DAYS - 1))
    expect(waiting.links[0]).toMatchObject({ difference: { lowerBound: 1, upperBound: 4 }, verdict: 'DELAYED', since: day(0) })
    expect(waitingSubjects.links[0].difference).toEqual({ __typename: 'CountRange', lowerBound: 1, upperBound: 4 })
    // No text of the view names the true count.
    for (const link of [...waiting.links, ...waitingSubjects.links]) expect(link.message).not.toMatch(/\b2 (records|subjects)\b/)
  })

  it.each([
    ['records', 'studyRecordPipeline'],
    ['subjects', 'uniqueSubjectPipeline'],
  ])('%s refuses a project the signed researcher is not in, even called straight', async (subgraph, field) => {
    const header = signIdentity(
      { sub: 'pipeline-researcher', name: 'P', roles: ['researcher'], projects: ['prj-e002'] },
      t.graph.identitySecret,
    )
    const response = await fetch(t.graph.subgraphUrls[subgraph]!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: header },
      body: JSON.stringify({
        query: `{ _entities(representations: [{ __typename: "ResearchProject", id: "prj-e001" }]) { ... on ResearchProject { ${field} { __typename } } } }`,
      }),
    })
    const body = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] }
    expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
    expect(JSON.stringify(body.data ?? null)).not.toMatch(/Pipeline"/)
  })
})

describe('the pipeline view of a publication under development', () => {
  let t: TestGraph
  beforeAll(async () => {
    const registry = loadPublicationRegistry({ available: 'ALL' }).withStates({ STUDY_RECORD_COUNTS: 'UNDER_DEVELOPMENT' })
    t = await startTestGraph({ demo: false, registry })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('answers PublicationUnderDevelopment like the counts do', async () => {
    await t.db.query(`INSERT INTO participants.projects (id, code, name, description) VALUES ('prj-u001', 'U', 'U', 'crafted')`)
    await t.db.query(`INSERT INTO participants.researchers (id, display_name) VALUES ('r-u', 'R')`)
    await t.db.query(`INSERT INTO participants.memberships (researcher_id, project_id) VALUES ('r-u', 'prj-u001')`)
    const res = await t.query(
      `{ project(id: "prj-u001") { studyRecordPipeline { __typename ... on PublicationUnderDevelopment { publication } } uniqueSubjectPipeline { __typename } } }`,
      {},
      await t.tokenFor('r-u'),
    )
    expect(res.body.data!.project).toEqual({
      studyRecordPipeline: { __typename: 'PublicationUnderDevelopment', publication: 'STUDY_RECORD_COUNTS' },
      uniqueSubjectPipeline: { __typename: 'UniqueSubjectPipeline' },
    })
  })
})

describe('the pipeline view of every demo project', () => {
  let t: TestGraph
  beforeAll(async () => {
    t = await startTestGraph({ registry: loadPublicationRegistry({ available: 'ALL' }) })
    await t.db.query(`INSERT INTO participants.researchers (id, display_name) VALUES ('every-project', 'Every Project')`)
    await t.db.query(
      `INSERT INTO participants.memberships (researcher_id, project_id) SELECT 'every-project', id FROM participants.projects`,
    )
  })
  afterAll(async () => {
    await t?.close()
  })

  it('answers for every project, each difference worked out from the published counts beside it', async () => {
    const token = await t.tokenFor('every-project')
    const ids = (await t.db.query<{ id: string }>('SELECT id FROM participants.projects ORDER BY id')).map((r) => r.id)
    expect(ids.length).toBeGreaterThan(3)
    const verdicts = new Set<string>()
    for (const id of ids) {
      const res = await t.query(`query P($id: ID!, $date: Date) { project(id: $id) { ${PIPELINES} } }`, { id, date: null }, token)
      expect(res.body.errors, `${id}: ${JSON.stringify(res.body.errors)}`).toBeUndefined()
      for (const p of [res.body.data!.project.studyRecordPipeline, res.body.data!.project.uniqueSubjectPipeline]) {
        expect(p.__typename, id).toMatch(/Pipeline$/)
        expect(p.links.length, id).toBeGreaterThan(0)
        const bounds = new Map<string, [number, number]>(
          p.stages.map((s: any) => [
            s.component.id,
            s.count.__typename === 'ExactCount'
              ? [s.count.lowerBound, s.count.upperBound]
              : s.count.__typename === 'SuppressedCount'
                ? [1, 4]
                : null,
          ]),
        )
        for (const link of p.links) {
          verdicts.add(link.verdict)
          expect(link.message.length, id).toBeGreaterThan(10)
          if (link.verdict === 'NOT_COLLECTED') continue
          const ups = link.from.map((c: any) => bounds.get(c.id)!)
          const down = bounds.get(link.to.id)!
          const up = [ups.reduce((s: number, b: number[]) => s + b[0]!, 0), ups.reduce((s: number, b: number[]) => s + b[1]!, 0)]
          expect(link.difference, `${id} ${link.to.id}`).toEqual({
            __typename: 'CountRange',
            lowerBound: up[0]! - down[1],
            upperBound: up[1]! - down[0],
          })
          expect(link.since === null, `${id} ${link.to.id}`).toBe(link.verdict === 'FLOWING')
        }
      }
    }
    // The demo's records reach HD Integration a day after they are entered: some step waits.
    expect(verdicts).toContain('DELAYED')
  })
})
