/**
 * The rate limits (protection.ts), at their two places on the route: per
 * client address as the request arrives, before any work; per researcher
 * once sign-in has verified who it is. Past either, 429 with Retry-After.
 *
 * The per-researcher limit is the one that holds: a token names who asks,
 * wherever the request comes from. The address limit is a coarse guard in
 * front of sign-in, against floods that carry no valid token. Its address is
 * request.ip: the socket's, or, behind the proxies HD4RES_TRUSTED_PROXIES
 * names, the first address in X-Forwarded-For that is not one of them, read
 * from the right (fastify's trustProxy, in server.ts). A client cannot give
 * itself a fresh allowance by writing that header: hops it added itself lie
 * to the left of the first untrusted one, and without trusted proxies the
 * header is ignored.
 *
 * The limits count operations, not HTTP requests: a batch of ten costs ten,
 * or batching would multiply every limit by HD4RES_MAX_BATCH. The address is
 * charged one as the request arrives (its body unread, a flood is turned
 * away unparsed) and the rest of a batch's operations once the body is read.
 */
import type { FastifyReply } from 'fastify'
import { RateLimited } from '../protection.js'
import { refuse, type Stage } from './stage.js'

/**
 * The operations a request asks for: a batch's length, else one. A batch over
 * HD4RES_MAX_BATCH counts as the most a batch may hold: the limits stage
 * refuses it, and nothing of it runs.
 */
export function operationCount(body: unknown, maxBatch: number): number {
  return Array.isArray(body) ? Math.min(Math.max(body.length, 1), maxBatch) : 1
}

/** Charges `count` operations, one at a time (the limiter counts one a call): a refusal on the way is the answer. */
async function charge(count: number, take: () => Promise<void>, reply: FastifyReply): Promise<FastifyReply | undefined> {
  try {
    for (let i = 0; i < count; i++) await take()
  } catch (error) {
    if (!(error instanceof RateLimited)) throw error
    return refuse(reply, error)
  }
  return undefined
}

export const addressRateLimit: Stage = {
  name: 'rate limit per address',
  register(app, { rates, limits }) {
    app.addHook('onRequest', async (request, reply) => charge(1, () => rates.address(request.ip), reply))
    // The first of the route's preHandlers: the rest of a batch is charged before anything else works on it.
    app.addHook('preHandler', async (request, reply) => {
      const rest = operationCount(request.body, limits.maxBatch) - 1
      if (rest > 0) return charge(rest, () => rates.address(request.ip), reply)
    })
  },
}

export const researcherRateLimit: Stage = {
  name: 'rate limit per researcher',
  register(app, { rates, limits }) {
    app.addHook('preHandler', async (request, reply) =>
      charge(operationCount(request.body, limits.maxBatch), () => rates.researcher(request.claims!.sub), reply),
    )
  },
}
