/** Fills study record counts from the demo platform. */
import type { Queryable } from '../subgraphs/kit/store/db.js'
import { RECORD_COUNTS } from '../subgraphs/records/import.js'
import { fillDailyCounts } from './counts.js'
import type { DemoPlatform } from './platform.js'

export function fillRecords(db: Queryable, platform: DemoPlatform): Promise<number> {
  return fillDailyCounts(db, { platform, counts: RECORD_COUNTS, value: (c) => c.records })
}
