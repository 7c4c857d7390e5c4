/** SQL for daily counts per project and component (records and subjects). Knows rows, not GraphQL. */
import type { Queryable } from '../store/db.js'

/**
 * Where a counts subgraph keeps its counts: in its own schema, a table of one
 * row per project, component and day with the count in `column`, beside the
 * tables every counts subgraph has (project_components, installation_counts).
 */
export interface CountsTable {
  schema: 'records' | 'subjects'
  table: string
  column: string
}

export interface DayCountRow {
  /** Position of the request in the batch. */
  ord: number
  project_id: string
  day: string | null
  component_id: string | null
  first_day: string | null
  value: number | null
  source: string | null
  collected_at: Date | string | null
}

/**
 * One component of one request's range: whether the project uses it, and its
 * counts in the range: `days[i]` is the day of
 * `values[i]`, as a number of days after the range's first day, in no
 * particular order (both lists are built row by row from the same rows, so
 * they pair; sorting each would cost PostgreSQL more than the reading saves).
 * One row per component rather than per day: a year of ten components is ten
 * rows to read, not 3,650.
 */
export interface RangeSeriesRow {
  ord: number
  component_id: string
  /** Whether the project uses the component (has ever had counts in it, project_components). */
  used: boolean
  days: number[]
  values: number[]
}

export interface DayRequest {
  projectId: string
  /** null: the project's latest collected day. */
  date: string | null
}

export interface RangeRequest {
  projectId: string
  from: string
  to: string
}

/**
 * Queries shared by the counts subgraphs (records, subjects): the same shape of
 * table, one row per project, component and day, under another name.
 */
export class CountsStore {
  /** Schema-qualified counts table. */
  private readonly table: string
  /** Schema-qualified project_components table. */
  private readonly componentsTable: string
  /** The column that holds the count. */
  private readonly column: string
  /** Schema-qualified per-installation counts (HD4DP v2 Local). */
  private readonly installationsTable: string

  constructor(
    private readonly db: Queryable,
    target: CountsTable,
  ) {
    this.table = `${target.schema}.${target.table}`
    this.componentsTable = `${target.schema}.project_components`
    this.column = target.column
    this.installationsTable = `${target.schema}.installation_counts`
  }

  /** Per-installation counts of each (project, day), for HD4DP v2 Local. */
  installationCounts(requests: readonly { projectId: string; day: string }[]): Promise<{ ord: number; host: string; value: number }[]> {
    return this.db.query(
      `SELECT r.ord::int AS ord, COALESCE(i.host, i.installation_id) AS host, i.${this.column} AS value
       FROM unnest($1::text[], $2::date[]) WITH ORDINALITY AS r(project_id, day, ord)
       JOIN ${this.installationsTable} i ON i.project_id = r.project_id AND i.day = r.day
       ORDER BY r.ord, host`,
      [requests.map((r) => r.projectId), requests.map((r) => r.day)],
    )
  }

  /** For each request, its resolved day and one row per component the project uses. */
  countsOnDays(requests: readonly DayRequest[]): Promise<DayCountRow[]> {
    return this.db.query<DayCountRow>(
      `WITH k AS (
         SELECT r.ord, r.project_id,
                COALESCE(r.day, (SELECT max(day) FROM ${this.table} x WHERE x.project_id = r.project_id)) AS day
         FROM unnest($1::text[], $2::date[]) WITH ORDINALITY AS r(project_id, day, ord)
       )
       SELECT k.ord::int AS ord, k.project_id, k.day, pc.component_id, pc.first_day,
              c.${this.column} AS value, c.source, c.collected_at
       FROM k
       LEFT JOIN ${this.componentsTable} pc ON pc.project_id = k.project_id
       LEFT JOIN ${this.table} c ON c.project_id = k.project_id AND c.day = k.day AND c.component_id = pc.component_id
       ORDER BY k.ord`,
      [requests.map((r) => r.projectId), requests.map((r) => r.date)],
    )
  }

  /**
   * Every count of each requested project between two days, both included,
   * one row per request and component, with whether the project uses the
   * component (has ever had counts in it): one statement for both, since
   * every history needs both.
   */
  async countsInRanges(requests: readonly RangeRequest[]): Promise<RangeSeriesRow[]> {
    // The two lists travel as text and are split here: far cheaper to read than a row, or an array literal, per day.
    const rows = await this.db.query<{ ord: number; component_id: string; used: boolean; days: string | null; values: string | null }>(
      `WITH r AS (
         SELECT * FROM unnest($1::text[], $2::date[], $3::date[]) WITH ORDINALITY AS r(project_id, from_day, to_day, ord)
       ), counted AS (
         SELECT r.ord, c.component_id,
                string_agg((c.day - r.from_day)::text, ',') AS days,
                string_agg(c.${this.column}::text, ',') AS values
         FROM r JOIN ${this.table} c ON c.project_id = r.project_id AND c.day BETWEEN r.from_day AND r.to_day
         GROUP BY r.ord, c.component_id
       ), used AS (
         SELECT r.ord, pc.component_id FROM r JOIN ${this.componentsTable} pc ON pc.project_id = r.project_id
       )
       SELECT COALESCE(counted.ord, used.ord)::int AS ord, COALESCE(counted.component_id, used.component_id) AS component_id,
              used.component_id IS NOT NULL AS used, counted.days, counted.values
       FROM counted FULL JOIN used ON used.ord = counted.ord AND used.component_id = counted.component_id
       ORDER BY 1, 2`,
      [requests.map((r) => r.projectId), requests.map((r) => r.from), requests.map((r) => r.to)],
    )
    return rows.map((r) => ({
      ord: r.ord,
      component_id: r.component_id,
      used: r.used,
      days: r.days === null ? [] : numbers(r.days),
      values: r.values === null ? [] : numbers(r.values),
    }))
  }
}

/** A comma-separated list of whole numbers, as string_agg wrote it. */
const numbers = (text: string): number[] => text.split(',').map(Number)
