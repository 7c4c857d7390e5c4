import { describe, expect, it } from 'vitest'
import { disclosureControl } from './disclosure.js'

const S = { __typename: 'SuppressedCount', threshold: 5 }
const band = (low: number, high = low + 4) => ({ __typename: 'ExactCount', value: low, lowerBound: low, upperBound: high })
const zero = { __typename: 'ExactCount', value: 0, lowerBound: 0, upperBound: 0 }

describe('disclosure control of one cell', () => {
  const d = disclosureControl(5)

  it('publishes zero as zero, withholds 1 to threshold - 1, and bands the rest by the threshold', () => {
    expect([0, 1, 4, 5, 9, 10, 273, 275].map(d.cell)).toEqual([zero, S, S, band(5), band(5), band(10), band(270), band(275)])
  })

  it('publishes the same count the same way every time, so repeating a question gains nothing', () => {
    expect(d.cell(5159)).toEqual(d.cell(5159))
    expect(d.cell(5159)).toEqual(band(5155))
  })

  it('turns two days 273 and 275 into one band or two bands that could differ by 1 to 9', () => {
    // 273 -> 270..274, 275 -> 275..279: the difference lies anywhere in 1..9, not only below the threshold.
    const before = d.cell(273)
    const after = d.cell(275)
    expect(before).toEqual(band(270))
    expect(after).toEqual(band(275))
  })

  it('refuses a threshold below 2 and counts that are not whole numbers of at least 0', () => {
    expect(() => disclosureControl(1)).toThrow(/at least 2/)
    expect(() => d.cell(-1)).toThrow(/at least 0/)
    expect(() => d.cell(2.5)).toThrow(/whole number/)
  })
})

describe('disclosure control of a total with its parts', () => {
  const d = disclosureControl(5)

  it('computes the total from the parts\u2019 bands, so 100 + 1 + 1 answers a range rather than 102', () => {
    const { total, parts } = d.breakdown(102, [100, 1, 1])
    expect(parts).toEqual([band(100), S, S])
    // 100..104 + 1..4 + 1..4 = 102..112: the total says nothing the parts did not.
    expect(total).toEqual({ __typename: 'ExactCount', value: 105, lowerBound: 102, upperBound: 112 })
  })

  it('gives the same total for any raw counts behind the same published parts', () => {
    const a = d.breakdown(104 + 1 + 4, [104, 1, 4])
    const b = d.breakdown(100 + 4 + 1, [100, 4, 1])
    expect(a.parts).toEqual(b.parts)
    expect(a.total).toEqual(b.total)
  })

  it('always contains the true total in the published range', () => {
    for (let seed = 1; seed < 500; seed++) {
      const parts = Array.from({ length: 1 + (seed % 7) }, (_, i) => ((seed * 7919 + i * 104729) % 60) * (i % 3 === 0 ? 1 : 0.2) | 0)
      const rest = seed % 5 === 0 ? -Math.min(3, parts.reduce((s, p) => s + p, 0)) : seed % 3
      const total = parts.reduce((s, p) => s + p, 0) + rest
      const published = d.breakdown(total, parts).total
      if (published.__typename === 'ExactCount') {
        expect(published.lowerBound).toBeLessThanOrEqual(total)
        expect(published.upperBound).toBeGreaterThanOrEqual(total)
        expect(published.value).toBeGreaterThanOrEqual(published.lowerBound)
        expect(published.value).toBeLessThanOrEqual(published.upperBound)
      } else {
        expect(published.__typename).toBe('SuppressedCount')
        expect(total).toBeGreaterThan(0)
      }
    }
  })

  it('withholds a total that may be small, and publishes one part alone exactly as that cell', () => {
    expect(d.breakdown(3, [1, 2]).total).toEqual(S)
    expect(d.breakdown(0, [0, 0]).total).toEqual(zero)
    expect(d.breakdown(42, [42])).toEqual({ total: d.cell(42), parts: [d.cell(42)] })
  })

  it('takes off the band of what the parts count twice (subjects seen at two installations)', () => {
    // 60 + 40 counted, 97 unique: 3 subjects at both; 60..64 + 40..44 - 1..4 = 96..107.
    expect(d.breakdown(97, [60, 40]).total).toEqual({ __typename: 'ExactCount', value: 100, lowerBound: 96, upperBound: 107 })
  })
})
