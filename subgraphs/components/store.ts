/** SQL for component status: availability checks and which components a project uses. */
import type { Queryable } from '../kit/store/db.js'

export interface LatestCheckRow {
  component_id: string
  checked_at: Date | string | null
  up: boolean | null
  response_ms: number | null
  recent_failures: number
}

export interface WindowStatsRow {
  ord: number
  checks: number
  ups: number
  p95: number | null
}

export class ComponentsStore {
  constructor(private readonly db: Queryable) {}

  /** Per component: its latest check, and how many checks failed since `since`. */
  latestChecks(componentIds: readonly string[], since: Date): Promise<LatestCheckRow[]> {
    return this.db.query<LatestCheckRow>(
      `SELECT r.id AS component_id, l.checked_at, l.up, l.response_ms,
              (SELECT count(*)::int FROM components.availability_checks f
               WHERE f.component_id = r.id AND f.checked_at > $2 AND NOT f.up) AS recent_failures
       FROM unnest($1::text[]) AS r(id)
       LEFT JOIN LATERAL (
         SELECT checked_at, up, response_ms FROM components.availability_checks c
         WHERE c.component_id = r.id ORDER BY checked_at DESC LIMIT 1
       ) l ON true`,
      [componentIds, since.toISOString()],
    )
  }

  /** Per (component, window start): number of checks, successful ones and p95 response time, up to `until`. */
  windowStats(requests: readonly { componentId: string; since: Date }[], until: Date): Promise<WindowStatsRow[]> {
    return this.db.query<WindowStatsRow>(
      `SELECT r.ord::int AS ord, count(c.checked_at)::int AS checks, count(c.checked_at) FILTER (WHERE c.up)::int AS ups,
              percentile_cont(0.95) WITHIN GROUP (ORDER BY c.response_ms) FILTER (WHERE c.up) AS p95
       FROM unnest($1::text[], $2::timestamptz[]) WITH ORDINALITY AS r(component_id, since, ord)
       LEFT JOIN components.availability_checks c
         ON c.component_id = r.component_id AND c.checked_at > r.since AND c.checked_at <= $3
       GROUP BY r.ord ORDER BY r.ord`,
      [requests.map((r) => r.componentId), requests.map((r) => r.since.toISOString()), until.toISOString()],
    )
  }

  projectComponents(projectIds: readonly string[]): Promise<{ project_id: string; component_id: string }[]> {
    return this.db.query('SELECT project_id, component_id FROM components.project_components WHERE project_id = ANY($1::text[])', [
      projectIds,
    ])
  }
}
