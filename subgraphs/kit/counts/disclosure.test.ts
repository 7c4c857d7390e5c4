import { describe, expect, it } from 'vitest'
import { disclosureControl, PART_WITHHELD } from './disclosure.js'

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

  it('hands out one frozen object per band, which no answer can change for the next', () => {
    expect(d.cell(5159)).toBe(d.cell(5157))
    expect(d.cell(0)).toBe(d.cell(0))
    expect(d.cell(3)).toBe(d.cell(4))
    for (const count of [d.cell(0), d.cell(3), d.cell(5159)]) expect(Object.isFrozen(count)).toBe(true)
    expect(() => Object.assign(d.cell(5159), { value: 5160 })).toThrow(TypeError)
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

  it('publishes the total as its own cell and withholds every part with the reason, so 100 + 1 + 1 shows neither 1', () => {
    const { total, parts } = d.breakdown(102, [100, 1, 1])
    expect(total).toEqual(band(100))
    expect(parts).toEqual([PART_WITHHELD, PART_WITHHELD, PART_WITHHELD])
    expect(PART_WITHHELD).toMatchObject({
      __typename: 'NotCollected',
      reason: expect.objectContaining({ en: expect.stringMatching(/per installation/) }),
    })
  })

  it('withholds the parts even when none is small: whether one is small would itself be told', () => {
    expect(d.breakdown(300, [100, 200]).parts).toEqual([PART_WITHHELD, PART_WITHHELD])
  })

  it('lists no part while the total is withheld: two parts with someone in each would say the total is 2 to 4', () => {
    expect(d.breakdown(3, [1, 2])).toEqual({ total: S, parts: [] })
    expect(d.breakdown(0, [0, 0])).toEqual({ total: zero, parts: [PART_WITHHELD, PART_WITHHELD] })
  })
})
