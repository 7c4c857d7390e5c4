/**
 * A store out of reach, told apart from a statement that failed: by the
 * socket's code, PostgreSQL's SQLSTATE and severity, and for a failure with no
 * code by asking the store itself; never by a message.
 */
import { GraphQLError } from 'graphql'
import { describe, expect, it } from 'vitest'
import { openDb, type Db } from '../store/db.js'
import { guardStore, isStoreUnavailable, StoreUnavailableError } from './storeOutage.js'

/** A store whose statements fail with `error`, and whose probe (SELECT 1) answers as `probe` says. */
function failingStore(error: unknown, probe: 'answers' | 'fails'): Db & { probes: number } {
  const store = {
    engine: 'postgres' as const,
    probes: 0,
    async query(sql: string) {
      if (sql === 'SELECT 1') {
        store.probes++
        if (probe === 'answers') return [{ '?column?': 1 }]
      }
      throw error
    },
    exec: async () => {
      throw error
    },
    transaction: async () => {
      throw error
    },
    listen: async () => async () => undefined,
    close: async () => undefined,
  }
  return store as unknown as Db & { probes: number }
}

const coded = (code: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error('words that do not matter'), { code, ...extra })

describe('a store out of reach', () => {
  it.each([
    ['a refused connection', coded('ECONNREFUSED')],
    ['a reset connection', coded('ECONNRESET')],
    ['every address refusing', new AggregateError([coded('ECONNREFUSED'), coded('ECONNREFUSED')], 'x')],
    ['a connection exception (class 08)', coded('08006', { severity: 'ERROR' })],
    ['an administrator shutting the server down', coded('57P01', { severity: 'FATAL' })],
    ['a server starting up', coded('57P03', { severity: 'FATAL' })],
    ['no connection slot left', coded('53300', { severity: 'FATAL' })],
    ['a database that accepts no connections (FATAL)', coded('55000', { severity: 'FATAL' })],
    ['a socket error wrapped by the driver', new Error('wrapped', { cause: coded('ECONNREFUSED') })],
  ])('is told by its code: %s', async (_what, error) => {
    const store = failingStore(error, 'answers')
    const failure = await guardStore(store)
      .query('SELECT count(*) FROM records.counts')
      .catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(StoreUnavailableError)
    expect((failure as Error).cause).toBe(error)
    // Its code says it all: the store is not asked.
    expect(store.probes).toBe(0)
  })

  it.each([
    ['a missing table', coded('42P01', { severity: 'ERROR' })],
    ['a statement the driver built wrong (08P01)', coded('08P01', { severity: 'ERROR' })],
    ['a value out of range', coded('22003', { severity: 'ERROR' })],
    ['a Node error of its own', coded('ERR_INVALID_ARG_TYPE')],
  ])('is not a statement that failed for its own reasons: %s', async (_what, error) => {
    const store = failingStore(error, 'fails')
    await expect(guardStore(store).query('SELECT 2')).rejects.toBe(error)
    expect(store.probes).toBe(0)
  })

  it('asks the store itself about a failure without a code, once for all that fail together', async () => {
    const cut = new Error('the connection ended')
    const down = failingStore(cut, 'fails')
    const guarded = guardStore(down)
    const failures = await Promise.all([1, 2, 3].map(() => guarded.query('SELECT 2').catch((e: unknown) => e)))
    for (const failure of failures) expect(failure).toBeInstanceOf(StoreUnavailableError)
    expect(down.probes).toBe(1)
    // The store answers the probe: the failure was the statement's own.
    await expect(guardStore(failingStore(cut, 'answers')).query('SELECT 2')).rejects.toBe(cut)
  })

  it('classifies transactions and exec the same way', async () => {
    const guarded = guardStore(failingStore(coded('ECONNREFUSED'), 'answers'))
    await expect(guarded.transaction(async () => 1)).rejects.toBeInstanceOf(StoreUnavailableError)
    await expect(guarded.exec('SELECT 1')).rejects.toBeInstanceOf(StoreUnavailableError)
  })

  it('takes a closed embedded store for one out of reach', async () => {
    const db = await openDb()
    const guarded = guardStore(db)
    expect(await guarded.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }])
    await db.close()
    await expect(guarded.query('SELECT 1 AS one')).rejects.toBeInstanceOf(StoreUnavailableError)
  })

  it('is found behind the GraphQL error that carries it', () => {
    const outage = new StoreUnavailableError(coded('ECONNREFUSED'))
    expect(isStoreUnavailable(new GraphQLError('x', { originalError: outage }))).toBe(true)
    expect(isStoreUnavailable(new GraphQLError('x', { originalError: new Error('y') }))).toBe(false)
    expect(isStoreUnavailable(undefined)).toBe(false)
  })
})
