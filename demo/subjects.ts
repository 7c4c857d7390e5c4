/**
 * Fills unique-subject counts, subjects in several studies and project overlaps
 * from the demo platform. Overlaps are kept for the last 90 days.
 */
import type { Queryable } from '../subgraphs/kit/store/db.js'
import { addDays } from '../subgraphs/kit/dates.js'
import { SUBJECT_COUNTS } from '../subgraphs/subjects/import.js'
import { collectedAtFor, fillDailyCounts } from './counts.js'
import type { DemoPlatform } from './platform.js'
import { insertRows } from './insert.js'
import { Random } from './random.js'

const OVERLAP_DAYS = 90

export async function fillSubjects(db: Queryable, platform: DemoPlatform): Promise<number> {
  // Subjects in the warehouse per project and day: the base of the platform-wide figures.
  const warehouse = new Map<string, Map<string, number>>()
  const total = await fillDailyCounts(db, {
    platform,
    counts: SUBJECT_COUNTS,
    value: (c) => c.subjects,
    onCount: (c, subjects) => {
      if (c.componentId !== 'HD_DWH_EXPLOITATION') return
      if (!warehouse.has(c.projectId)) warehouse.set(c.projectId, new Map())
      warehouse.get(c.projectId)!.set(c.day, subjects)
    },
  })

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
      if (d < OVERLAP_DAYS && (warehouse.get(a)?.has(day) || warehouse.get(b)?.has(day))) {
        overlaps.push([day, a, b, shared], [day, b, a, shared])
      }
    }
    multi.push([day, Math.round(platformShared * 0.9), collectedAtFor(day)])
  }
  await insertRows(db, 'subjects.multi_study_subjects', ['day', 'subjects', 'collected_at'], ['date', 'int', 'timestamptz'], multi)
  await insertRows(
    db,
    'subjects.project_overlaps',
    ['day', 'project_id', 'other_project_id', 'shared_subjects'],
    ['date', 'text', 'text', 'int'],
    overlaps,
  )
  return total + multi.length + overlaps.length
}
