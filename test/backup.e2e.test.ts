/**
 * Backups that restore: dump a filled store, read it back into a fresh one,
 * and find every table the same.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { fillDemo } from '../demo/fill.js'
import { migrateAll } from '../subgraphs/index.js'
import { backup, restore } from '../subgraphs/kit/store/backup.js'
import { openDb } from '../subgraphs/kit/store/db.js'
import { checksum, DATA_TABLES } from './helpers/checksum.js'
import { ENGINES } from './helpers/graph.js'
import { createScratchDatabase, type ScratchDatabase } from './helpers/scratchDatabase.js'

const TABLES = [...DATA_TABLES, 'participants.projects', 'participants.memberships', 'ops.import_runs']

describe.each(ENGINES)('backup and restore on %s', (engine) => {
  const scratch: ScratchDatabase[] = []
  afterAll(async () => {
    for (const s of scratch) await s.drop()
  })

  it('restores into a fresh store with every table the same', async () => {
    const source = await createScratchDatabase(engine, 'hd4res_backup')
    const target = await createScratchDatabase(engine, 'hd4res_restore')
    scratch.push(source, target)
    const dir = (url: string) => url.replace(/^pglite:/, '')
    const db = await openDb({ databaseUrl: source.url })
    await migrateAll(db)
    await fillDemo(db, { size: 'small', seed: 3, endDate: '2026-11-21' })
    const before = await checksum(db, TABLES)
    await db.close()

    // A folder the backup makes itself.
    const backupDir = path.join(mkdtempSync(path.join(tmpdir(), 'hd4res-backups-')), 'backups')
    const asTarget = (url: string) => (engine === 'postgres' ? { databaseUrl: url, dataDir: '' } : { dataDir: dir(url) })
    const file = await backup(asTarget(source.url), backupDir)
    expect(path.dirname(file)).toBe(backupDir)
    expect(file).toMatch(engine === 'postgres' ? /\.pgdump$/ : /\.pglite\.tar\.gz$/)
    // Health data: readable by the backup's owner only.
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(statSync(backupDir).mode & 0o777).toBe(0o700)

    // The target for PGlite must be a new, empty folder.
    const fresh = engine === 'postgres' ? target.url : `pglite:${path.join(dir(target.url), 'store')}`

    // A dump cut short at 60 % fails, and leaves the target as it was: empty, and open to the good dump next.
    const bytes = readFileSync(file)
    const truncated = path.join(backupDir, `truncated-${path.basename(file)}`)
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)))
    await expect(restore(truncated, asTarget(fresh))).rejects.toThrow(/left as it was/)
    if (engine === 'postgres') {
      const untouched = await openDb({ databaseUrl: fresh })
      const schemas = await untouched.query<{ schema_name: string }>(
        `SELECT schema_name FROM information_schema.schemata WHERE schema_name NOT IN ('public', 'information_schema') AND schema_name NOT LIKE 'pg\\_%'`,
      )
      await untouched.close()
      expect(schemas).toEqual([])
    } else {
      expect(existsSync(dir(fresh))).toBe(false)
      expect(readdirSync(dir(target.url)).filter((name) => name.includes('restoring'))).toEqual([])
    }

    await restore(file, asTarget(fresh))
    const restored = await openDb({ databaseUrl: fresh })
    expect(await checksum(restored, TABLES)).toEqual(before)
    await restored.close()

    // Restoring over data is refused, and says why.
    await expect(restore(file, asTarget(fresh))).rejects.toThrow(/not empty|already holds HD4RES data/)
  })
})
