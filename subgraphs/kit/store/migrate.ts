/**
 * Versioned SQL migrations, one PostgreSQL schema per subgraph. Files named
 * `NNN_what.sql` in a subgraph's `migrations/` folder are applied in order at
 * start-up, each in its own transaction, and recorded so they run once.
 */
import { readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Db } from './db.js'

const MIGRATION_FILE = /^(\d{3,})_[a-z0-9_]+\.sql$/

export async function migrate(db: Db, schema: string, folder: string): Promise<string[]> {
  if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`Invalid schema name "${schema}"`)
  const files = (await readdir(folder)).filter((name) => name.endsWith('.sql')).sort()
  for (const name of files) {
    if (!MIGRATION_FILE.test(name)) {
      throw new Error(`Migration file ${path.join(folder, name)} must be named NNN_description.sql (lower case)`)
    }
  }
  const applied: string[] = []
  await db.transaction(async (tx) => {
    // Several processes may start at once against one server: one migrates, the others wait.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`hd4res-migrate-${schema}`])
    await tx.exec(`CREATE SCHEMA IF NOT EXISTS ${schema};
      CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (
        version text PRIMARY KEY,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`)
    const done = new Set((await tx.query<{ version: string }>(`SELECT version FROM ${schema}.schema_migrations`)).map((r) => r.version))
    for (const name of files) {
      if (done.has(name)) continue
      const sql = await readFile(path.join(folder, name), 'utf8')
      try {
        await tx.exec(`SET LOCAL search_path TO ${schema}, public;\n${sql}`)
      } catch (error) {
        throw new Error(`Migration ${schema}/${name} failed: ${(error as Error).message}`, { cause: error })
      }
      await tx.query(`SELECT set_config('search_path', 'public', true)`)
      await tx.query(`INSERT INTO ${schema}.schema_migrations (version) VALUES ($1)`, [name])
      applied.push(name)
    }
  })
  return applied
}
