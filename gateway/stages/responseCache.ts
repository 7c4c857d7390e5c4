/**
 * The response cache (responseCache.ts) on the route: a stored answer is sent
 * before GraphQL runs, from the researcher's identity and the data version
 * the stages before found; an answer Apollo gave whole and without errors is
 * stored on its way out. Every answer also says that it is the researcher's
 * own, unless every subgraph said it is the same for everyone.
 *
 * Right after a data version change every entry is stale at once. For
 * HD4RES_RESPONSE_CACHE_STALE_SECONDS after this process saw the change, a
 * miss looks for the same researcher's answer at the version just before
 * (staleKeyFor); when there is one it is sent, marked stale and audited with
 * its stored reads as a hit is, and the request is run again in the
 * background through the gateway itself (the same method, address, headers
 * and body, plus REVALIDATE_HEADER so it is not answered stale), which stores
 * the answer at the new version as a miss's is. One recompute per key at a
 * time, a few at once, a bounded queue (revalidation.ts).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify'
import type { Logger } from 'pino'
import {
  answerTtlSeconds,
  CACHE_HEADER,
  CACHE_VERSION_HEADER,
  cacheKey,
  cachedAnswer,
  mayAnswerFromCache,
  readCachedAnswer,
  REVALIDATE_HEADER,
  staleKeyFor,
  type CacheStore,
  type OperationRequest,
} from '../responseCache.js'
import type { DataVersion } from '../dataVersion.js'
import { revalidationQueue, type RevalidationQueue } from '../revalidation.js'
import type { Stage } from './stage.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The answer's key in the cache; null when it must not be cached. */
    cacheKey?: string | null
  }
}

/** Headers the recompute does not copy: the body is sent again as JSON (its length may differ), and the answer is not read. */
const NOT_COPIED = new Set(['content-length', 'transfer-encoding', 'connection', 'accept-encoding', 'x-request-id', REVALIDATE_HEADER])

/** The request again, through the gateway itself, not to be answered stale: a miss, whose answer is stored at the version now. */
function recompute(app: FastifyInstance, request: FastifyRequest): () => Promise<void> {
  const headers: Record<string, string | string[]> = { [REVALIDATE_HEADER]: '1' }
  for (const [name, value] of Object.entries(request.headers)) if (value !== undefined && !NOT_COPIED.has(name)) headers[name] = value
  const options = {
    method: request.method as 'POST',
    url: request.url,
    headers,
    payload: JSON.stringify(request.body),
    remoteAddress: request.socket.remoteAddress,
  }
  return async () => {
    await app.inject(options)
  }
}

interface StaleAnswers {
  dataVersion: DataVersion
  staleSeconds: number
  queue: RevalidationQueue
  app: FastifyInstance
}

function answerFromCache(cache: CacheStore, stale: StaleAnswers | null) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!mayAnswerFromCache(request)) return
    const operation = request.body as OperationRequest
    const key = cacheKey(operation, request.researcher!, request.dataVersion!, request.language)
    request.cacheKey = key
    const entry = key ? await cache.get(key) : undefined
    const hit = entry ? readCachedAnswer(entry) : null
    if (hit) {
      if (request.audit) request.audit.cachedReads = hit.reads
      return reply.header(CACHE_HEADER, 'hit').type('application/json; charset=utf-8').send(hit.answer)
    }
    if (!key) return
    if (stale && request.headers[REVALIDATE_HEADER] === undefined) {
      const previous = stale.dataVersion.previous()
      const { staleSeconds } = stale
      const staleKey = staleKeyFor(
        operation,
        request.researcher!,
        request.language,
        request.dataVersion!,
        previous,
        staleSeconds,
        Date.now(),
      )
      const old = staleKey ? await cache.get(staleKey) : undefined
      const answer = old ? readCachedAnswer(old) : null
      if (answer) {
        stale.queue.schedule(key, recompute(stale.app, request))
        if (request.audit) request.audit.cachedReads = answer.reads
        return reply
          .header(CACHE_HEADER, 'stale')
          .header(CACHE_VERSION_HEADER, previous!.version)
          .type('application/json; charset=utf-8')
          .send(answer.answer)
      }
    }
    reply.header(CACHE_HEADER, 'miss')
  }
}

function storeAnswers(cache: CacheStore | null, ttlSeconds: number, logger: Logger): onSendHookHandler {
  return (request, reply, payload, done) => {
    // Answers are a researcher's own unless every subgraph said they are the same for everyone.
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'private, no-store')
    // Keep what Apollo answered whole and without errors, for the next time.
    if (!cache || !request.cacheKey || reply.statusCode !== 200 || reply.getHeader(CACHE_HEADER) !== 'miss') return done(null, payload)
    const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null
    if (!text || text.includes('"errors"')) return done(null, payload)
    // Stored before the answer leaves, so the next request finds it; a store that fails costs only the entry.
    // What the answer read is kept with it: an answer from the cache is audited with it.
    // An answer with component status is kept no longer than status may be old (answerTtlSeconds).
    const reads = request.audit?.operations[0]?.reads?.toJSON()
    cache
      .set(request.cacheKey, cachedAnswer(text, reads), answerTtlSeconds(ttlSeconds, request.audit ? (reads ?? {}) : undefined, text))
      .catch((error: unknown) => logger.warn({ requestId: request.id, err: error }, 'response cache: the answer could not be stored'))
      .then(() => done(null, payload))
      .catch((error: unknown) => logger.error({ requestId: request.id, err: error }, 'the answer could not be sent'))
  }
}

export const responseCache: Stage = {
  name: 'response cache',
  register(app, { cache, options, logger, dataVersion }) {
    const staleSeconds = options.responseCache?.staleSeconds ?? 0
    let stale: StaleAnswers | null = null
    if (cache && staleSeconds > 0) {
      const queue = revalidationQueue({
        concurrency: options.responseCache?.recomputes,
        onError: (error) => logger.warn({ err: error }, 'response cache: a stale answer could not be recomputed'),
      })
      stale = { dataVersion, staleSeconds, queue, app }
      app.addHook('onClose', async () => queue.close())
    }
    if (cache) app.addHook('preHandler', answerFromCache(cache, stale))
    app.addHook('onSend', storeAnswers(cache, options.responseCache?.ttlSeconds ?? 0, logger))
  },
}
