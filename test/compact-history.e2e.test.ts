/**
 * The compact form of a history, through the gateway: the same counts as
 * `points`, day for day, in the same bands, with the days without one as
 * ranges that say why; in few bytes; and in the request's language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addDays } from '../subgraphs/kit/dates.js'
import { ENGINES, startTestGraph, TEST_END_DATE, type TestGraph } from './helpers/graph.js'

const FROM = addDays(TEST_END_DATE, -364)
const COMPONENTS = '[HD4DP_V2_LOCAL, HD_INTEGRATION, HD_DWH_STAGING, HD_DWH_EXPLOITATION, HERA, BIOIT, HD_MDM]'
const POINTS = `points { date count { __typename ... on ExactCount { value lowerBound upperBound } ... on SuppressedCount { threshold } ... on NotCollected { reason } } }`
const COMPACT = `compact { from to bandWidth values gaps { from to status threshold reason nl: reason(language: NL) } }`
const history = (field: string, type: string, project: string, selection: string) => `{ project(id: "${project}") {
  ${field}(from: "${FROM}", to: "${TEST_END_DATE}", components: ${COMPONENTS}) { ... on ${type} { series { component { id } ${selection} } } } } }`

interface Point {
  date: string
  count: { __typename: string; value?: number; lowerBound?: number; upperBound?: number; threshold?: number; reason?: string }
}
interface Gap {
  from: string
  to: string
  status: 'SUPPRESSED' | 'NOT_COLLECTED'
  threshold: number | null
  reason: string | null
  nl: string | null
}
interface Compact {
  from: string
  to: string
  bandWidth: number
  values: (number | null)[]
  gaps: Gap[]
}

/** The points a compact series stands for, as far as it says them: value and band, or the gap's cause. */
function expand(c: Compact): { date: string; value: number | null; status: string }[] {
  const days: { date: string; value: number | null; status: string }[] = []
  for (let i = 0, date = c.from; i < c.values.length; i++, date = addDays(date, 1)) {
    const gap = c.gaps.find((g) => g.from <= date && date <= g.to)
    days.push({ date, value: c.values[i]!, status: gap ? gap.status : 'PUBLISHED' })
  }
  return days
}

describe.each(ENGINES)('the compact form of a history (%s)', (engine) => {
  let t: TestGraph
  beforeAll(async () => {
    t = await startTestGraph({ engine, env: { HD4RES_PUBLICATIONS_AVAILABLE: 'ALL' } })
  })
  afterAll(async () => {
    await t?.close()
  })

  for (const [field, type] of [
    ['studyRecordCountHistory', 'StudyRecordCountHistory'],
    ['uniqueSubjectCountHistory', 'UniqueSubjectCountHistory'],
  ] as const) {
    it(`says in ${field} exactly what points says, day for day, at least five times smaller`, async () => {
      const [full, small] = await Promise.all([
        t.query(history(field, type, 'prj-0001', POINTS)),
        t.query(history(field, type, 'prj-0001', `compact { from to bandWidth values gaps { from to status threshold reason } }`)),
      ])
      expect(full.body.errors).toBeUndefined()
      expect(small.body.errors).toBeUndefined()
      const pointsSeries: { component: { id: string }; points: Point[] }[] = full.body.data!.project[field].series
      const compactSeries: { component: { id: string }; compact: Compact }[] = small.body.data!.project[field].series
      expect(compactSeries.map((s) => s.component.id)).toEqual(pointsSeries.map((s) => s.component.id))
      let published = 0
      let gapDays = 0
      for (const [i, { points }] of pointsSeries.entries()) {
        const c = compactSeries[i]!.compact
        expect([c.from, c.to]).toEqual([FROM, TEST_END_DATE])
        expect(c.values).toHaveLength(points.length)
        const expanded = expand(c)
        for (const [j, p] of points.entries()) {
          const e = expanded[j]!
          expect(e.date).toBe(p.date)
          if (p.count.__typename === 'ExactCount') {
            published++
            expect(e).toMatchObject({ value: p.count.value, status: 'PUBLISHED' })
            // The band is the one points gives: v .. v + bandWidth - 1, and 0 exact.
            expect(p.count.upperBound).toBe(p.count.value === 0 ? 0 : p.count.value! + c.bandWidth - 1)
          } else {
            gapDays++
            expect(e.value).toBeNull()
            expect(e.status).toBe(p.count.__typename === 'SuppressedCount' ? 'SUPPRESSED' : 'NOT_COLLECTED')
            const gap = c.gaps.find((g) => g.from <= p.date && p.date <= g.to)!
            if (p.count.__typename === 'SuppressedCount') expect(gap.threshold).toBe(p.count.threshold)
            // A reason that names no day is the gap's; a one-day gap keeps the day's own; a longer one names its first and last day.
            else if (!p.count.reason!.includes(p.date) || gap.from === gap.to) expect(gap.reason).toBe(p.count.reason)
            else expect(gap.reason).toContain(`${gap.from} to ${gap.to}`)
          }
        }
        // Gaps are in order, do not overlap, and cover only days without a value.
        for (const [k, g] of c.gaps.entries()) {
          expect(g.from <= g.to).toBe(true)
          if (k > 0) expect(c.gaps[k - 1]!.to < g.from).toBe(true)
        }
      }
      expect(published).toBeGreaterThan(0)
      expect(gapDays).toBeGreaterThan(0)
      const bytes = (body: unknown) => Buffer.byteLength(JSON.stringify(body))
      expect(bytes(full.body) / bytes(small.body)).toBeGreaterThanOrEqual(5)
    })
  }

  it('words a gap in the language asked for, field by field or for the request', async () => {
    const res = await t.query(history('studyRecordCountHistory', 'StudyRecordCountHistory', 'prj-0001', COMPACT))
    expect(res.body.errors).toBeUndefined()
    const gaps: Gap[] = res.body.data!.project.studyRecordCountHistory.series.flatMap((s: { compact: Compact }) => s.compact.gaps)
    const mdm = gaps.find((g) => g.reason?.includes('HD MDM'))!
    expect(mdm).toMatchObject({ from: FROM, to: TEST_END_DATE, status: 'NOT_COLLECTED' })
    expect(mdm.reason).toBe('Study records are not counted in HD MDM: it holds no study records')
    expect(mdm.nl).toBe('Records worden niet geteld in HD MDM: dit onderdeel bevat geen studierecords')
    const response = await fetch(t.graph.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'de', authorization: `Bearer ${t.demoToken}` },
      body: JSON.stringify({ query: history('studyRecordCountHistory', 'StudyRecordCountHistory', 'prj-0001', COMPACT) }),
    })
    const body = (await response.json()) as { data: { project: { studyRecordCountHistory: { series: { compact: Compact }[] } } } }
    const german = body.data.project.studyRecordCountHistory.series.flatMap((s) => s.compact.gaps).map((g) => g.reason)
    expect(german).toContain('Studiendatensätze werden in HD MDM nicht gezählt: diese Komponente enthält keine Studiendatensätze')
  })

  it('answers FORBIDDEN for another project, as points does', async () => {
    const res = await t.query(history('studyRecordCountHistory', 'StudyRecordCountHistory', 'prj-0999', COMPACT))
    expect(res.body.data?.project ?? null).toBeNull()
  })
})
