import { describe, expect, it } from 'vitest'
import { componentRef, type ComponentId } from '../catalogue/components.js'
import { addDays } from '../dates.js'
import { LANGUAGES } from '../i18n/texts.js'
import { disclosureControl } from './disclosure.js'
import type { SeriesData } from './loaders.js'
import {
  buildPipeline,
  differenceInterval,
  judgeLink,
  PIPELINE_RULES,
  pipelineLinks,
  publishedInterval,
  RECORDS_NOUN,
  sumIntervals,
  usualShare,
  type LinkDay,
} from './pipeline.js'

const d = disclosureControl(5)
const START = '2026-01-01'
const dayN = (n: number) => addDays(START, n)

/** Published series of each component from true daily counts (null: not collected that day). */
function series(values: Partial<Record<ComponentId, (number | null)[]>>): SeriesData[] {
  return Object.entries(values).map(([id, counts]) => ({
    component: componentRef(id as ComponentId),
    points: counts!.map((v, n) => ({
      date: dayN(n),
      count: v === null ? { __typename: 'NotCollected' as const, reason: 'not collected' } : d.cell(v),
    })),
  }))
}

const pipelineOf = (values: Partial<Record<ComponentId, (number | null)[]>>) => {
  const length = Object.values(values)[0]!.length
  return buildPipeline({ date: dayN(length - 1), from: START, series: series(values), noun: RECORDS_NOUN })
}

const link = (up: [number, number], down: [number, number]): LinkDay => {
  const u = { lo: up[0], hi: up[1] }
  const w = { lo: down[0], hi: down[1] }
  return { up: u, down: w, diff: differenceInterval(u, w) }
}
const run = (days: LinkDay[]) => days.map((day, n) => ({ date: dayN(n), day }))

describe('the figures of a step, from published counts only', () => {
  it('reads zero as 0, a withheld count as 1..T-1 and a band as its bounds', () => {
    expect([0, 3, 5159].map((v) => publishedInterval(d.cell(v)))).toEqual([
      { lo: 0, hi: 0 },
      { lo: 1, hi: 4 },
      { lo: 5155, hi: 5159 },
    ])
    expect(publishedInterval({ __typename: 'NotCollected', reason: 'x' })).toBeNull()
  })

  it('gives the difference of two bands as every difference they allow: 5,159 against 5,127 is 26 to 34', () => {
    expect(differenceInterval(publishedInterval(d.cell(5159))!, publishedInterval(d.cell(5127))!)).toEqual({ lo: 26, hi: 34 })
    expect(
      sumIntervals([
        { lo: 10, hi: 14 },
        { lo: 1, hi: 4 },
      ]),
    ).toEqual({ lo: 11, hi: 18 })
    expect(sumIntervals([{ lo: 10, hi: 14 }, null])).toBeNull()
  })

  it('tells the same for every pair of true counts in the same bands: nothing of the exact counts gets through', () => {
    const a = pipelineOf({ HD_INTEGRATION: [5155], HD_DWH_STAGING: [5125] })
    const b = pipelineOf({ HD_INTEGRATION: [5159], HD_DWH_STAGING: [5129] })
    expect(a).toEqual(b)
    expect(a.links[0]!.difference).toEqual({ __typename: 'CountRange', lowerBound: 26, upperBound: 34 })
  })
})

describe('the verdict rules', () => {
  it('FLOWING while both counts are in the same band: a lag smaller than the bands cannot be shown', () => {
    expect(judgeLink(run([link([5155, 5159], [5155, 5159])])).verdict).toBe('FLOWING')
    expect(judgeLink(run([link([0, 0], [0, 0])])).verdict).toBe('FLOWING')
    // Downstream holds more than upstream: nothing waits.
    expect(judgeLink(run([link([10, 14], [20, 24])])).verdict).toBe('FLOWING')
  })

  it('DELAYED since the first day of the current run of lagging days; an earlier flowing day ends the run', () => {
    const judged = judgeLink(run([link([10, 14], [0, 0]), link([10, 14], [10, 14]), link([15, 19], [10, 14]), link([20, 24], [15, 19])]))
    expect(judged).toMatchObject({ verdict: 'DELAYED', since: dayN(2), sinceOrEarlier: false })
  })

  it('days on which a side was not collected neither end nor start the run', () => {
    const missing: LinkDay = { missing: [componentRef('HD_INTEGRATION')] }
    const judged = judgeLink(run([link([5, 9], [5, 9]), link([10, 14], [5, 9]), missing, link([15, 19], [5, 9])]))
    expect(judged).toMatchObject({ verdict: 'DELAYED', since: dayN(1) })
  })

  it('says "or earlier" when the run reaches back to the start of the window read', () => {
    const judged = judgeLink(run([link([10, 14], [5, 9]), link([10, 14], [5, 9])]))
    expect(judged).toMatchObject({ verdict: 'DELAYED', since: dayN(0), sinceOrEarlier: true })
  })

  it('NOT_COLLECTED when a side has no count on the day', () => {
    expect(judgeLink(run([link([10, 14], [5, 9]), { missing: [componentRef('HD_DWH_STAGING')] }])).verdict).toBe('NOT_COLLECTED')
  })

  const steady = (days: number, lost: (n: number) => number) =>
    Array.from({ length: days }, (_, n) => {
      const up = 1000 + 10 * n
      return link([up, up + 4], [up - lost(n), up - lost(n) + 4])
    })

  it('UNUSUAL_DROP when the least share the bands allow passes the usual share by the robust margin', () => {
    // About 1 % lost every day, then 20 % on the last.
    const days = steady(40, (n) => (n === 39 ? 250 : 10 + (n % 3) * 5))
    const judged = judgeLink(run(days))
    expect(judged.verdict).toBe('UNUSUAL_DROP')
    // The usual share is about 1 % (10 to 20 lost of about 1,200), far below the 20 % of the last day.
    expect(judged.usual!.usual).toBeGreaterThan(0.008)
    expect(judged.usual!.usual).toBeLessThan(0.016)
    expect(judged.leastShare!).toBeGreaterThan(judged.usual!.usual + judged.usual!.margin)
    expect(judged.since).toBe(dayN(0))
  })

  it('DELAYED, not UNUSUAL_DROP, for a lag within the usual share plus the margin, or with too short a history', () => {
    expect(judgeLink(run(steady(40, (n) => (n === 39 ? 30 : 10 + (n % 3) * 5)))).verdict).toBe('DELAYED')
    const short = steady(PIPELINE_RULES.minHistoryDays, (n) => (n === PIPELINE_RULES.minHistoryDays - 1 ? 500 : 10))
    expect(judgeLink(run(short)).verdict).toBe('DELAYED')
  })

  it('the margin is never below minMargin, even for a project that loses the same share every day', () => {
    const same = Array.from({ length: 20 }, () => 0.01)
    expect(usualShare(same)).toEqual({ usual: 0.01, margin: PIPELINE_RULES.minMargin })
    expect(usualShare(same.slice(0, PIPELINE_RULES.minHistoryDays - 1))).toBeNull()
    const spread = [0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1, 0.11, 0.12, 0.13, 0.14]
    const robust = usualShare(spread)!
    expect(robust.usual).toBeCloseTo(0.07)
    expect(robust.margin).toBeCloseTo(3 * 1.4826 * 0.04)
  })
})

describe('the steps of a project', () => {
  it('take the external sources together into HD Integration, then each internal component into the next one used', () => {
    expect(pipelineLinks(['HD_DWH_EXPLOITATION', 'HERA', 'HD_INTEGRATION', 'HD4DP_V2_LOCAL', 'HD_DWH_STAGING'])).toEqual([
      { from: ['HD4DP_V2_LOCAL', 'HERA'], to: 'HD_INTEGRATION' },
      { from: ['HD_INTEGRATION'], to: 'HD_DWH_STAGING' },
      { from: ['HD_DWH_STAGING'], to: 'HD_DWH_EXPLOITATION' },
    ])
    expect(pipelineLinks(['HD4DP_V2_WEB', 'HD_INTEGRATION', 'HD_DWH_EXPLOITATION'])).toEqual([
      { from: ['HD4DP_V2_WEB'], to: 'HD_INTEGRATION' },
      { from: ['HD_INTEGRATION'], to: 'HD_DWH_EXPLOITATION' },
    ])
    expect(pipelineLinks(['HD4DP_V2_LOCAL', 'HD_DWH_STAGING'])).toEqual([])
  })

  it("reads the issue's example: 5,159 -> 5,127 -> 5,073 -> 5,073, with a sum of sources and a NotCollected side named", () => {
    const p = pipelineOf({
      HD4DP_V2_LOCAL: [5000, 5159],
      HD4DP_V2_WEB: [3, 3],
      HD_INTEGRATION: [5003, 5127],
      HD_DWH_STAGING: [5000, 5073],
      HD_DWH_EXPLOITATION: [5000, null],
    })
    expect(p.stages.map((s) => s.component.id)).toEqual([
      'HD4DP_V2_LOCAL',
      'HD4DP_V2_WEB',
      'HD_INTEGRATION',
      'HD_DWH_STAGING',
      'HD_DWH_EXPLOITATION',
    ])
    const [intoIntegration, intoStaging, intoExploitation] = p.links
    expect(intoIntegration).toMatchObject({
      upstream: { lowerBound: 5156, upperBound: 5163 },
      downstream: { lowerBound: 5125, upperBound: 5129 },
      difference: { lowerBound: 27, upperBound: 38 },
      verdict: 'DELAYED',
      since: dayN(1),
    })
    expect(intoStaging).toMatchObject({ difference: { lowerBound: 51, upperBound: 59 }, verdict: 'DELAYED', since: dayN(1) })
    expect(intoExploitation!.verdict).toBe('NOT_COLLECTED')
    expect(intoExploitation!.difference).toMatchObject({
      __typename: 'NotCollected',
      reason: expect.objectContaining({ en: expect.stringMatching(/HD DWH Exploitation/) }),
    })
    expect(intoExploitation!.upstream).toEqual({ __typename: 'CountRange', lowerBound: 5070, upperBound: 5074 })
  })

  it('says every verdict in English, Dutch, French and German, with the numbers and the date', () => {
    const p = pipelineOf({ HD_INTEGRATION: [100, 200, 200], HD_DWH_STAGING: [100, 100, 100] })
    const message = p.links[0]!.message
    for (const language of LANGUAGES) {
      expect(message[language], language).toContain(dayN(1))
      expect(message[language], language).toMatch(/9[5-9]|10[0-9]/)
    }
    expect(new Set(LANGUAGES.map((l) => message[l])).size).toBe(4)
    expect(message.en).toMatch(/are in HD Integration but not yet in HD DWH Staging, waiting since/)
    const flowing = pipelineOf({ HD_INTEGRATION: [100], HD_DWH_STAGING: [101] }).links[0]!.message
    expect(new Set(LANGUAGES.map((l) => flowing[l])).size).toBe(4)
    expect(flowing.de).toMatch(/^Nichts wartet/)
  })
})
