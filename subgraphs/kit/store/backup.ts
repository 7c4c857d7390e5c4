/**
 * Backups that restore: pg_dump / pg_restore for a PostgreSQL server, and a
 * dump of the data folder for the embedded store. Both are consistent
 * snapshots: pg_dump reads one transaction's view, and the embedded store is
 * single-process, so nothing writes while it dumps.
 *
 * A dump holds health data: it is made readable by its owner only (0600, in
 * a folder made 0700). A restore is all or nothing: pg_restore runs in one
 * transaction, and the embedded store is read into a folder beside the
 * target that takes the target's name only once it is whole. A dump cut
 * short fails and leaves the target as it was.
 */
import { execFile } from 'node:child_process'
import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { gunzipSync } from 'node:zlib'
import { openDb, restorePGlite } from './db.js'

const run = promisify(execFile)

export interface BackupTarget {
  /** A PostgreSQL server's database; the embedded store in `dataDir` when absent. */
  databaseUrl?: string
  /** The embedded store's folder (HD4RES_DATA_DIR/pglite). */
  dataDir: string
}

const stamp = () => new Date().toISOString().replace(/[:.]/g, '-')

/** An empty file only its owner can read or write, made before anything is written into it. */
function privateFile(file: string): void {
  closeSync(openSync(file, 'wx', 0o600))
  // The umask can only take permissions away; this makes sure of the rest.
  chmodSync(file, 0o600)
}

/** Writes a dump into `backupDir` and returns its path. */
export async function backup(target: BackupTarget, backupDir: string): Promise<string> {
  try {
    if (!existsSync(backupDir)) mkdirSync(backupDir, { recursive: true, mode: 0o700 })
  } catch (error) {
    throw new Error(`Cannot write backups to ${backupDir} (HD4RES_BACKUP_DIR): ${(error as Error).message}`)
  }
  if (target.databaseUrl) {
    const file = path.join(backupDir, `hd4res-${stamp()}.pgdump`)
    // pg_dump writes into the file as it finds it, so the file is private before the first byte.
    privateFile(file)
    await run('pg_dump', ['--format=custom', '--no-owner', `--file=${file}`, `--dbname=${target.databaseUrl}`]).catch(
      (error: Error & { stderr?: string }) => {
        rmSync(file, { force: true })
        throw new Error(`pg_dump failed: ${error.stderr?.trim() || error.message}`)
      },
    )
    return file
  }
  if (!existsSync(target.dataDir)) throw new Error(`No embedded store at ${target.dataDir} to back up`)
  const db = await openDb({ dataDir: target.dataDir }).catch((error: Error) => {
    throw new Error(`Cannot open the embedded store at ${target.dataDir} (is npm start running? stop it first): ${error.message}`)
  })
  try {
    const dump = await db.dumpDataDir!()
    const file = path.join(backupDir, `hd4res-${stamp()}.pglite.tar.gz`)
    privateFile(file)
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()))
    return file
  } finally {
    await db.close()
  }
}

/** Reads a dump back into an empty store (a new database, or an empty data folder). */
export async function restore(file: string, target: BackupTarget): Promise<void> {
  if (!existsSync(file)) throw new Error(`No backup at ${file}`)
  if (target.databaseUrl) {
    if (!file.endsWith('.pgdump')) throw new Error(`${file} is not a PostgreSQL backup (.pgdump)`)
    const db = await openDb({ databaseUrl: target.databaseUrl, poolSize: 1 })
    const [{ n }] = await db.query<{ n: number }>(
      // Any schema of our own (every store has ops, and one per subgraph) means the database is in use.
      `SELECT count(*)::int AS n FROM information_schema.schemata
       WHERE schema_name NOT IN ('public', 'information_schema') AND schema_name NOT LIKE 'pg\\_%'`,
    )
    await db.close()
    if (n > 0) throw new Error('The target database already holds HD4RES data: restore into a new, empty database')
    // One transaction: a dump that breaks off half-way leaves the database as empty as it was.
    await run('pg_restore', ['--no-owner', '--single-transaction', '--exit-on-error', `--dbname=${target.databaseUrl}`, file]).catch(
      (error: Error & { stderr?: string }) => {
        throw new Error(`pg_restore failed, and the database is left as it was: ${error.stderr?.trim() || error.message}`)
      },
    )
    return
  }
  if (!file.endsWith('.pglite.tar.gz')) throw new Error(`${file} is not an embedded-store backup (.pglite.tar.gz)`)
  if (existsSync(target.dataDir) && readdirSync(target.dataDir).length > 0) {
    throw new Error(`${target.dataDir} is not empty: restore into an empty folder (move the old one aside first)`)
  }
  // Read into a folder beside the target, which becomes the target only once the store opens from it.
  const building = `${target.dataDir}.restoring-${process.pid}`
  rmSync(building, { recursive: true, force: true })
  try {
    const dump = readFileSync(file)
    // Whole, or refused here: the store's own reader fails on a cut gzip stream outside any promise.
    gunzipSync(dump)
    const db = await restorePGlite(building, new Blob([dump]))
    await db.close()
  } catch (error) {
    rmSync(building, { recursive: true, force: true })
    throw new Error(`The backup ${file} could not be read (${(error as Error).message}); ${target.dataDir} is left as it was`)
  }
  if (existsSync(target.dataDir)) rmSync(target.dataDir, { recursive: true })
  renameSync(building, target.dataDir)
}
