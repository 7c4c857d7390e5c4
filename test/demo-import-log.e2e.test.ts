/**
 * The demo's import log, as an operator reads it through the gateway: a week
 * of nightly runs, with a refused document and a failed run among the
 * successful ones, each with its reason and place, and the retry after it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGraph, TEST_END_DATE, type TestGraph } from './helpers/graph.js'

describe('the demo import log', () => {
  let t: TestGraph
  let runs: any[]

  beforeAll(async () => {
    t = await startTestGraph()
    const res = await t.query(
      '{ collectorRuns(last: 500) { source day startedAt finishedAt rows outcome message file place { line path } } }',
      {},
      await t.tokenFor('demo-operator', ['operator']),
    )
    expect(res.body.errors).toBeUndefined()
    runs = res.body.data!.collectorRuns
  })
  afterAll(async () => {
    await t?.close()
  })

  it('holds refused, failed and warning runs beside the successful ones', () => {
    const outcomes = new Set(runs.map((r) => r.outcome))
    expect([...outcomes].sort()).toEqual(['FAILED', 'REFUSED', 'SUCCEEDED', 'WARNING'])
    expect(runs.filter((r) => r.outcome === 'SUCCEEDED').length).toBeGreaterThan(runs.length / 2)
    for (const r of runs) {
      expect(r.startedAt <= r.finishedAt, `${r.source} ${r.day}`).toBe(true)
      if (r.outcome === 'SUCCEEDED' || r.outcome === 'WARNING') expect(r.rows).toBeGreaterThan(0)
      else expect(r.rows).toBe(0)
    }
  })

  it('says why and where each refused document stopped, and what each failed run met', () => {
    const refused = runs.filter((r) => r.outcome === 'REFUSED')
    expect(refused.length).toBeGreaterThan(0)
    for (const r of refused) {
      expect(r.message).toBeTruthy()
      expect(r.file).toMatch(new RegExp(`${r.source}-[A-Z0-9_]+-${r.day}\\.json$`))
      expect(r.place.line).toBeGreaterThan(0)
      expect(r.place.path).toMatch(/^\$\./)
    }
    const failed = runs.filter((r) => r.outcome === 'FAILED')
    expect(failed.map((r) => r.source).sort()).toEqual(['internal-counts', 'servicenow'])
    for (const r of failed) expect(r.message).toMatch(/503|timeout/)
    // Each mishap is followed by a run of the same source and day that got through.
    for (const r of [...refused, ...failed]) {
      expect(
        runs.some((s) => s.source === r.source && s.day === r.day && s.outcome === 'SUCCEEDED' && s.finishedAt > r.finishedAt),
        `retry of ${r.source} ${r.day}`,
      ).toBe(true)
    }
  })

  it("ends with every source's successful run of the last day, when the data reads as last collected", () => {
    const lastDay = runs.filter((r) => r.day === TEST_END_DATE)
    expect(new Set(lastDay.map((r) => r.source)).size).toBe(5)
    for (const r of lastDay) expect(r).toMatchObject({ outcome: 'SUCCEEDED', finishedAt: '2026-11-22T04:00:00.000Z' })
  })
})
