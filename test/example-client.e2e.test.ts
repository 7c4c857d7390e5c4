/**
 * The example frontend (examples/record-history-chart.ts): its chart, and the
 * whole example against the graph, as a researcher would run it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chartLines, drawHistory } from '../examples/record-history-chart.js'
import { loadPublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import { startTestGraph, TEST_END_DATE, type TestGraph } from './helpers/graph.js'

const compact = (values: (number | null)[]) => ({ from: 'd0', to: `d${values.length - 1}`, bandWidth: 5, values, gaps: [] })

describe('the example chart', () => {
  it('scales each series to its own range and marks days not collected', () => {
    const [line] = chartLines([
      {
        component: { id: 'HERA', name: 'HERA' },
        compact: compact([10, null, 30, 20]),
      },
    ] as never)
    expect(line).toBe(`${'HERA'.padEnd(22)} ▁·█▅  10 → 20`)
  })

  it('fits a long series into the width, one column per group of days', () => {
    const values = Array.from({ length: 365 }, (_, i) => i)
    const [line] = chartLines([{ component: { id: 'HERA', name: 'HERA' }, compact: compact(values) }] as never, 73)
    const bars = line!.slice(23).split('  ')[0]!
    expect(bars).toHaveLength(73)
    expect(bars[0]).toBe('▁')
    expect(bars.at(-1)).toBe('█')
  })
})

describe('the example frontend against the graph', () => {
  let t: TestGraph
  beforeAll(async () => {
    t = await startTestGraph({ registry: loadPublicationRegistry({ available: 'ALL' }) })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('draws one line per component, ending on the latest count the API gives', async () => {
    const drawn = await drawHistory(t.graph.graphqlUrl, t.demoToken, 'prj-0001', 30, new Date(`${TEST_END_DATE}T12:00:00Z`))
    const res = await t.query(`{ project(id: "prj-0001") { code studyRecordCountHistory(from: "2026-10-23", to: "${TEST_END_DATE}") {
      ... on StudyRecordCountHistory { series { component { name } points { count { ... on ExactCount { value } } } } } } } }`)
    const series = res.body.data!.project.studyRecordCountHistory.series as {
      component: { name: string }
      points: { count: { value?: number } }[]
    }[]
    const lines = drawn.split('\n')
    expect(lines[0]).toContain(res.body.data!.project.code)
    expect(lines).toHaveLength(series.length + 1)
    for (const [i, s] of series.entries()) {
      const values = s.points.map((p) => p.count.value).filter((v): v is number => v !== undefined)
      expect(lines[i + 1]).toContain(s.component.name)
      if (values.length > 0) expect(lines[i + 1]).toMatch(new RegExp(`→ ${values.at(-1)!.toLocaleString('en-GB')}$`))
    }
  })
})

describe('the example frontend while the publication is under development', () => {
  let t: TestGraph
  beforeAll(async () => {
    t = await startTestGraph()
  })
  afterAll(async () => {
    await t?.close()
  })

  it('shows the registry message instead of a chart', async () => {
    const drawn = await drawHistory(t.graph.graphqlUrl, t.demoToken, 'prj-0001', 30, new Date(`${TEST_END_DATE}T12:00:00Z`))
    expect(drawn).toMatch(/under development|not yet|available/i)
    expect(drawn).not.toMatch(/[▁▂▃▄▅▆▇█]/)
  })
})
