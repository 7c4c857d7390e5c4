/** How collectors write subject figures: counts per component, subjects in several studies, overlaps. */
import type { CountsTable } from '../kit/counts/store.js'
import type { Queryable } from '../kit/store/db.js'

export const SUBJECT_COUNTS: CountsTable = { schema: 'subjects', table: 'unique_subject_counts', column: 'subjects' }

/** Replaces a day's platform-wide figure and its pairwise overlaps. */
export async function replaceMultiStudyDay(
  tx: Queryable,
  day: string,
  collectedAt: string,
  subjectsInSeveralStudies: number,
  overlaps: readonly { projectId: string; otherProjectId: string; shared: number }[],
): Promise<number> {
  await tx.query(
    `INSERT INTO subjects.multi_study_subjects (day, subjects, collected_at) VALUES ($1, $2, $3)
     ON CONFLICT (day) DO UPDATE SET subjects = EXCLUDED.subjects, collected_at = EXCLUDED.collected_at`,
    [day, subjectsInSeveralStudies, collectedAt],
  )
  await tx.query('DELETE FROM subjects.project_overlaps WHERE day = $1', [day])
  if (overlaps.length > 0) {
    await tx.query(
      `INSERT INTO subjects.project_overlaps (day, project_id, other_project_id, shared_subjects)
       SELECT $1, p, o, s FROM unnest($2::text[], $3::text[], $4::int[]) AS t(p, o, s)`,
      [day, overlaps.map((o) => o.projectId), overlaps.map((o) => o.otherProjectId), overlaps.map((o) => o.shared)],
    )
  }
  return 1 + overlaps.length
}
