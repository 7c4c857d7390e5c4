/**
 * The `ops` schema's shared tables, and every statement on them: the import
 * log (one row per collector run, which feeds Publication.lastCollectedAt,
 * the operators' collectorRuns and the import metrics) and the data version
 * (bumped by every import, so that caches know when the data changed). The
 * collectors, the demo and every subgraph read and write them through here.
 * The audit trail, also kept in `ops`, is the participants subgraph's own
 * (participants/auditStore.ts).
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Queryable } from './db.js'
import type { ImportSource } from '../catalogue/publications.js'

export const OPS_SCHEMA = 'ops'
export const OPS_MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations')

/** The NOTIFY channel on which the store says that its data version has changed. */
export const DATA_VERSION_CHANNEL = 'hd4res_data_version'

export type ImportOutcome = 'running' | 'succeeded' | 'warning' | 'failed' | 'refused'

export interface ImportRun {
  source: ImportSource
  day: string
  startedAt: string
  finishedAt: string
  rows: number
  outcome: 'succeeded' | 'warning' | 'failed' | 'refused'
  message?: string | null
  /** Where in its input a refused (or failed) attempt stopped: file or address, line, JSON path. */
  file?: string | null
  line?: number | null
  path?: string | null
}

/**
 * Logs a run and bumps the data version; inside the import's transaction, both
 * hold only if the import does. `keepDataVersion` logs without the bump, for
 * an import whose data every cache already keeps for a short while only (the
 * availability collector's current checks, every few minutes).
 */
export async function recordImportRun(db: Queryable, run: ImportRun, options: { keepDataVersion?: boolean } = {}): Promise<void> {
  await db.query(
    `INSERT INTO ops.import_runs (source, day, started_at, finished_at, rows, outcome, message)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [run.source, run.day, run.startedAt, run.finishedAt, run.rows, run.outcome, run.message ?? null],
  )
  if (options.keepDataVersion) return
  await db.query('UPDATE ops.data_version SET version = version + 1')
  // Whoever listens (the participants subgraph, for the gateway) hears of it once this commits.
  await db.query('SELECT pg_notify($1, $2)', [DATA_VERSION_CHANNEL, ''])
}

/**
 * Logs an attempt that wrote nothing, failed or refused (with where it was
 * refused): the data version stays, since the data did not change.
 */
export async function recordFailedImportRun(
  db: Queryable,
  run: Omit<ImportRun, 'rows' | 'outcome'> & { outcome?: 'failed' | 'refused' },
): Promise<void> {
  await db.query(
    `INSERT INTO ops.import_runs (source, day, started_at, finished_at, rows, outcome, message, file, line, path)
     VALUES ($1, $2, $3, $4, 0, $5, $6, $7, $8, $9)`,
    [
      run.source,
      run.day,
      run.startedAt,
      run.finishedAt,
      run.outcome ?? 'failed',
      run.message ?? null,
      run.file ?? null,
      run.line ?? null,
      run.path ?? null,
    ],
  )
}

/** The last successful run's end, per source. */
export async function lastCollectedBySource(db: Queryable): Promise<Map<ImportSource, string>> {
  const rows = await db.query<{ source: ImportSource; last: Date | string }>(
    `SELECT source, max(finished_at) AS last FROM ops.import_runs
     WHERE outcome IN ('succeeded', 'warning') GROUP BY source`,
  )
  return new Map(rows.map((r) => [r.source, new Date(r.last).toISOString()]))
}

export interface ImportRunRow {
  source: string
  day: string
  started_at: Date | string
  finished_at: Date | string | null
  rows: number
  outcome: string
  message: string | null
  file: string | null
  line: number | null
  path: string | null
}

/** The latest runs, newest first, of one source and outcome or of all. */
export function importRuns(
  db: Queryable,
  filter: { source: string | null; outcome: string | null; last: number },
): Promise<ImportRunRow[]> {
  return db.query<ImportRunRow>(
    `SELECT source, day, started_at, finished_at, rows, outcome, message, file, line, path FROM ops.import_runs
     WHERE ($1::text IS NULL OR source = $1) AND ($2::text IS NULL OR outcome = $2)
     ORDER BY id DESC LIMIT $3`,
    [filter.source, filter.outcome, filter.last],
  )
}

export interface ImportRunGroup {
  source: string
  outcome: string
  runs: number
  last: Date | string | null
}

/** Runs and the latest end, by source and outcome, in one statement (a metrics scrape). */
export function importRunGroups(db: Queryable): Promise<ImportRunGroup[]> {
  return db.query<ImportRunGroup>(
    `SELECT source, outcome, count(*)::int AS runs, max(finished_at) AS last
     FROM ops.import_runs GROUP BY source, outcome`,
  )
}

/**
 * The store's data version, `<store id>:<version>`: the store's identity
 * keeps caches shared between stores (one Redis for several databases) from
 * mistaking one store's version for another's.
 */
export async function readDataVersion(db: Queryable): Promise<string> {
  const [row] = await db.query<{ version: number; store_id: string }>('SELECT version, store_id FROM ops.data_version')
  return row ? `${row.store_id}:${row.version}` : '0'
}

/**
 * The data version and, beside it, the registry version (bumped by the
 * participants schema's triggers whenever researchers or memberships change):
 * what the participants subgraph tells the gateway, which forgets the
 * memberships it knows only when the second one moves.
 */
export async function readVersions(db: Queryable): Promise<{ version: string; registry: string }> {
  const [row] = await db.query<{ version: number; store_id: string; registry_version: number }>(
    'SELECT version, store_id, registry_version FROM ops.data_version',
  )
  return row
    ? { version: `${row.store_id}:${row.version}`, registry: `${row.store_id}:${row.registry_version}` }
    : { version: '0', registry: '0' }
}
