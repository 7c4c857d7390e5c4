/**
 * Fills unique-subject counts, subjects in several studies and project overlaps
 * from the demo platform. Overlaps are kept for the last 90 days.
 */
import type { Queryable } from '../kit/db.js'
import { componentInfo } from '../kit/components.js'
import { addDays } from '../kit/dates.js'
import { collectedAtFor, projectDailyCounts } from '../../demo/counts.js'
import type { DemoPlatform } from '../../demo/platform.js'
import { insertRows, insertStream } from '../../demo/insert.js'
import { Random } from '../../demo/random.js'

const OVERLAP_DAYS = 90

export async function fillSubjects(db: Queryable, platform: DemoPlatform): Promise<number> {
  const spans = new Map<string, [string, string, string, string]>()
  // Subjects in the warehouse per project and day: the base of the platform-wide figures.
  const warehouse = new Map<string, Map<string, number>>()
  const rows = function* () {
    for (const project of platform.projects) {
      const perDay = new Map<string, number>()
      warehouse.set(project.id, perDay)
      for (const c of projectDailyCounts(platform, project)) {
        if (c.subjects === null) continue
        if (c.componentId === 'HD_DWH_EXPLOITATION') perDay.set(c.day, c.subjects)
        const key = `${c.projectId}|${c.componentId}`
        const span = spans.get(key)
        if (span) span[3] = c.day
        else spans.set(key, [c.projectId, c.componentId, c.day, c.day])
        yield [c.projectId, c.componentId, c.day, c.subjects, componentInfo(c.componentId).countSource, collectedAtFor(c.day)]
      }
    }
  }
  const total = await insertStream(
    db,
    'subjects.unique_subject_counts',
    ['project_id', 'component_id', 'day', 'subjects', 'source', 'collected_at'],
    ['text', 'text', 'date', 'int', 'text', 'timestamptz'],
    rows(),
  )
  await insertRows(db, 'subjects.project_components', ['project_id', 'component_id', 'first_day', 'last_day'],
    ['text', 'text', 'date', 'date'], [...spans.values()])

  // Pairs of projects that share subjects, each with a share of the smaller project's subjects.
  const rnd = new Random(platform.seed).fork('overlaps')
  const pairs: { a: string; b: string; share: number }[] = []
  const ids = platform.projects.map((p) => p.id)
  for (const a of ids) {
    for (const b of rnd.sample(ids, rnd.int(1, 4))) {
      if (a < b && !pairs.some((p) => p.a === a && p.b === b)) pairs.push({ a, b, share: 0.002 + rnd.next() * 0.08 })
    }
  }
  const multi: unknown[][] = []
  const overlaps: unknown[][] = []
  for (let d = 0; d < platform.size.days; d++) {
    const day = addDays(platform.endDate, -d)
    let platformShared = 0
    for (const { a, b, share } of pairs) {
      const shared = Math.floor(Math.min(warehouse.get(a)?.get(day) ?? 0, warehouse.get(b)?.get(day) ?? 0) * share)
      platformShared += shared
      if (d < OVERLAP_DAYS && shared >= 0 && (warehouse.get(a)?.has(day) || warehouse.get(b)?.has(day))) {
        overlaps.push([day, a, b, shared], [day, b, a, shared])
      }
    }
    multi.push([day, Math.round(platformShared * 0.9), collectedAtFor(day)])
  }
  await insertRows(db, 'subjects.multi_study_subjects', ['day', 'subjects', 'collected_at'], ['date', 'int', 'timestamptz'], multi)
  await insertRows(db, 'subjects.project_overlaps', ['day', 'project_id', 'other_project_id', 'shared_subjects'],
    ['date', 'text', 'text', 'int'], overlaps)
  return total + multi.length + overlaps.length
}
