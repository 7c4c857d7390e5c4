/**
 * A fresh database for one test file or benchmark run, dropped afterwards: on
 * the PostgreSQL server named by DATABASE_URL, or an embedded store in a
 * temporary folder.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'

export interface ScratchDatabase {
  /** postgres://… or pglite:<folder>, for openDb */
  url: string
  drop(): Promise<void>
}

async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL })
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end()
  }
}

export async function createScratchDatabase(engine: 'pglite' | 'postgres', prefix = 'hd4res_scratch'): Promise<ScratchDatabase> {
  if (engine === 'pglite') {
    const dir = mkdtempSync(path.join(tmpdir(), `${prefix.replace(/_/g, '-')}-`))
    return { url: `pglite:${dir}`, drop: async () => rmSync(dir, { recursive: true, force: true }) }
  }
  if (!process.env.DATABASE_URL) throw new Error('A PostgreSQL scratch database needs DATABASE_URL')
  const name = `${prefix}_${randomBytes(6).toString('hex')}`
  await onServer(`CREATE DATABASE ${name}`)
  const url = new URL(process.env.DATABASE_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    // Give closing connections a moment to go: forcing them out makes the server send a
    // FATAL to clients that are still ending, which surfaces as an unhandled error.
    drop: async () => {
      for (let attempt = 0; attempt < 20; attempt++) {
        try {
          return await onServer(`DROP DATABASE IF EXISTS ${name}`)
        } catch (error) {
          if ((error as { code?: string }).code !== '55006') throw error // 55006: still in use
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
      }
      await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    },
  }
}
