/**
 * The import log (schema `ops`): which collector fed which publication, and
 * when each publication's data was last collected.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Queryable } from './db.js'
import type { PublicationId } from './publications.js'

export const OPS_SCHEMA = 'ops'
export const OPS_MIGRATIONS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations')

export const IMPORT_SOURCES = [
  'hd4devops-counts',
  'hd4devops-availability',
  'internal-counts',
  'servicenow',
  'registry',
] as const
export type ImportSource = (typeof IMPORT_SOURCES)[number]

/** Which sources feed each publication. */
export const PUBLICATION_SOURCES: Record<PublicationId, ImportSource[]> = {
  STUDY_RECORD_COUNTS: ['hd4devops-counts', 'internal-counts'],
  UNIQUE_SUBJECT_COUNTS: ['hd4devops-counts', 'internal-counts'],
  MULTI_STUDY_SUBJECT_COUNTS: ['internal-counts'],
  DATA_PROVIDER_ORGANISATIONS: ['registry'],
  DATA_PROVIDER_INDIVIDUALS: ['registry'],
  DATA_USER_ORGANISATIONS: ['registry'],
  DATA_USER_INDIVIDUALS: ['registry'],
  COMPONENT_STATUS: ['hd4devops-availability'],
  INCIDENTS: ['servicenow'],
  REQUESTS: ['servicenow'],
}

/** The NOTIFY channel on which the store says that its data version has changed. */
export const DATA_VERSION_CHANNEL = 'hd4res_data_version'

export interface ImportRun {
  source: ImportSource
  day: string
  startedAt: string
  finishedAt: string
  rows: number
  outcome: 'succeeded' | 'warning' | 'failed'
  message?: string | null
}

export async function recordImportRun(db: Queryable, run: ImportRun): Promise<void> {
  await db.query(
    `INSERT INTO ops.import_runs (source, day, started_at, finished_at, rows, outcome, message)
     VALUES ($1, $2, $3, $4, $5, $6, $7)`,
    [run.source, run.day, run.startedAt, run.finishedAt, run.rows, run.outcome, run.message ?? null],
  )
  await db.query('UPDATE ops.data_version SET version = version + 1')
  // Whoever listens (the participants subgraph, for the gateway) hears of it once this commits.
  await db.query('SELECT pg_notify($1, $2)', [DATA_VERSION_CHANNEL, ''])
}

/** The last successful run's end, per source. */
export async function lastCollectedBySource(db: Queryable): Promise<Map<ImportSource, string>> {
  const rows = await db.query<{ source: ImportSource; last: Date | string }>(
    `SELECT source, max(finished_at) AS last FROM ops.import_runs
     WHERE outcome IN ('succeeded', 'warning') GROUP BY source`,
  )
  return new Map(rows.map((r) => [r.source, new Date(r.last).toISOString()]))
}
