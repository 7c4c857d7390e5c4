/**
 * Fills an empty store with the demo platform: each subgraph writes its own
 * tables, and the import log says when each source was last collected.
 */
import type { Db } from '../subgraphs/kit/store/db.js'
import { addDays } from '../subgraphs/kit/dates.js'
import { IMPORT_SOURCES } from '../subgraphs/kit/catalogue/publications.js'
import { recordImportRun } from '../subgraphs/kit/store/ops.js'
import { fillComponents } from './components.js'
import { fillParticipants } from './participants.js'
import { fillRecords } from './records.js'
import { fillSubjects } from './subjects.js'
import { fillSupport } from './support.js'
import { generatePlatform, type DemoOptions, type DemoPlatform } from './platform.js'

export interface FillResult {
  platform: DemoPlatform
  rows: Record<string, number>
}

/** True when the store holds no project yet. */
export async function isEmpty(db: Db): Promise<boolean> {
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM participants.projects')
  return rows[0]!.n === 0
}

export async function fillDemo(db: Db, options: DemoOptions & { now?: Date } = {}): Promise<FillResult> {
  const platform = generatePlatform(options)
  // One transaction: a store is either filled whole or left empty.
  const rows = await db.transaction(async (tx) => {
    const counts: Record<string, number> = {}
    await fillParticipants(tx, platform)
    counts.records = await fillRecords(tx, platform)
    counts.subjects = await fillSubjects(tx, platform)
    counts.availabilityChecks = await fillComponents(tx, platform, options.now)
    counts.tickets = await fillSupport(tx, platform)
    const collected = `${addDays(platform.endDate, 1)}T04:00:00.000Z`
    for (const source of IMPORT_SOURCES) {
      await recordImportRun(tx, {
        source,
        day: platform.endDate,
        startedAt: collected,
        finishedAt: collected,
        rows: 0,
        outcome: 'succeeded',
        message: 'demo data',
      })
    }
    return counts
  })
  return { platform, rows }
}
