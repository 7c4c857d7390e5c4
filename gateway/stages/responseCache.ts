/**
 * The response cache (responseCache.ts) on the route: a stored answer is sent
 * before GraphQL runs, from the researcher's identity and the data version
 * the stages before found; an answer Apollo gave whole and without errors is
 * stored on its way out. Every answer also says that it is the researcher's
 * own, unless every subgraph said it is the same for everyone.
 */
import type { FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify'
import type { Logger } from 'pino'
import {
  answerTtlSeconds,
  CACHE_HEADER,
  cacheKey,
  cachedAnswer,
  mayAnswerFromCache,
  readCachedAnswer,
  type CacheStore,
  type OperationRequest,
} from '../responseCache.js'
import type { Stage } from './stage.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The answer's key in the cache; null when it must not be cached. */
    cacheKey?: string | null
  }
}

function answerFromCache(cache: CacheStore) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (!mayAnswerFromCache(request)) return
    const key = cacheKey(request.body as OperationRequest, request.researcher!, request.dataVersion!, request.language)
    request.cacheKey = key
    const entry = key ? await cache.get(key) : undefined
    const hit = entry ? readCachedAnswer(entry) : null
    if (hit) {
      if (request.audit) request.audit.cachedReads = hit.reads
      return reply.header(CACHE_HEADER, 'hit').type('application/json; charset=utf-8').send(hit.answer)
    }
    if (key) reply.header(CACHE_HEADER, 'miss')
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
  register(app, { cache, options, logger }) {
    if (cache) app.addHook('preHandler', answerFromCache(cache))
    app.addHook('onSend', storeAnswers(cache, options.responseCache?.ttlSeconds ?? 0, logger))
  },
}
