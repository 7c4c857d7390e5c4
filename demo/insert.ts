/**
 * Bulk inserts for the demo filler: rows go as one array per column through
 * unnest(), in batches, which both PGlite and PostgreSQL take quickly.
 */
import type { Queryable } from '../subgraphs/kit/store/db.js'

const BATCH = 20_000

export async function insertRows(
  db: Queryable,
  table: string,
  columns: string[],
  types: string[],
  rows: readonly unknown[][],
  /** SQL expressions that replace a column's plain value, e.g. to split a joined list. */
  expressions: Record<string, string> = {},
): Promise<number> {
  const select = columns.map((c) => expressions[c] ?? c).join(', ')
  const unnest = types.map((t, i) => `$${i + 1}::${t}[]`).join(', ')
  const sql = `INSERT INTO ${table} (${columns.join(', ')})
    SELECT ${select} FROM unnest(${unnest}) AS t(${columns.join(', ')})`
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH)
    await db.query(
      sql,
      columns.map((_, i) => batch.map((row) => row[i] ?? null)),
    )
  }
  return rows.length
}

/** Streams rows from a generator in batches, for tables too large to hold at once. */
export async function insertStream(
  db: Queryable,
  table: string,
  columns: string[],
  types: string[],
  rows: Iterable<unknown[]>,
): Promise<number> {
  let batch: unknown[][] = []
  let total = 0
  for (const row of rows) {
    batch.push(row)
    if (batch.length === BATCH) {
      total += await insertRows(db, table, columns, types, batch)
      batch = []
    }
  }
  total += await insertRows(db, table, columns, types, batch)
  return total
}
