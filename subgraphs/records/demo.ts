/** Fills study record counts from the demo platform. */
import type { Queryable } from '../kit/db.js'
import { componentInfo } from '../kit/components.js'
import { collectedAtFor, projectDailyCounts } from '../../demo/counts.js'
import type { DemoPlatform } from '../../demo/platform.js'
import { insertRows, insertStream } from '../../demo/insert.js'

export async function fillRecords(db: Queryable, platform: DemoPlatform): Promise<number> {
  const spans = new Map<string, [string, string, string, string]>()
  const rows = function* () {
    for (const project of platform.projects) {
      for (const c of projectDailyCounts(platform, project)) {
        const key = `${c.projectId}|${c.componentId}`
        const span = spans.get(key)
        if (span) span[3] = c.day
        else spans.set(key, [c.projectId, c.componentId, c.day, c.day])
        yield [c.projectId, c.componentId, c.day, c.records, componentInfo(c.componentId).countSource, collectedAtFor(c.day)]
      }
    }
  }
  const total = await insertStream(
    db,
    'records.study_record_counts',
    ['project_id', 'component_id', 'day', 'records', 'source', 'collected_at'],
    ['text', 'text', 'date', 'int', 'text', 'timestamptz'],
    rows(),
  )
  await insertRows(db, 'records.project_components', ['project_id', 'component_id', 'first_day', 'last_day'],
    ['text', 'text', 'date', 'date'], [...spans.values()])
  return total
}
