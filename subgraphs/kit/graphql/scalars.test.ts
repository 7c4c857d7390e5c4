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

  it('lets the server’s own dates out as they are, checking only their shape, and still refuses what is no date', () => {
    expect(DateScalar.serialize('2026-11-21')).toBe('2026-11-21')
    expect(DateScalar.serialize(new Date('2026-11-21T23:59:59Z'))).toBe('2026-11-21')
    for (const bad of ['2026-11-2', '2026/11/21', '2026-11-21T00:00:00Z', 'x026-11-21', 20261121, null]) {
      expect(() => DateScalar.serialize(bad)).toThrow(/Date must be a calendar date written YYYY-MM-DD/)
    }
    // Input is checked in full: a shape alone is not a date.
    expect(() => DateScalar.parseValue('2026-02-30')).toThrow(/got "2026-02-30"/)
    expect(() => DateScalar.parseLiteral({ kind: 'StringValue', value: '2026-13-01' } as never)).toThrow(/got "2026-13-01"/)
  })
})
