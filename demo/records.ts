/** Fills study record counts from the demo platform. */
import type { Queryable } from '../subgraphs/kit/store/db.js'
import { fillDailyCounts } from './counts.js'
import type { DemoPlatform } from './platform.js'

export function fillRecords(db: Queryable, platform: DemoPlatform): Promise<number> {
  return fillDailyCounts(db, { platform, schema: 'records', table: 'study_record_counts', column: 'records', value: (c) => c.records })
}
