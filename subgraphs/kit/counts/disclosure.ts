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
 * - the parts of a total (HD4DP v2 Local's installations) are withheld: no
 *   rounding of parts survives their total and the counts further along the
 *   path when one part is small (docs/privacy.md shows why).
 * The bands never move: the same count is always published the same way, and
 * two counts in the same band are indistinguishable, so differences between
 * days, components, records and subjects, or two paths to the same cell, can
 * narrow a withheld count no further than "between 1 and T-1".
 */
import type { CountValueData } from './types.js'
import { PART_WITHHELD_REASON } from './texts.js'

export interface Disclosure {
  readonly threshold: number
  /** One cell's count, as a researcher may read it. */
  cell(value: number): CountValueData
  /**
   * A total reported with its parts: the total as a cell, each part withheld
   * with the reason (they would pin a small part against the total). While the
   * total itself is withheld no part is listed: k parts, each with someone in
   * it, would tell that the total is at least k.
   */
  breakdown(total: number, parts: readonly number[]): { total: CountValueData; parts: CountValueData[] }
}

/** What a researcher reads in place of a part's count, and why. */
export const PART_WITHHELD: CountValueData = {
  __typename: 'NotCollected',
  reason: PART_WITHHELD_REASON,
}

/** How many distinct bands a Disclosure keeps as shared objects: a few hundred kilobytes at most. */
const BANDS_KEPT = 4096

export function disclosureControl(threshold: number): Disclosure {
  if (!Number.isInteger(threshold) || threshold < 2) {
    throw new RangeError(`The suppression threshold must be a whole number of at least 2 (got ${threshold})`)
  }
  const T = threshold
  const withheld: CountValueData = Object.freeze({ __typename: 'SuppressedCount', threshold: T })
  // A published count is the same object wherever its band recurs (a history repeats a few bands
  // thousands of times); frozen, since every answer shares it. Past BANDS_KEPT bands, new ones are made each time.
  const zero: CountValueData = Object.freeze({ __typename: 'ExactCount', value: 0, lowerBound: 0, upperBound: 0 })
  const bands = new Map<number, CountValueData>()

  const cell = (value: number): CountValueData => {
    if (!Number.isInteger(value) || value < 0) throw new RangeError(`A count must be a whole number of at least 0 (got ${value})`)
    if (value === 0) return zero
    if (value < T) return withheld
    const low = Math.floor(value / T) * T
    let band = bands.get(low)
    if (!band) {
      band = Object.freeze({ __typename: 'ExactCount', value: low, lowerBound: low, upperBound: low + T - 1 })
      if (bands.size < BANDS_KEPT) bands.set(low, band)
    }
    return band
  }

  return {
    threshold: T,
    cell,
    breakdown: (total, parts) => {
      const published = cell(total)
      return { total: published, parts: published.__typename === 'SuppressedCount' ? [] : parts.map(() => PART_WITHHELD) }
    },
  }
}
