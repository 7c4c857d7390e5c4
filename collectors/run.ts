/**
 * One import run: a transaction that holds the source's advisory lock, does
 * the work, and records itself in the import log. If anything fails, nothing
 * of the import is written and the failure alone is logged.
 */
import type { Db, Queryable } from '../subgraphs/kit/store/db.js'
import type { ImportSource } from '../subgraphs/kit/catalogue/publications.js'
import { recordFailedImportRun, recordImportRun } from '../subgraphs/kit/store/ops.js'
import { ImportLocked, ImportRefused } from './errors.js'

export interface ImportWork {
  rows: number
  warnings: string[]
}

export interface RunResult extends ImportWork {
  source: ImportSource
  day: string
  outcome: 'succeeded' | 'warning'
  seconds: number
}

export interface RunOptions {
  /** Wait for another import of the same source to end, rather than refuse. */
  wait?: boolean
  now?: () => Date
  /** Log the run without bumping the data version (the availability collector's frequent runs: subgraphs/kit/store/ops.ts). */
  keepDataVersion?: boolean
}

export async function runImport(
  db: Db,
  source: ImportSource,
  day: string,
  work: (tx: Queryable) => Promise<ImportWork>,
  options: RunOptions = {},
): Promise<RunResult> {
  const now = options.now ?? (() => new Date())
  const started = now()
  try {
    return await db.transaction(async (tx) => {
      const lockKey = `hd4res-collect-${source}`
      if (options.wait) {
        await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockKey])
      } else {
        const [got] = await tx.query<{ locked: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [lockKey])
        if (!got?.locked) throw new ImportLocked(source)
      }
      const result = await work(tx)
      const outcome = result.warnings.length > 0 ? 'warning' : 'succeeded'
      const finished = now()
      await recordImportRun(
        tx,
        {
          source,
          day,
          startedAt: started.toISOString(),
          finishedAt: finished.toISOString(),
          rows: result.rows,
          outcome,
          message: result.warnings.length > 0 ? result.warnings.join('\n') : null,
        },
        { keepDataVersion: options.keepDataVersion },
      )
      return { source, day, ...result, outcome, seconds: (finished.getTime() - started.getTime()) / 1000 }
    })
  } catch (error) {
    // The import rolled back; the log keeps the failure or the refusal, in its own statement.
    if (!(error instanceof ImportLocked)) await recordAttempt(db, source, day, error as Error, started, now())
    throw error
  }
}

/**
 * Logs an attempt that wrote nothing: `refused` with the place for an
 * ImportRefused (input that breaks a rule), `failed` for anything else (a
 * source that did not answer, a statement that failed). Collectors call it
 * for documents refused before their run began; the log never stops a collector.
 */
export async function recordAttempt(db: Db, source: ImportSource, day: string, error: Error, started: Date, finished: Date): Promise<void> {
  const place = error instanceof ImportRefused ? error.place : null
  await recordFailedImportRun(db, {
    source,
    day,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    outcome: place ? 'refused' : 'failed',
    message: (place ? (error as ImportRefused).rule : error.message).slice(0, 4000),
    file: place?.file.slice(0, 1000) ?? null,
    line: place?.line ?? null,
    path: place?.path?.slice(0, 1000) ?? null,
  }).catch(() => undefined)
}
