/** A checksum of the data tables, to prove an import changed nothing, or the same as before. */
import type { Queryable } from '../../subgraphs/kit/store/db.js'

export const DATA_TABLES = [
  'records.study_record_counts',
  'records.project_components',
  'records.installation_counts',
  'subjects.unique_subject_counts',
  'subjects.project_components',
  'subjects.installation_counts',
  'subjects.multi_study_subjects',
  'subjects.project_overlaps',
  'components.availability_checks',
  'support.tickets',
]

export async function checksum(db: Queryable, tables: readonly string[] = DATA_TABLES): Promise<Record<string, string>> {
  const sums: Record<string, string> = {}
  for (const table of tables) {
    // collected_at is when an import ran; it is part of the data, so it counts too.
    const [row] = await db.query<{ sum: string | null; n: number }>(
      `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS sum, count(*)::int AS n FROM ${table} t`,
    )
    sums[table] = `${row!.n}:${row!.sum ?? ''}`
  }
  return sums
}
