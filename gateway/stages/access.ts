/**
 * Who the signed-in researcher is to the graph: the projects they may see,
 * asked of the registry (access.ts) at the store's current data version. The
 * version is read first, so a change it finds clears the memberships this
 * request then asks for; it keys the response cache and every subgraph call
 * carries it as a hint.
 *
 * Both come from the participants subgraph. While it cannot answer, the last
 * version read and the last memberships it gave answer for a bounded time
 * (HD4RES_MEMBERSHIPS_STALE_MS), so the graph, and the response cache with
 * it, keeps answering what it answered; past that, the request is refused
 * 503 SERVICE_UNAVAILABLE with Retry-After, and audited as such.
 */
import type { Identity } from '../../platform/identity.js'
import { ASK_AGAIN_AFTER_MS, MEMBERSHIPS_RETRY_AFTER_SECONDS, type MembershipWindows } from '../access.js'
import { dataVersionUnavailable, GatewayError } from '../errors.js'
import { mayAnswerFromCache } from '../responseCache.js'
import { refuse, type Stage } from './stage.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The researcher with their visible projects: the identity every subgraph call carries, signed. */
    researcher?: Identity
    dataVersion?: string
  }
}

/** One log line a minute at most while the last known state answers: an outage of participants is seen, not shouted. */
const STALE_LOG_EVERY_MS = 60_000

export const access: Stage = {
  name: 'access',
  register(app, { access: memberships, cache, dataVersion, limits, logger }) {
    let staleLogged = 0
    const windows: MembershipWindows = {
      freshMs: limits.membershipsTtlMs,
      staleMs: limits.membershipsStaleMs,
      onStale: (ageMs, reason) => {
        if (Date.now() - staleLogged < STALE_LOG_EVERY_MS) return
        staleLogged = Date.now()
        logger.warn({ err: reason, ageMs }, 'participants cannot answer: memberships answer from the last known state')
      },
    }
    // The last version read, for while participants cannot say it, and when it last could not (it is not asked again at once).
    let lastVersion: { version: string; at: number } | undefined
    let failedAt = -Infinity
    const lastKnownVersion = () =>
      lastVersion && Date.now() - lastVersion.at < limits.membershipsStaleMs ? lastVersion.version : undefined
    const versionNow = async (): Promise<string | undefined> => {
      if (Date.now() - failedAt < ASK_AGAIN_AFTER_MS) return lastKnownVersion()
      try {
        const version = await dataVersion.current()
        lastVersion = { version, at: Date.now() }
        return version
      } catch {
        // Without a version the cache is not asked (and its refusal is logged below).
        failedAt = Date.now()
        return lastKnownVersion()
      }
    }

    app.addHook('preHandler', async (request, reply) => {
      request.dataVersion = await versionNow()
      // The response cache cannot key an answer without the version; the subgraphs read it themselves when the hint is missing.
      if (request.dataVersion === undefined && cache && mayAnswerFromCache(request)) {
        const refusal = dataVersionUnavailable(MEMBERSHIPS_RETRY_AFTER_SECONDS)
        logger.warn({ requestId: request.id }, refusal.message)
        return refuse(reply, refusal)
      }
      try {
        request.researcher = await memberships.identityFor(request.claims!, windows)
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error
        logger.warn({ requestId: request.id, err: error.cause ?? error }, error.message)
        return refuse(reply, error)
      }
    })
  },
}
