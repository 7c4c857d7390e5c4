/**
 * Notifications from the store, on both engines: a NOTIFY sent in a
 * transaction arrives once it commits and never if it rolls back; on a
 * PostgreSQL server, a listening connection that is cut off says so.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createScratchDatabase, type ScratchDatabase } from '../../../test/helpers/scratchDatabase.js'
import { NAMED_STATEMENTS, openDb, statementName, type Db } from './db.js'

const engines = process.env.DATABASE_URL ? (['pglite', 'postgres'] as const) : (['pglite'] as const)

/** Waits up to 2 s for a condition that notifications make true. */
async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition() && waited < 2000; waited += 10) await sleep(10)
}

describe.each(engines)('store notifications (%s)', (engine) => {
  let scratch: ScratchDatabase
  let db: Db
  beforeAll(async () => {
    scratch = await createScratchDatabase(engine, 'hd4res_notify')
    db = await openDb({ databaseUrl: scratch.url, poolSize: 2 })
  })
  afterAll(async () => {
    await db?.close()
    await scratch?.drop()
  })

  it('delivers a NOTIFY once its transaction commits, and nothing from one rolled back', async () => {
    const heard: string[] = []
    const lost: Error[] = []
    const stop = await db.listen('hd4res_test', { onNotify: (payload) => heard.push(payload), onLost: (error) => lost.push(error) })
    await db
      .transaction(async (tx) => {
        await tx.query("SELECT pg_notify('hd4res_test', 'rolled back')")
        throw new Error('undo')
      })
      .catch(() => undefined)
    await db.transaction(async (tx) => {
      await tx.query("SELECT pg_notify('hd4res_test', 'committed')")
      await sleep(50)
      expect(heard).toEqual([])
    })
    await until(() => heard.length > 0)
    expect(heard).toEqual(['committed'])

    await stop()
    await db.query("SELECT pg_notify('hd4res_test', 'after')")
    await sleep(100)
    expect(heard).toEqual(['committed'])
    expect(lost).toEqual([])
  })

  if (engine === 'postgres') {
    it('says so when the listening connection is cut off', async () => {
      const lost: Error[] = []
      const stop = await db.listen('hd4res_cut', { onNotify: () => undefined, onLost: (error) => lost.push(error) })
      await db.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN "hd4res_cut"'`)
      await until(() => lost.length > 0)
      expect(lost).toHaveLength(1)
      await stop()
    })
  }
})

describe('statements prepared by name', () => {
  if (process.env.DATABASE_URL) {
    it('prepares a statement with parameters once on a PostgreSQL connection, and answers it each time', async () => {
      const scratch = await createScratchDatabase('postgres', 'hd4res_named')
      const db = await openDb({ databaseUrl: scratch.url, poolSize: 1 })
      try {
        const sql = 'SELECT $1::int + 1 AS next'
        for (const n of [1, 2, 3]) expect(await db.query<{ next: number }>(sql, [n])).toEqual([{ next: n + 1 }])
        const prepared = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name = $1', [
          statementName(sql),
        ])
        expect(prepared).toEqual([{ n: 1 }])
      } finally {
        await db.close()
        await scratch.drop()
      }
    })
  }

  // Last: it fills the names up to the bound.
  it('names each text once and for good, distinct texts apart, up to the bound', () => {
    const a = statementName('SELECT $1::int AS one')
    expect(a).toMatch(/^hd4res_[0-9a-f]{24}$/)
    expect(statementName('SELECT $1::int AS one')).toBe(a)
    expect(statementName('SELECT $1::int AS two')).not.toBe(a)
    for (let i = 0; i < NAMED_STATEMENTS; i++) statementName(`SELECT $1::int AS n${i}`)
    // Past the bound a new text goes unnamed; one named before keeps its name.
    expect(statementName('SELECT $1::int AS late')).toBeUndefined()
    expect(statementName('SELECT $1::int AS one')).toBe(a)
  })
})
