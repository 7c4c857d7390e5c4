/**
 * The access log: one line at info for every request the gateway answers, as
 * its answer leaves, and the request entered as it arrives so that every line
 * written meanwhile, by any stage, names its id (platform/log.ts). First on
 * the route, so that its onRequest hook runs before any other.
 *
 * A line says how the request went (method, route, status, outcome,
 * operation, milliseconds, bytes sent, the response cache's hit or miss) and
 * who asked by the token's subject only, the pseudonymous id the audit trail
 * keeps (researcherId). Never the token, the researcher's name, the query's
 * text or its variables, and never the URL's query string (a GET's variables
 * travel there): the route is the route's pattern.
 */
import type { FastifyReply, FastifyRequest } from 'fastify'
import { enterRequest } from '../../platform/log.js'
import { METRICS_PATH, statusOutcome } from '../../platform/metrics.js'
import { CACHE_HEADER } from '../responseCache.js'
import type { Stage } from './stage.js'

/** Probes and scrapes, every few seconds from the orchestrator and Prometheus: their lines are at debug. */
const ROUTINE_ROUTES = new Set(['/healthz', '/readyz', METRICS_PATH])

/** The bytes of the answer's body, when it says (fastify sets content-length on every answer it serialises). */
function bytesSent(reply: FastifyReply): number | undefined {
  const length = Number(reply.getHeader('content-length'))
  return Number.isFinite(length) ? length : undefined
}

/** What one access line says of a request; `route` is the route's pattern, or "(no route)" for a 404. */
export function accessLine(request: FastifyRequest, reply: FastifyReply): Record<string, unknown> {
  const cache = reply.getHeader(CACHE_HEADER)
  return {
    requestId: request.id,
    method: request.method,
    route: request.routeOptions.url ?? '(no route)',
    status: reply.statusCode,
    // As the metrics label them: the GraphQL layer's outcome, a refusal's code, or else by the status.
    outcome: request.graphqlOutcome ?? statusOutcome(reply.statusCode),
    operation: request.graphqlOperation,
    durationMs: Math.round(reply.elapsedTime * 10) / 10,
    bytes: bytesSent(reply),
    cache: typeof cache === 'string' ? cache : undefined,
    researcherId: request.claims?.sub,
  }
}

export const accessLog: Stage = {
  name: 'access log',
  register(app, { logger }) {
    // Plain callbacks: a cached answer passes them without waiting for anything.
    app.addHook('onRequest', (request, _reply, done) => {
      enterRequest(request.id)
      done()
    })
    app.addHook('onResponse', (request, reply, done) => {
      const line = accessLine(request, reply)
      if (ROUTINE_ROUTES.has(line.route as string)) logger.debug(line, 'request')
      else logger.info(line, 'request')
      done()
    })
  },
}
