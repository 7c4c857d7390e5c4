import { describe, expect, it } from 'vitest'
import { DateScalar, isIsoDate } from './scalars.js'

describe('the Date scalar', () => {
  it('accepts real calendar dates only', () => {
    expect(isIsoDate('2026-11-21')).toBe(true)
    expect(isIsoDate('2024-02-29')).toBe(true)
    for (const bad of ['2026-02-30', '2026-13-01', '21/11/2026', '2026-11-21T00:00:00Z', '']) expect(isIsoDate(bad)).toBe(false)
  })

  it('says what it expected and what it got', () => {
    expect(() => DateScalar.parseValue('2026-02-30')).toThrow(
      'Date must be a calendar date written YYYY-MM-DD, such as 2026-11-21; got "2026-02-30"',
    )
    expect(DateScalar.serialize(new Date('2026-11-21T10:00:00Z'))).toBe('2026-11-21')
  })
})
