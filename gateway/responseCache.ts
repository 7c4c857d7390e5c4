/**
 * A cache of whole responses: a dashboard asked again by the same researcher,
 * on data that changes once a day, is answered without planning or fetching
 * anything. The key holds the operation, its variables, who asks (their id,
 * roles and visible projects) and the store's data version, so one researcher
 * never receives another's answer and an import makes every entry stale at
 * once; for a bounded time after that, a miss may be answered from the same
 * key at the version just before while it is recomputed (staleKeyFor,
 * stages/responseCache.ts). In memory by default; in Redis (REDIS_URL) when several gateway
 * replicas should share it.
 */
import { createHash } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { createClient, RESP_TYPES } from 'redis'
import type { PreviousVersion } from './dataVersion.js'
import { queryFacts, queryFactsByHash } from './queryText.js'
import type { Identity } from '../platform/identity.js'
import { readsFrom, type Reads } from '../platform/reads.js'
import { INPUT_DEPTH_CEILING, type ResponseCacheSettings } from '../platform/settings.js'
import { nestedDeeperThan } from './inputs.js'

/** Says whether an answer came from the cache (hit), from the previous data version's entry while it is recomputed (stale), or was kept for the next time (miss). */
export const CACHE_HEADER = 'x-hd4res-cache'

/** With a stale answer: the data version the answer was computed at. */
export const CACHE_VERSION_HEADER = 'x-hd4res-cache-version'

/**
 * Sent by the gateway's own recompute of a stale entry, through the gateway
 * itself: the request is never answered stale (nor starts a recompute), so it
 * runs, and its answer is stored as a miss's is. That is all it does, so a
 * client that sends it only gives up the stale answer it could have had.
 */
export const REVALIDATE_HEADER = 'x-hd4res-revalidate'

export interface CacheStore {
  /** An answer's bytes, ready to send. */
  get(key: string): Promise<Buffer | undefined>
  set(key: string, value: string, ttlSeconds: number): Promise<void>
  close(): Promise<void>
  readonly kind: 'memory' | 'redis'
}

/** Answers kept as bytes, so a hit is written out without encoding the text again. */
export function memoryStore(maxBytes: number): CacheStore {
  const lru = new LRUCache<string, Buffer>({ maxSize: maxBytes, sizeCalculation: (v, k) => v.length + k.length })
  return {
    kind: 'memory',
    get: async (key) => lru.get(key),
    set: async (key, value, ttlSeconds) => {
      lru.set(key, Buffer.from(value), { ttl: ttlSeconds * 1000 })
    },
    close: async () => lru.clear(),
  }
}

/** Redis keys are the SHA-256 of the cache key: short, and free of the variables' text. */
export async function redisStore(url: string): Promise<CacheStore> {
  const client = createClient({ url, socket: { connectTimeout: 5000, reconnectStrategy: (retries) => Math.min(retries * 200, 5000) } })
  client.on('error', () => undefined) // reconnects by itself; a cache miss is the fallback
  await client.connect()
  const bytes = client.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer })
  const redisKey = (key: string) => `hd4res:response:${createHash('sha256').update(key).digest('base64url')}`
  return {
    kind: 'redis',
    get: async (key) => (client.isReady ? ((await bytes.get(redisKey(key))) ?? undefined) : undefined),
    set: async (key, value, ttlSeconds) => {
      if (client.isReady) await client.set(redisKey(key), value, { expiration: { type: 'EX', value: ttlSeconds } })
    },
    close: async () => {
      await client.quit().catch(() => undefined)
    },
  }
}

/** The store the settings ask for: Redis when they name one, else memory; none when the cache is off. */
export async function openResponseCache(settings: ResponseCacheSettings | undefined): Promise<CacheStore | null> {
  if (!settings?.enabled) return null
  return settings.redisUrl ? redisStore(settings.redisUrl) : memoryStore(settings.maxMegabytes * 2 ** 20)
}

/** Whether the cache may answer a request at all: one operation, POSTed (a batch or a GET is answered afresh). */
export function mayAnswerFromCache(request: { method: string; body: unknown }): boolean {
  return request.method === 'POST' && !Array.isArray(request.body)
}

export interface OperationRequest {
  query?: unknown
  operationName?: unknown
  variables?: unknown
  extensions?: { persistedQuery?: { sha256Hash?: unknown } }
}

/** Who asks, as the cache key names them: their id, roles and visible projects, sorted; remembered per (frozen) identity. */
const askers = new WeakMap<Identity, string>()

function askerKey(identity: Identity): string {
  let key = askers.get(identity)
  if (key === undefined) {
    key = JSON.stringify([identity.sub, [...identity.roles].sort(), [...identity.projects].sort()])
    if (Object.isFrozen(identity)) askers.set(identity, key)
  }
  return key
}

/**
 * The cache key of one operation for one researcher at one data version; null
 * when it must not be cached. The operation's parts are joined as JSON, so
 * none can run into the next, and who asks follows after a newline, which
 * JSON text never holds. JSON.stringify recurses, so variables nested deeper
 * than any the gateway lets through (and an operation name that is not a
 * name) are never keyed: such an answer is not cached, and cannot overflow
 * the stack here.
 */
export function cacheKey(operation: OperationRequest, identity: Identity, dataVersion: string, language: string = 'en'): string | null {
  // A body that is no operation at all (JSON's null, a number): GraphQL says what is wrong with it.
  if (typeof operation !== 'object' || operation === null) return null
  let hash: string
  if (typeof operation.query === 'string') {
    const facts = queryFacts(operation.query)
    if (!facts.read) return null
    hash = facts.sha256
  } else if (typeof operation.extensions?.persistedQuery?.sha256Hash === 'string') {
    hash = operation.extensions.persistedQuery.sha256Hash
    // Sent by hash alone: kept only when this process has seen the text and it only reads (a mutation must run every time).
    if (!queryFactsByHash(hash)?.read) return null
  } else {
    return null
  }
  const name = operation.operationName ?? null
  if ((name !== null && typeof name !== 'string') || nestedDeeperThan(operation.variables, INPUT_DEPTH_CEILING)) return null
  // The same operation answers in another language for another choice of it (language.ts).
  return `${JSON.stringify([dataVersion, hash, name, operation.variables ?? null, language])}\n${askerKey(identity)}`
}

/**
 * The longest an answer with component status is kept, in seconds. Status
 * moves with the clock (a component whose checks stop reads UNKNOWN once the
 * staleness rule says so) and with the availability collector's runs, which
 * do not bump the data version: such an answer is kept a minute at most, as
 * the components subgraph's own caches keep it (subgraphs/components/index.ts).
 */
export const STATUS_ANSWER_MAX_AGE_SECONDS = 60

/**
 * How long to keep an answer: the cache's TTL, or less for an answer that
 * shows component status. Which publications an answer read comes from the
 * audit; without it (HD4RES_AUDIT=off), an answer that names a status field
 * is taken to show one.
 */
export function answerTtlSeconds(ttlSeconds: number, reads: Partial<Reads> | undefined, answer: string): number {
  const showsStatus = reads ? (reads.publications ?? []).includes('COMPONENT_STATUS') : /"(status|componentStatus)"\s*:/.test(answer)
  return showsStatus ? Math.min(ttlSeconds, STATUS_ANSWER_MAX_AGE_SECONDS) : ttlSeconds
}

/**
 * An entry keeps what its answer read beside it, so that an answer from the
 * cache is audited with the projects and publications it shows: a tag, the
 * reads as JSON, a newline, then the answer's bytes as they are sent.
 */
const READS_TAG = 'hd4res-reads:'
const READS_TAG_BYTES = Buffer.from(READS_TAG)

export function cachedAnswer(answer: string, reads: Partial<Reads> | undefined): string {
  return `${READS_TAG}${JSON.stringify(reads ?? {})}\n${answer}`
}

/**
 * The answer's bytes and what it read. Null for an entry that does not say
 * what it read (stored by an older gateway): it is treated as a miss, so the
 * operation runs and is audited in full.
 */
export function readCachedAnswer(entry: Buffer): { answer: Buffer; reads: Partial<Reads> } | null {
  if (!entry.subarray(0, READS_TAG_BYTES.length).equals(READS_TAG_BYTES)) return null
  const newline = entry.indexOf(0x0a, READS_TAG_BYTES.length)
  if (newline < 0) return null
  try {
    const reads = readsFrom(JSON.parse(entry.toString('utf8', READS_TAG_BYTES.length, newline)))
    return reads ? { answer: entry.subarray(newline + 1), reads } : null
  } catch {
    return null
  }
}

/**
 * Where a miss at the current data version may find a stale answer: the same
 * operation, variables, language and researcher (the very identity part of
 * the key) at the version held just before, while less than `staleSeconds`
 * have passed since this process saw the change. Null when there is none to
 * look for: the bound is 0 or past, no change was seen, the request was keyed
 * at the previous version itself, or the operation is not cached at all.
 * Only the version just before: an older one is never looked at.
 */
export function staleKeyFor(
  operation: OperationRequest,
  identity: Identity,
  language: string | undefined,
  current: string,
  previous: PreviousVersion | undefined,
  staleSeconds: number,
  now: number,
): string | null {
  if (!(staleSeconds > 0) || !previous || previous.version === current) return null
  const age = now - previous.changedAt
  if (age < 0 || age >= staleSeconds * 1000) return null
  return cacheKey(operation, identity, previous.version, language)
}
