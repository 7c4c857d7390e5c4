/**
 * Writing a day of counts for one component into a counts table (records or
 * subjects): the day's rows replace whatever an earlier import of the same day
 * wrote, so a re-run gives the same store, and each project's span of days in
 * project_components grows to cover it.
 */
import type { Queryable } from '../store/db.js'
import type { CountsTable } from './store.js'

export interface DayCount {
  projectId: string
  value: number
}

export interface InstallationCount {
  projectId: string
  installationId: string
  /** The installation's host name, as the API shows it. */
  host: string
  value: number
  /** The installation's environment when the count was imported; absent: production. */
  environment?: 'PRODUCTION' | 'INTEGRATION'
  organisationId?: string | null
}

export async function replaceComponentDay(
  tx: Queryable,
  target: CountsTable,
  day: { componentId: string; day: string; source: 'HD4DEVOPS' | 'HD4RES'; collectedAt: string },
  counts: readonly DayCount[],
): Promise<number> {
  const table = `${target.schema}.${target.table}`
  const projects = counts.map((c) => c.projectId)
  await tx.query(`DELETE FROM ${table} WHERE component_id = $1 AND day = $2 AND NOT (project_id = ANY($3::text[]))`, [
    day.componentId,
    day.day,
    projects,
  ])
  if (counts.length === 0) return 0
  await tx.query(
    `INSERT INTO ${table} (project_id, component_id, day, ${target.column}, source, collected_at)
     SELECT p, $2, $3, v, $4, $5 FROM unnest($1::text[], $6::int[]) AS t(p, v)
     ON CONFLICT (project_id, day, component_id)
     DO UPDATE SET ${target.column} = EXCLUDED.${target.column}, source = EXCLUDED.source, collected_at = EXCLUDED.collected_at`,
    [projects, day.componentId, day.day, day.source, day.collectedAt, counts.map((c) => c.value)],
  )
  await tx.query(
    `INSERT INTO ${target.schema}.project_components (project_id, component_id, first_day, last_day)
     SELECT p, $2, $3, $3 FROM unnest($1::text[]) AS t(p)
     ON CONFLICT (project_id, component_id) DO UPDATE
       SET first_day = LEAST(${target.schema}.project_components.first_day, EXCLUDED.first_day),
           last_day = GREATEST(${target.schema}.project_components.last_day, EXCLUDED.last_day)`,
    [projects, day.componentId, day.day],
  )
  return counts.length
}

export async function replaceInstallationDay(
  tx: Queryable,
  target: CountsTable,
  day: { day: string; collectedAt: string; projectIds: readonly string[] },
  counts: readonly InstallationCount[],
): Promise<number> {
  const table = `${target.schema}.installation_counts`
  await tx.query(`DELETE FROM ${table} WHERE day = $1 AND project_id = ANY($2::text[])`, [day.day, day.projectIds])
  if (counts.length === 0) return 0
  await tx.query(
    `INSERT INTO ${table} (project_id, installation_id, host, day, ${target.column}, collected_at, environment, organisation_id)
     SELECT p, i, h, $3, v, $4, e, o FROM unnest($1::text[], $2::text[], $5::int[], $6::text[], $7::text[], $8::text[]) AS t(p, i, v, h, e, o)`,
    [
      counts.map((c) => c.projectId),
      counts.map((c) => c.installationId),
      day.day,
      day.collectedAt,
      counts.map((c) => c.value),
      counts.map((c) => c.host),
      counts.map((c) => c.environment ?? 'PRODUCTION'),
      counts.map((c) => c.organisationId ?? null),
    ],
  )
  return counts.length
}

/**
 * Counts that fell by more than `share` (0.2 = 20 %) since the previous day:
 * imported all the same, but worth a warning in the import log.
 */
export async function dropsSincePreviousDay(
  tx: Queryable,
  target: CountsTable,
  componentId: string,
  day: string,
  share: number,
): Promise<{ projectId: string; before: number; after: number }[]> {
  const rows = await tx.query<{ project_id: string; before: number; after: number }>(
    `SELECT t.project_id, y.${target.column} AS before, t.${target.column} AS after
     FROM ${target.schema}.${target.table} t
     JOIN ${target.schema}.${target.table} y
       ON y.project_id = t.project_id AND y.component_id = t.component_id AND y.day = t.day - 1
     WHERE t.component_id = $1 AND t.day = $2 AND t.${target.column} < y.${target.column} * (1 - $3::float8)
     ORDER BY t.project_id`,
    [componentId, day, share],
  )
  return rows.map((r) => ({ projectId: r.project_id, before: r.before, after: r.after }))
}
