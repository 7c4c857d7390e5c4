/**
 * Disclosure control: the one place where a count of records or subjects
 * becomes what a researcher may read. Every path that publishes such a count
 * (a day's counts, a history, installations, subjects in several studies,
 * overlaps) goes through a `Disclosure`, so a new field cannot forget it.
 *
 * The method (docs/privacy.md has the guarantee and the reasoning):
 * - a cell is published in fixed bands of width T (the threshold): 0 as 0,
 *   1..T-1 withheld (SuppressedCount), and anything larger rounded down to a
 *   multiple of T, with the band it stands for as lowerBound..upperBound;
 * - records are banded exactly like subjects, since a small number of records
 *   is a small number of subjects;
 * - a total that is published beside its parts (HD4DP v2 Local and its
 *   installations) is computed from the parts' published bands, never from
 *   the raw total, so total minus parts tells nothing the parts did not.
 * The bands never move: the same count is always published the same way, and
 * two counts in the same band are indistinguishable, so differences between
 * days, components, records and subjects, or two paths to the same cell, can
 * narrow a withheld count no further than "between 1 and T-1".
 */
import type { CountValueData } from './types.js'

/** The range a published count stands for, both ends included. */
export interface CountRange {
  low: number
  high: number
}

export interface Disclosure {
  readonly threshold: number
  /** One cell's count, as a researcher may read it. */
  cell(value: number): CountValueData
  /**
   * A total published with its parts: each part as a cell, and the total from
   * the parts' bands (plus the band of whatever the total has beyond their sum,
   * or minus what they count twice), never from the raw total itself.
   */
  breakdown(total: number, parts: readonly number[]): { total: CountValueData; parts: CountValueData[] }
}

export function disclosureControl(threshold: number): Disclosure {
  if (!Number.isInteger(threshold) || threshold < 2) {
    throw new RangeError(`The suppression threshold must be a whole number of at least 2 (got ${threshold})`)
  }
  const T = threshold
  const withheld: CountValueData = { __typename: 'SuppressedCount', threshold: T }

  const band = (value: number): CountRange => {
    if (value <= 0) return { low: 0, high: 0 }
    if (value < T) return { low: 1, high: T - 1 }
    const low = Math.floor(value / T) * T
    return { low, high: low + T - 1 }
  }

  const cell = (value: number): CountValueData => {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`A count must be a whole number of at least 0 (got ${value})`)
    const { low, high } = band(value)
    if (high === 0) return { __typename: 'ExactCount', value: 0, lowerBound: 0, upperBound: 0 }
    if (low < T) return withheld
    return { __typename: 'ExactCount', value: low, lowerBound: low, upperBound: high }
  }

  /** What a sum of bands can be said to be: withheld while it may be small. */
  const fromRange = ({ low, high }: CountRange): CountValueData => {
    if (high <= 0) return { __typename: 'ExactCount', value: 0, lowerBound: 0, upperBound: 0 }
    if (low < T) return withheld
    const middle = Math.round((low + high) / 2 / T) * T
    return { __typename: 'ExactCount', value: Math.min(high, Math.max(low, middle)), lowerBound: low, upperBound: high }
  }

  return {
    threshold: T,
    cell,
    breakdown(total, parts) {
      const published = parts.map(cell)
      const bands = parts.map(band)
      const rest = total - parts.reduce((sum, p) => sum + p, 0)
      const restBand = band(Math.abs(rest))
      const low = bands.reduce((sum, b) => sum + b.low, 0) + (rest >= 0 ? restBand.low : -restBand.high)
      const high = bands.reduce((sum, b) => sum + b.high, 0) + (rest >= 0 ? restBand.high : -restBand.low)
      return { total: fromRange({ low: Math.max(0, low), high }), parts: published }
    },
  }
}
