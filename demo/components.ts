/**
 * Fills which components each project uses and HD4DevOps availability checks,
 * every five minutes, up to `until`. Each day's checks depend only on the seed,
 * the component and the day, so a later fill extends an earlier one.
 */
import type { Queryable } from '../subgraphs/kit/store/db.js'
import { COMPONENTS } from '../subgraphs/kit/catalogue/components.js'
import type { DemoPlatform } from './platform.js'
import { insertRows, insertStream } from './insert.js'
import { Random } from './random.js'

const FIVE_MINUTES = 5 * 60_000
const DAY = 86_400_000

export async function fillComponents(db: Queryable, platform: DemoPlatform, until: Date = new Date()): Promise<number> {
  await insertRows(
    db,
    'components.project_components',
    ['project_id', 'component_id'],
    ['text', 'text'],
    platform.projects.flatMap((p) => p.components.map((c) => [p.id, c])),
  )
  const end = Math.floor(until.getTime() / FIVE_MINUTES) * FIVE_MINUTES
  const start = end - platform.size.availabilityDays * DAY
  const checks = function* () {
    for (const [index, component] of COMPONENTS.entries()) {
      const baseMs = 120 + index * 45
      for (let dayStart = Math.floor(start / DAY) * DAY; dayStart <= end; dayStart += DAY) {
        const rnd = new Random(platform.seed).fork(`checks:${component.id}:${dayStart}`)
        // Now and then an outage of 15 to 120 minutes, or a slow spell.
        const outageAt = rnd.chance(0.05) ? dayStart + rnd.int(0, 287) * FIVE_MINUTES : -1
        const outageEnd = outageAt + rnd.int(3, 24) * FIVE_MINUTES
        const slowAt = rnd.chance(0.1) ? dayStart + rnd.int(0, 287) * FIVE_MINUTES : -1
        const slowEnd = slowAt + rnd.int(6, 36) * FIVE_MINUTES
        for (let t = dayStart; t < dayStart + DAY; t += FIVE_MINUTES) {
          if (t <= start || t > end) continue
          const up = !(t >= outageAt && t < outageEnd) && !rnd.chance(0.002)
          const slow = t >= slowAt && t < slowEnd ? 4 + rnd.next() * 6 : 1
          const response = up ? Math.round(baseMs * slow * (0.7 + rnd.next() * 0.8)) : null
          yield [component.id, new Date(t).toISOString(), up, response]
        }
      }
    }
  }
  return insertStream(
    db,
    'components.availability_checks',
    ['component_id', 'checked_at', 'up', 'response_ms'],
    ['text', 'timestamptz', 'bool', 'real'],
    checks(),
  )
}
