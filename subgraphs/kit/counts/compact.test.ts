import { describe, expect, it } from 'vitest'
import { compactSeries } from './compact.js'
import { disclosureControl } from './disclosure.js'
import { notCollected } from './loaders.js'
import type { CountValueData } from './types.js'

const d = disclosureControl(5)
const day = (i: number) => `2026-11-${String(i + 1).padStart(2, '0')}`
const series = (counts: CountValueData[]) => counts.map((count, i) => ({ date: day(i), count }))
const fixed = { __typename: 'NotCollected' as const, reason: { en: 'HD MDM is not used by this project' } }

describe('the compact form of a series', () => {
  it('keeps each published value in its day and gives every other day a gap with its cause', () => {
    const points = series([
      notCollected('HERA', day(0), day(2)),
      notCollected('HERA', day(1), day(2)),
      d.cell(12),
      d.cell(3),
      d.cell(4),
      d.cell(0),
      notCollected('HERA', day(6), day(2)),
      d.cell(27),
    ])
    const compact = compactSeries(points, d.threshold)
    expect(compact).toMatchObject({ from: day(0), to: day(7), bandWidth: 5, values: [null, null, 10, null, null, 0, null, 25] })
    expect(compact.gaps).toEqual([
      {
        from: day(0),
        to: day(1),
        status: 'NOT_COLLECTED',
        threshold: null,
        reason: expect.objectContaining({ en: `HERA platform held no data for this project yet from ${day(0)} to ${day(1)}` }),
      },
      { from: day(3), to: day(4), status: 'SUPPRESSED', threshold: 5, reason: null },
      // A one-day gap keeps the day's own reason.
      {
        from: day(6),
        to: day(6),
        status: 'NOT_COLLECTED',
        threshold: null,
        reason: points[6]!.count.__typename === 'NotCollected' && points[6]!.count.reason,
      },
    ])
  })

  it('starts a new gap where the cause changes, and joins days with one fixed reason', () => {
    const points = series([notCollected('HERA', day(0), day(1)), notCollected('HERA', day(1), day(1)), fixed, fixed, fixed])
    const { gaps, values } = compactSeries(points, 5)
    expect(values).toEqual([null, null, null, null, null])
    expect(gaps.map((g) => [g.from, g.to, (g.reason as { en: string }).en])).toEqual([
      [day(0), day(0), `HERA platform held no data for this project yet on ${day(0)}`],
      [day(1), day(1), `No count was collected from HERA platform for ${day(1)}`],
      [day(2), day(4), 'HD MDM is not used by this project'],
    ])
  })

  it('says a multi-day run of missing counts in every language', () => {
    const points = series([notCollected('HERA', day(0), null), notCollected('HERA', day(1), null), notCollected('HERA', day(2), null)])
    const [gap] = compactSeries(points, 5).gaps
    expect(gap!.reason).toEqual({
      en: `No count was collected from HERA platform from ${day(0)} to ${day(2)}`,
      nl: `Van ${day(0)} tot ${day(2)} werd geen telling verzameld uit HERA platform`,
      fr: `Aucun comptage n'a été collecté depuis HERA platform du ${day(0)} au ${day(2)}`,
      de: `Vom ${day(0)} bis zum ${day(2)} wurde aus HERA platform keine Zählung erhoben`,
    })
  })
})
