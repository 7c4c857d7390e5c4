/** SQL for platform-wide subject figures: subjects in several studies and project overlaps. */
import type { Queryable } from '../kit/store/db.js'

export class SubjectsStore {
  constructor(private readonly db: Queryable) {}

  /** The figure for a day, or for the latest day when `day` is null. */
  multiStudySubjects(day: string | null): Promise<{ day: string; subjects: number } | undefined> {
    return this.db
      .query<{ day: string; subjects: number }>(
        day === null
          ? 'SELECT day, subjects FROM subjects.multi_study_subjects ORDER BY day DESC LIMIT 1'
          : 'SELECT day, subjects FROM subjects.multi_study_subjects WHERE day = $1',
        day === null ? [] : [day],
      )
      .then((rows) => rows[0])
  }

  overlaps(
    requests: readonly { projectId: string; day: string }[],
  ): Promise<{ ord: number; other_project_id: string; shared_subjects: number }[]> {
    return this.db.query(
      `SELECT r.ord::int AS ord, o.other_project_id, o.shared_subjects
       FROM unnest($1::text[], $2::date[]) WITH ORDINALITY AS r(project_id, day, ord)
       JOIN subjects.project_overlaps o ON o.project_id = r.project_id AND o.day = r.day
       ORDER BY r.ord, o.shared_subjects DESC, o.other_project_id`,
      [requests.map((r) => r.projectId), requests.map((r) => r.day)],
    )
  }
}
