/**
 * A subgraph's log, written as the gateway writes its own: pino JSON lines,
 * named `hd4res-<subgraph>`, at the deployment's level (LOG_LEVEL). A line
 * about a request carries `requestId`, the id the gateway sent in
 * x-request-id, so that one request's lines are found together across the
 * gateway and every subgraph it called.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { pino, type DestinationStream, type Logger } from 'pino'
import { REQUEST_ID_HEADER } from '../../../platform/headers.js'

export type { Logger }

export function subgraphLogger(subgraph: string, level = 'info', destination?: DestinationStream): Logger {
  const options = { name: `hd4res-${subgraph}`, level }
  return destination ? pino(options, destination) : pino(options)
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
