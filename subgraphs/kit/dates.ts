/** Calendar-day arithmetic on 'YYYY-MM-DD' strings, in UTC. */
const DAY_MS = 86_400_000

export function addDays(isoDate: string, days: number): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)
}

/** '00' to '31'. */
const TWO_DIGITS = Array.from({ length: 32 }, (_, i) => String(i).padStart(2, '0'))

const monthLength = (year: number, month: number) =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31

/**
 * Every day from `from` to `to`, both included. A history asks for a year of
 * days per request: they are counted on the calendar and written from
 * ready-made parts rather than through a Date each.
 */
export function daysInRange(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`)
  const end = Date.parse(`${to}T00:00:00Z`)
  if (!(start <= end)) return []
  const first = new Date(start)
  let year = first.getUTCFullYear()
  let month = first.getUTCMonth() + 1
  let day = first.getUTCDate()
  const count = Math.round((end - start) / DAY_MS) + 1
  // Outside four-digit years toISOString writes a sign and six digits: leave those to it.
  if (year < 1000 || new Date(end).getUTCFullYear() > 9999)
    return Array.from({ length: count }, (_, i) => new Date(start + i * DAY_MS).toISOString().slice(0, 10))
  const days: string[] = new Array<string>(count)
  let prefix = `${year}-${TWO_DIGITS[month]}-`
  let length = monthLength(year, month)
  for (let i = 0; i < count; i++) {
    days[i] = prefix + TWO_DIGITS[day]
    if (++day > length) {
      day = 1
      if (++month > 12) {
        month = 1
        year++
      }
      prefix = `${year}-${TWO_DIGITS[month]}-`
      length = monthLength(year, month)
    }
  }
  return days
}

export function todayUtc(): string {
  return new Date().toISOString().slice(0, 10)
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS)
}
