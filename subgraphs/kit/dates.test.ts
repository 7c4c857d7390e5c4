import { describe, expect, it } from 'vitest'
import { addDays, daysBetween, daysInRange } from './dates.js'

describe('day arithmetic', () => {
  it('crosses months, leap days and daylight saving time in whole days', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29')
    expect(addDays('2026-03-29', -1)).toBe('2026-03-28')
    expect(daysBetween('2026-01-01', '2026-12-31')).toBe(364)
    expect(daysInRange('2026-10-24', '2026-10-27')).toEqual(['2026-10-24', '2026-10-25', '2026-10-26', '2026-10-27'])
  })
})
