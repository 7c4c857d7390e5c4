/**
 * A subgraph's log, in the deployment's one format (platform/log.ts): pino
 * JSON lines named `hd4res-<subgraph>`, at the deployment's level
 * (LOG_LEVEL). Every line written while a request is served carries
 * `requestId`, the id the gateway sent in x-request-id, and with tracing on
 * the trace's ids, so that one request's lines are found together across the
 * gateway and every subgraph it called. Each request leaves one access line
 * at info as its answer leaves (logRequests).
 */
import { randomUUID } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import type { FastifyInstance } from 'fastify'
import { createLogger, enterRequest, type DestinationStream, type Logger } from '../../../platform/log.js'
import { METRICS_PATH, statusOutcome } from '../../../platform/metrics.js'
import { REQUEST_ID_HEADER } from '../../../platform/headers.js'

export type { Logger }

export function subgraphLogger(subgraph: string, level = 'info', destination?: DestinationStream): Logger {
  return createLogger({ name: `hd4res-${subgraph}`, level, destination })
}

/**
 * The request id a subgraph answers under: the gateway's, which the gateway
 * has made or checked; a call that names none (a probe, a test calling the
 * subgraph directly) gets one of its own.
 */
export function receivedRequestId(headers: IncomingHttpHeaders): string {
  const given = headers[REQUEST_ID_HEADER]
  return typeof given === 'string' && /^[\w.:-]{1,100}$/.test(given) ? given : randomUUID()
}

/** Probes and scrapes, every few seconds from the orchestrator and Prometheus: their lines are at debug. */
const ROUTINE_PATHS = new Set(['/healthz', '/readyz', METRICS_PATH])

const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/

/** The operation a GraphQL request names, when it names one that is a GraphQL name (nothing a caller made up beyond that). */
function operationOf(body: unknown): string | undefined {
  if (Array.isArray(body)) return '(batch)'
  const name = (body as { operationName?: unknown } | undefined)?.operationName
  return typeof name === 'string' && OPERATION_NAME.test(name) ? name : undefined
}

/**
 * Enters each request as it arrives (its lines name it), and writes one
 * access line as its answer leaves: method, route, status, outcome, the
 * operation's name and milliseconds. Never the query, its variables or the
 * identity header.
 */
export function logRequests(app: FastifyInstance, log: Logger): void {
  app.addHook('onRequest', (request, _reply, done) => {
    enterRequest(request.id)
    done()
  })
  app.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? '(no route)'
    const line = {
      requestId: request.id,
      method: request.method,
      route,
      status: reply.statusCode,
      outcome: request.graphqlOutcome ?? statusOutcome(reply.statusCode),
      operation: operationOf(request.body),
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
    }
    if (ROUTINE_PATHS.has(route)) log.debug(line, 'request')
    else log.info(line, 'request')
    done()
  })
}
