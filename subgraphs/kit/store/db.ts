/**
 * The database handle every subgraph receives. One interface over two engines:
 * PGlite (PostgreSQL compiled to WebAssembly, in-process) for the embedded
 * store, and node-postgres for a PostgreSQL server. Both speak the same SQL.
 */
import { createHash } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { pino, type Logger } from 'pino'

export type SqlValue = string | number | boolean | null | Date | readonly SqlValue[] | string[] | number[]

export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>
  /** Runs several statements separated by semicolons, without parameters (migrations). */
  exec(sql: string): Promise<void>
}

export interface Db extends Queryable {
  readonly engine: 'pglite' | 'postgres'
  /** Runs `work` in one transaction: all of it is written, or none of it. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>
  /**
   * Calls `onNotify` with the payload of each NOTIFY on `channel` (a NOTIFY
   * sent in a transaction arrives once it commits) until the returned function
   * is called. `onLost` says listening has stopped by itself (PostgreSQL: its
   * connection was lost), so notifications may be missed from then on.
   */
  listen(channel: string, handlers: ListenHandlers): Promise<() => Promise<void>>
  /** The embedded store only: its whole data folder as a gzipped tarball, for backups. */
  dumpDataDir?(): Promise<Blob>
  close(): Promise<void>
}

export interface ListenHandlers {
  onNotify(payload: string): void
  onLost(error: Error): void
}

// Dates travel as 'YYYY-MM-DD' strings and int8 as numbers, on both engines,
// so that stores never see engine-specific types.
const DATE_OID = 1082
const INT8_OID = 20
const NUMERIC_OID = 1700
pg.types.setTypeParser(DATE_OID, (value: string) => value)
pg.types.setTypeParser(INT8_OID, (value: string) => Number(value))
pg.types.setTypeParser(NUMERIC_OID, (value: string) => Number(value))

const pgliteParsers = {
  [DATE_OID]: (value: string) => value,
  [INT8_OID]: (value: string) => Number(value),
  [NUMERIC_OID]: (value: string) => Number(value),
}

export interface OpenDbOptions {
  /** A postgres:// connection string, or pglite:<folder>; when absent the embedded store is used. */
  databaseUrl?: string
  /** Folder for the embedded store's files; in memory when absent. */
  dataDir?: string
  /** Pool size for a PostgreSQL server. */
  poolSize?: number
  /** Where the store says what went wrong outside any request (a connection lost); pino JSON lines named hd4res-store when absent. */
  log?: Pick<Logger, 'error'>
}

export async function openDb(options: OpenDbOptions = {}): Promise<Db> {
  // `pglite:<folder>` names an embedded store on disk, where a connection string is expected.
  if (options.databaseUrl?.startsWith('pglite:')) return openPGlite(options.databaseUrl.slice('pglite:'.length))
  return options.databaseUrl ? openPostgres(options.databaseUrl, options.poolSize ?? 10, options.log) : openPGlite(options.dataDir)
}

async function openPGlite(dataDir?: string): Promise<Db> {
  if (dataDir) mkdirSync(dataDir, { recursive: true })
  const lite = await PGlite.create(dataDir ? { dataDir, parsers: pgliteParsers } : { parsers: pgliteParsers })
  const run = async <Row>(q: Pick<PGlite, 'query'>, sql: string, params?: readonly unknown[]): Promise<Row[]> => {
    const result = await q.query<Row>(sql, params ? [...params] : undefined)
    return result.rows
  }
  return {
    engine: 'pglite',
    query: (sql, params) => run(lite, sql, params),
    transaction: (work) =>
      lite.transaction((tx) =>
        work({
          query: (sql, params) => run(tx, sql, params),
          exec: async (sql) => {
            await tx.exec(sql)
          },
        }),
      ),
    exec: async (sql) => {
      await lite.exec(sql)
    },
    listen: async (channel, { onNotify }) => {
      // One process holds the embedded store: its notifications cannot be lost on the way.
      const stop = await lite.listen(channel, onNotify)
      return () => stop()
    },
    dumpDataDir: () => lite.dumpDataDir('gzip'),
    close: () => lite.close(),
  }
}

/** Opens an embedded store in `dataDir` from a data-folder dump (the folder must be empty or new). */
export async function restorePGlite(dataDir: string, dump: Blob): Promise<Db> {
  mkdirSync(dataDir, { recursive: true })
  const lite = await PGlite.create({ dataDir, loadDataDir: dump, parsers: pgliteParsers })
  await lite.close()
  return openPGlite(dataDir)
}

/** How many statement texts are prepared by name; past it, a text is planned afresh each time, as an unnamed one is. */
export const NAMED_STATEMENTS = 500
const statementNames = new Map<string, string>()

/**
 * The name a statement with parameters is prepared under on each connection:
 * PostgreSQL then parses and plans it once per connection rather than on
 * every execution (a cold dashboard runs eight, each planned afresh cost the
 * server about as much as running it). The store's statements are a fixed
 * set of texts; the bound keeps a text built per request from preparing
 * without end.
 */
export function statementName(sql: string): string | undefined {
  let name = statementNames.get(sql)
  if (name === undefined && statementNames.size < NAMED_STATEMENTS) {
    name = `hd4res_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`
    statementNames.set(sql, name)
  }
  return name
}

async function openPostgres(connectionString: string, max: number, log?: Pick<Logger, 'error'>): Promise<Db> {
  const pool = new pg.Pool({ connectionString, max })
  // An idle connection the server ends (a restart, a terminated backend) must not
  // crash the process: the pool drops it and opens another when needed.
  pool.on('error', (error) => {
    if ((error as { code?: string }).code !== '57P01')
      (log ??= pino({ name: 'hd4res-store' })).error({ err: error }, `PostgreSQL connection lost: ${error.message}`)
  })
  // Fail at start-up, with the server's own words, rather than on the first request.
  const probe = await pool.connect()
  probe.release()
  const run = async <Row>(client: pg.Pool | pg.PoolClient, sql: string, params?: readonly unknown[]): Promise<Row[]> => {
    const name = params ? statementName(sql) : undefined
    const result = await client.query(
      name ? { name, text: sql, values: [...params!] } : { text: sql, values: params ? [...params] : undefined },
    )
    return result.rows as Row[]
  }
  return {
    engine: 'postgres',
    query: (sql, params) => run(pool, sql, params),
    transaction: async (work) => {
      const client = await pool.connect()
      try {
        await client.query('BEGIN')
        const result = await work({
          query: (sql, params) => run(client, sql, params),
          exec: async (sql) => {
            await client.query(sql)
          },
        })
        await client.query('COMMIT')
        return result
      } catch (error) {
        await client.query('ROLLBACK')
        throw error
      } finally {
        client.release()
      }
    },
    exec: async (sql) => {
      await pool.query(sql)
    },
    // A connection of its own, outside the pool: LISTEN belongs to the session that ran it.
    listen: async (channel, { onNotify, onLost }) => {
      // TCP keep-alive, so a connection that died without a word is found out; a server that does not answer is given up on.
      const client = new pg.Client({ connectionString, keepAlive: true, connectionTimeoutMillis: 10_000 })
      let stopped = false
      const lost = (error: Error) => {
        if (stopped) return
        stopped = true
        client.end().catch(() => undefined)
        onLost(error)
      }
      client.on('notification', (message) => {
        if (message.channel === channel) onNotify(message.payload ?? '')
      })
      client.on('error', lost)
      client.on('end', () => lost(new Error('the listening connection ended')))
      try {
        await client.connect()
        await client.query(`LISTEN ${pg.escapeIdentifier(channel)}`)
      } catch (error) {
        stopped = true
        await client.end().catch(() => undefined)
        throw error
      }
      return async () => {
        stopped = true
        await client.end().catch(() => undefined)
      }
    },
    close: () => pool.end(),
  }
}
