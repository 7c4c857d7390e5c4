/** How collectors write availability checks: one component's day replaced whole. */
import type { Queryable } from '../kit/store/db.js'

export interface Check {
  at: string
  up: boolean
  responseMs: number | null
}

export async function replaceChecksDay(tx: Queryable, componentId: string, day: string, checks: readonly Check[]): Promise<number> {
  await tx.query(
    `DELETE FROM components.availability_checks
     WHERE component_id = $1 AND checked_at >= $2::date AND checked_at < $2::date + 1`,
    [componentId, day],
  )
  if (checks.length === 0) return 0
  await tx.query(
    `INSERT INTO components.availability_checks (component_id, checked_at, up, response_ms)
     SELECT $1, a, u, r FROM unnest($2::timestamptz[], $3::bool[], $4::real[]) AS t(a, u, r)
     ON CONFLICT (component_id, checked_at) DO UPDATE SET up = EXCLUDED.up, response_ms = EXCLUDED.response_ms`,
    [componentId, checks.map((c) => c.at), checks.map((c) => c.up), checks.map((c) => c.responseMs)],
  )
  return checks.length
}

export interface ComponentCheck extends Check {
  componentId: string
}

/**
 * How the availability collector and the demo's ticker write current checks:
 * added to what is there, a check already known (same component and time)
 * taking the new values.
 */
export async function upsertChecks(tx: Queryable, checks: readonly ComponentCheck[]): Promise<number> {
  if (checks.length === 0) return 0
  await tx.query(
    `INSERT INTO components.availability_checks (component_id, checked_at, up, response_ms)
     SELECT c, a, u, r FROM unnest($1::text[], $2::timestamptz[], $3::bool[], $4::real[]) AS t(c, a, u, r)
     ON CONFLICT (component_id, checked_at) DO UPDATE SET up = EXCLUDED.up, response_ms = EXCLUDED.response_ms`,
    [checks.map((c) => c.componentId), checks.map((c) => c.at), checks.map((c) => c.up), checks.map((c) => c.responseMs)],
  )
  return checks.length
}
