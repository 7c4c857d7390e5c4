/**
 * The request id: a caller's own travels on when it is a plain token,
 * otherwise the gateway makes one. Every answer carries it back, every log
 * line and audit record of the request names it, and every subgraph call
 * passes it on.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import { REQUEST_ID_HEADER } from '../../platform/headers.js'
import type { Stage } from './stage.js'

/** fastify's genReqId: the caller's id, or a new one. */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers[REQUEST_ID_HEADER]
  return typeof given === 'string' && /^[\w.:-]{8,100}$/.test(given) ? given : randomUUID()
}

export const requestId: Stage = {
  name: 'request id',
  register(app) {
    // Hooks that need not wait for anything are plain callbacks: a cached answer passes each of them.
    app.addHook('onRequest', (request, reply, done) => {
      reply.header(REQUEST_ID_HEADER, request.id)
      done()
    })
  },
}
