/**
 * A store that cannot be reached, told apart from every other failure of a
 * statement, so that a subgraph answers each field that needed it with a
 * typed, named error (STORE_UNAVAILABLE, "the records service cannot reach
 * its store") instead of a masked internal error: the gateway passes it on,
 * the rest of the answer stands, and the researcher knows to try again.
 *
 * It is told by what the drivers give, never by their messages: the socket's
 * error code (ECONNREFUSED and its kind), PostgreSQL's SQLSTATE (class 08,
 * connection exception; 57P01 to 57P03, the server shutting down or starting;
 * 53300, no connection slot left) and severity (FATAL or PANIC end the
 * session). A failure that carries no code at all (pg's pool timing out or
 * ended, a connection cut without a word, PGlite closed) is put to the store
 * itself: one `SELECT 1`, shared by every failure meanwhile, and if that fails
 * too the store is unreachable.
 */
import type { Db, Queryable } from '../store/db.js'

/** Thrown in place of the driver's error when the store cannot be reached; the driver's error is its cause. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the store cannot be reached', { cause })
    this.name = 'StoreUnavailableError'
  }
}

/** The socket errors of a server that is not there, or went away. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
])

/** SQLSTATEs of a server that will not serve a session: shutting down, crashed, starting up, out of connection slots. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300'])

const SQLSTATE = /^[0-9A-Z]{5}$/

/** What an error's code says: the store is unreachable, the statement failed for its own reasons, or nothing (no code). */
function verdictOf(error: unknown, depth = 0): 'unavailable' | 'statement' | 'unknown' {
  if (!(error instanceof Error) || depth > 3) return 'unknown'
  const { code, severity } = error as { code?: unknown; severity?: unknown }
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code)) return 'unavailable'
    if (SQLSTATE.test(code)) {
      // Class 08 is the connection's; 08P01 (protocol violation) is a statement the driver built wrong, not an outage.
      if ((code.startsWith('08') && code !== '08P01') || UNAVAILABLE_STATES.has(code)) return 'unavailable'
      if (severity === 'FATAL' || severity === 'PANIC') return 'unavailable'
      return 'statement'
    }
  }
  // Several addresses tried in turn (IPv6, then IPv4) fail together; a driver may wrap the socket's error.
  if (error instanceof AggregateError && error.errors.some((e) => verdictOf(e, depth + 1) === 'unavailable')) return 'unavailable'
  if (error.cause !== undefined) {
    const cause = verdictOf(error.cause, depth + 1)
    if (cause !== 'unknown') return cause
  }
  return typeof code === 'string' ? 'statement' : 'unknown'
}

/** True when an error, or what it wraps, is StoreUnavailableError. */
export function isStoreUnavailable(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 4; depth++) {
    if (cause instanceof StoreUnavailableError) return true
    cause = (cause as { originalError?: unknown }).originalError ?? cause.cause
  }
  return false
}

/** How long the probe of a failure without a code may take: a store that does not answer in that time is not answering. */
const PROBE_TIMEOUT_MS = 2_000

/**
 * The same handle, its statements' failures classified: a store that cannot
 * be reached throws StoreUnavailableError, anything else its own error.
 * Listening and closing pass through.
 */
export function guardStore(db: Db): Db {
  let probing: Promise<boolean> | null = null
  const probe = async (): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined
    try {
      return await Promise.race([
        db.query('SELECT 1').then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(resolve, PROBE_TIMEOUT_MS, false)
        }),
      ])
    } finally {
      clearTimeout(timer)
      probing = null
    }
  }
  const reachable = (): Promise<boolean> => (probing ??= probe())

  async function classified(error: unknown): Promise<unknown> {
    const verdict = verdictOf(error)
    if (verdict === 'unavailable') return new StoreUnavailableError(error)
    if (verdict === 'unknown' && !(await reachable())) return new StoreUnavailableError(error)
    return error
  }

  async function guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (error) {
      throw await classified(error)
    }
  }

  const guardedQueryable = (q: Queryable): Queryable => ({
    query: (sql, params) => guarded(() => q.query(sql, params)),
    exec: (sql) => guarded(() => q.exec(sql)),
  })

  return {
    engine: db.engine,
    ...guardedQueryable(db),
    // Statements inside are classified once, as the transaction fails: the transaction's own error is what its caller sees.
    transaction: (work) => guarded(() => db.transaction(work)),
    listen: (channel, handlers) => db.listen(channel, handlers),
    dumpDataDir: db.dumpDataDir ? () => db.dumpDataDir!() : undefined,
    close: () => db.close(),
  }
}
