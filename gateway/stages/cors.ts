/**
 * Cross-origin frontends (CORS, @fastify/cors): the pages of the origins
 * HD4RES_CORS_ORIGINS names, each exactly, may call the API from a browser
 * with a researcher's token; no other origin may, and with none named the
 * gateway answers no cross-origin request at all. Same-origin pages
 * (GraphiQL) need none of it.
 *
 * A browser asks first (a preflight, OPTIONS without credentials: it leaves
 * the token out), so the preflight is answered as it arrives, before the
 * route's stages: sign-in would refuse it, and it is no researcher's request.
 * The API's own answers carry the CORS headers from their first hook on, so
 * a frontend can read a refusal (401, 429 and its Retry-After) too.
 *
 * Apollo's CSRF prevention (apollo.ts) still stands beside this: a request a
 * browser sends cross-origin without a preflight is refused by Apollo
 * whatever its origin, and one with a preflight is sent only if the origin
 * is allowed here.
 */
import fastifyCors from '@fastify/cors'
import type { FastifyRequest } from 'fastify'
import { REQUEST_ID_HEADER } from '../../platform/headers.js'
import { GatewayError, CODES } from '../errors.js'
import { CACHE_HEADER } from '../responseCache.js'
import { refuse, type Stage } from './stage.js'

/** What a frontend sends: its token and body, the request id, Apollo Client's names and CSRF headers, trace context. */
export const CORS_ALLOWED_HEADERS = [
  'authorization',
  'content-type',
  REQUEST_ID_HEADER,
  'apollographql-client-name',
  'apollographql-client-version',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'traceparent',
  'tracestate',
]

/** What a frontend may read of an answer besides the safelisted headers: the request id, the cache's word, when to retry. */
export const CORS_EXPOSED_HEADERS = [REQUEST_ID_HEADER, CACHE_HEADER, 'retry-after']

const isPreflight = (request: FastifyRequest) =>
  request.method === 'OPTIONS' && request.headers.origin !== undefined && request.headers['access-control-request-method'] !== undefined

function originRefused(origin: string): GatewayError {
  return new GatewayError(
    CODES.FORBIDDEN,
    `Pages from ${origin} may not call this API from a browser: HD4RES_CORS_ORIGINS names the origins that may`,
  )
}

export const cors: Stage = {
  name: 'cors',
  async register(app, { options }) {
    const origins = new Set(options.cors?.origins ?? [])
    if (origins.size === 0) return
    // A preflight from another origin is refused in so many words, and with no Access-Control-Allow-* header.
    app.addHook('onRequest', async (request, reply) => {
      if (isPreflight(request) && !origins.has(request.headers.origin!)) {
        return refuse(reply.header('vary', 'Origin'), originRefused(request.headers.origin!))
      }
    })
    await app.register(fastifyCors, {
      // Only an allowed origin gets any CORS header; the answer varies by Origin either way.
      origin: (origin, callback) => callback(null, origin !== undefined && origins.has(origin)),
      credentials: true,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: CORS_ALLOWED_HEADERS,
      exposedHeaders: CORS_EXPOSED_HEADERS,
      maxAge: options.cors!.maxAgeSeconds,
      strictPreflight: true,
    })
  },
}
