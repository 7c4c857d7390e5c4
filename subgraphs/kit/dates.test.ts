import { describe, expect, it } from 'vitest'
import { addDays, daysBetween, daysInRange } from './dates.js'

describe('day arithmetic', () => {
  it('crosses months, leap days and daylight saving time in whole days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29')
    expect(addDays('2026-03-29', -1)).toBe('2026-03-28')
    expect(daysBetween('2026-01-01', '2026-12-31')).toBe(364)
    expect(daysInRange('2026-10-24', '2026-10-27')).toEqual(['2026-10-24', '2026-10-25', '2026-10-26', '2026-10-27'])
  })

  it('writes every day of a range as a Date would, across month ends, leap years and centuries', () => {
    const byDate = (from: string, count: number) =>
      Array.from({ length: count }, (_, i) => new Date(Date.parse(`${from}T00:00:00Z`) + i * 86_400_000).toISOString().slice(0, 10))
    for (const [from, to, count] of [
      ['2023-12-15', '2025-03-10', 452],
      ['2099-12-31', '2101-03-01', 426],
      ['1999-02-27', '2000-03-02', 370],
      ['2026-05-31', '2026-05-31', 1],
    ] as const) {
      const days = daysInRange(from, to)
      expect(days).toHaveLength(count)
      expect(days).toEqual(byDate(from, count))
    }
    expect(daysInRange('2100-02-28', '2100-03-01')).toEqual(['2100-02-28', '2100-03-01'])
    expect(daysInRange('2024-02-28', '2024-03-01')).toEqual(['2024-02-28', '2024-02-29', '2024-03-01'])
  })

  it('answers no days for a range that ends before it starts, or is not made of days', () => {
    expect(daysInRange('2026-02-02', '2026-02-01')).toEqual([])
    expect(daysInRange('not a day', '2026-02-01')).toEqual([])
  })
})
