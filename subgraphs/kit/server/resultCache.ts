/**
 * A subgraph's answers, kept within one version of the store. The data change
 * once a day (each import bumps `ops.data_version`), so the answer to the same
 * query with the same variables for the same researcher is the same until the
 * next import. The key holds the researcher's id, roles and projects, so no
 * answer crosses researchers. The store's version is read for every request
 * (concurrent requests share one read), except when the gateway's call names
 * the version it last read and this subgraph read the same one moments ago
 * (DATA_VERSION_HEADER), so an import takes effect as soon as the gateway sees it.
 * Entries also expire after `ttlSeconds`, for answers that move with the clock
 * (availability over the last day). Answers with errors are never kept.
 * When the version cannot be read (the store unreachable), the request is
 * answered without the cache: its fields then say what failed, by name.
 */
import { DATA_VERSION_HEADER, LANGUAGE_HEADER, SUBGRAPH_CACHE_HEADER } from '../../../platform/headers.js'
import { languageOf } from '../i18n/texts.js'
import type { ResultCacheSettings } from '../../../platform/settings.js'
import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { LRUCache } from 'lru-cache'
import type { Queryable } from '../store/db.js'
import { readDataVersion } from '../store/ops.js'

declare module 'fastify' {
  interface FastifyRequest {
    resultKey?: string
  }
}

/**
 * The store's version, read once for all the requests that ask at the same
 * time. A caller that names the version it expects (the gateway's hint) is
 * answered from the last read when that read found the same version less than
 * `trustMs` ago; every other caller gets a fresh read.
 */
export function storeVersion(db: Queryable, trustMs = 0): (expected?: string) => string | Promise<string> {
  let pending: Promise<string> | null = null
  let known: { version: string; at: number } | null = null
  return (expected) => {
    if (expected !== undefined && known?.version === expected && Date.now() - known.at < trustMs) return known.version
    pending ??= readDataVersion(db)
      .then((version) => {
        known = { version, at: Date.now() }
        return version
      })
      .finally(() => {
        pending = null
      })
    return pending
  }
}

interface GraphQLBody {
  query?: unknown
  operationName?: unknown
  variables?: unknown
}

/** Only plain read operations sent with their text are kept. */
function cacheableQuery(body: GraphQLBody | undefined): string | null {
  const query = body?.query
  if (typeof query !== 'string' || query.length > 100_000) return null
  return /^\s*(\{|query\b)/.test(query) ? query : null
}

/** `maxAgeSeconds` caps the TTL for a subgraph whose answers move with the clock (component status). */
export function registerResultCache(app: FastifyInstance, db: Queryable, settings: ResultCacheSettings, maxAgeSeconds?: number): void {
  if (settings.maxMegabytes <= 0) return
  const entries = new LRUCache<string, string>({
    maxSize: settings.maxMegabytes * 2 ** 20,
    sizeCalculation: (value, key) => value.length + key.length,
    ttl: Math.min(settings.ttlSeconds, maxAgeSeconds ?? Infinity) * 1000,
  })
  const version = storeVersion(db, settings.versionTrustMs ?? 0)

  app.addHook('preHandler', async (request, reply) => {
    if (request.method !== 'POST' || !request.identity || Array.isArray(request.body)) return
    const body = request.body as GraphQLBody | undefined
    const query = cacheableQuery(body)
    if (!query) return
    const { sub, roles, projects } = request.identity
    const hint = request.headers[DATA_VERSION_HEADER]
    let current: string
    try {
      current = await version(typeof hint === 'string' ? hint : undefined)
    } catch {
      return
    }
    const key = createHash('sha256')
      .update(
        JSON.stringify([
          current,
          query,
          body?.operationName ?? null,
          body?.variables ?? null,
          sub,
          [...roles].sort(),
          [...projects].sort(),
          languageOf(request.headers[LANGUAGE_HEADER]),
        ]),
      )
      .digest('base64url')
    const hit = entries.get(key)
    if (hit !== undefined) return reply.header(SUBGRAPH_CACHE_HEADER, 'hit').type('application/json; charset=utf-8').send(hit)
    request.resultKey = key
    reply.header(SUBGRAPH_CACHE_HEADER, 'miss')
  })

  app.addHook('onSend', async (request, reply, payload) => {
    if (!request.resultKey || reply.statusCode !== 200) return payload
    const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null
    if (text && !text.includes('"errors"')) entries.set(request.resultKey, text)
    return payload
  })
}
