/**
 * The internal-components collector: HD4RES counts the study records and
 * unique subjects of HD Integration, HD DWH Staging and HD DWH Exploitation
 * itself, with a configured SQL query per component run against that
 * component's own database. From the warehouse's pseudonymised subject keys
 * it also computes how many subjects take part in several studies and the
 * pairwise overlaps; the keys never leave the warehouse's database: only the
 * aggregates are read.
 */
import { INTERNAL_RECORD_COMPONENTS, type ComponentId } from '../subgraphs/kit/catalogue/components.js'
import { replaceComponentDay } from '../subgraphs/kit/counts/import.js'
import { openDb, type Db, type Queryable } from '../subgraphs/kit/store/db.js'
import { projectIdsByCode } from '../subgraphs/participants/lookup.js'
import { RECORD_COUNTS } from '../subgraphs/records/import.js'
import { replaceMultiStudyDay, SUBJECT_COUNTS } from '../subgraphs/subjects/import.js'
import { ImportRefused } from './errors.js'
import { runImport, type RunOptions, type RunResult } from './run.js'

export interface InternalComponentSource {
  /** Connection string of the component's database (postgres:// or pglite:<folder>). */
  databaseUrl: string
  /** SQL with $1 = the day; returns one row per project: project (code), records, unique_subjects. */
  query: string
}

export interface InternalCountsConfig {
  components: Partial<Record<ComponentId, InternalComponentSource>>
  /** SQL with $1 = the day; returns project (code) and subject_key, one row per subject and project. */
  multiStudy?: InternalComponentSource
}

/** The day goes in as $1 when the query uses it; a query for "now" needs none. */
const paramsFor = (query: string, day: string) => (/\$1\b/.test(query) ? [day] : [])

interface CountRow {
  project: string
  records: number
  unique_subjects: number | null
}

function checkCountRow(row: Record<string, unknown>, where: string, i: number): CountRow {
  const project = row.project
  const records = Number(row.records)
  const subjects = row.unique_subjects === null || row.unique_subjects === undefined ? null : Number(row.unique_subjects)
  if (typeof project !== 'string' || !project) throw new ImportRefused(`${where}, row ${i + 1}`, 'column "project" must be a project code')
  for (const [name, value] of [
    ['records', records],
    ['unique_subjects', subjects],
  ] as const) {
    if (value !== null && (!Number.isInteger(value) || value < 0 || value > 2147483647)) {
      throw new ImportRefused(`${where}, row ${i + 1}`, `column "${name}" must be a whole number from 0; got ${String(row[name])}`)
    }
  }
  return { project, records, unique_subjects: subjects }
}

async function readSource<T>(source: InternalComponentSource, what: string, work: (db: Db) => Promise<T>): Promise<T> {
  let db: Db
  try {
    db = await openDb({ databaseUrl: source.databaseUrl, poolSize: 1 })
  } catch (error) {
    throw new Error(`Cannot reach the database of ${what}: ${(error as Error).message}`, { cause: error })
  }
  try {
    return await work(db)
  } catch (error) {
    if (error instanceof ImportRefused) throw error
    throw new Error(`The query of ${what} failed: ${(error as Error).message}`, { cause: error })
  } finally {
    await db.close()
  }
}

/** Runs the multi-study query inside the warehouse and reads back aggregates only. */
async function multiStudyFigures(source: InternalComponentSource, day: string) {
  return readSource(source, 'the multi-study subjects', async (db) => {
    const subjects = `WITH s AS (SELECT DISTINCT q.project::text AS project, q.subject_key::text AS subject_key FROM (${source.query}) q)`
    const [total] = await db.query<{ n: number }>(
      `${subjects} SELECT count(*)::int AS n FROM (SELECT subject_key FROM s GROUP BY subject_key HAVING count(*) > 1) m`,
      paramsFor(source.query, day),
    )
    const overlaps = await db.query<{ project: string; other: string; shared: number }>(
      `${subjects} SELECT a.project, b.project AS other, count(*)::int AS shared
       FROM s a JOIN s b ON a.subject_key = b.subject_key AND a.project <> b.project
       GROUP BY a.project, b.project`,
      paramsFor(source.query, day),
    )
    return { total: total?.n ?? 0, overlaps }
  })
}

async function importDay(tx: Queryable, config: InternalCountsConfig, day: string, collectedAt: string) {
  let rows = 0
  const warnings: string[] = []
  for (const componentId of INTERNAL_RECORD_COMPONENTS) {
    const source = config.components[componentId]
    if (!source) continue
    const what = `${componentId} (internal-counts query)`
    const counts = await readSource(source, componentId, async (db) =>
      (await db.query<Record<string, unknown>>(source.query, paramsFor(source.query, day))).map((row, i) => checkCountRow(row, what, i)),
    )
    const ids = await projectIdsByCode(
      tx,
      counts.map((c) => c.project),
    )
    const unknown = counts.filter((c) => !ids.has(c.project)).map((c) => c.project)
    if (unknown.length > 0)
      warnings.push(`${componentId}: no project in the registry has the code(s) ${unknown.join(', ')}; their counts were left out`)
    const known = counts.filter((c) => ids.has(c.project))
    const dayInfo = { componentId, day, source: 'HD4RES' as const, collectedAt }
    rows += await replaceComponentDay(
      tx,
      RECORD_COUNTS,
      dayInfo,
      known.map((c) => ({ projectId: ids.get(c.project)!, value: c.records })),
    )
    rows += await replaceComponentDay(
      tx,
      SUBJECT_COUNTS,
      dayInfo,
      known.filter((c) => c.unique_subjects !== null).map((c) => ({ projectId: ids.get(c.project)!, value: c.unique_subjects! })),
    )
  }
  if (config.multiStudy) {
    const figures = await multiStudyFigures(config.multiStudy, day)
    const ids = await projectIdsByCode(
      tx,
      figures.overlaps.flatMap((o) => [o.project, o.other]),
    )
    const overlaps = figures.overlaps
      .filter((o) => ids.has(o.project) && ids.has(o.other))
      .map((o) => ({ projectId: ids.get(o.project)!, otherProjectId: ids.get(o.other)!, shared: o.shared }))
    rows += await replaceMultiStudyDay(tx, day, collectedAt, figures.total, overlaps)
  }
  return { rows, warnings }
}

export async function collectInternalCounts(
  db: Db,
  config: InternalCountsConfig,
  days: readonly string[],
  options: RunOptions = {},
): Promise<RunResult[]> {
  const results: RunResult[] = []
  for (const day of days) {
    const collectedAt = (options.now?.() ?? new Date()).toISOString()
    results.push(await runImport(db, 'internal-counts', day, (tx) => importDay(tx, config, day, collectedAt), options))
  }
  return results
}
