/**
 * The HTTP front door: Apollo Server with @apollo/gateway on fastify. It signs
 * researchers in, asks the registry which projects they may see, and forwards
 * each subgraph request with a signed identity header and the request id. It
 * refuses hostile requests before anything executes, answers repeated
 * questions from the response cache, leaves an audit record of every answer,
 * answers /healthz, /readyz and /metrics, and serves GraphiQL where enabled.
 *
 * A request's route is the list of stages below (stages/), each wiring one of
 * the gateway's modules in; the modules themselves are made and opened in
 * assemble.ts.
 */
import type { ApolloServer } from '@apollo/server'
import Fastify, { type FastifyInstance } from 'fastify'
import { subgraphNamesIn } from '../platform/supergraphFile.js'
import { assemble } from './assemble.js'
import { csvExport } from './export.js'
import type { GatewayContext, GatewayOptions } from './options.js'
import { access } from './stages/access.js'
import { accessLog } from './stages/accessLog.js'
import { audit } from './stages/audit.js'
import { cors } from './stages/cors.js'
import { httpErrors } from './stages/errors.js'
import { graphiql } from './stages/graphiql.js'
import { apollo, graphqlRoute } from './stages/graphql.js'
import { health } from './stages/health.js'
import { inputs } from './stages/inputs.js'
import { language } from './stages/language.js'
import { limits } from './stages/limits.js'
import { metricsRoute, requestMetrics } from './stages/metrics.js'
import { addressRateLimit, researcherRateLimit } from './stages/rateLimits.js'
import { requestId, requestIdOf } from './stages/requestId.js'
import { responseCache } from './stages/responseCache.js'
import { signIn } from './stages/signIn.js'
import { registerStages, type Stage } from './stages/stage.js'

export type { GatewayContext, GatewayOptions } from './options.js'
export { CACHE_HEADER } from './responseCache.js'

/**
 * /graphql, in the order a request meets it. Hooks of one kind run in the
 * order they are added, so the preHandlers run as listed; the per-address rate
 * limit is the route's only onRequest hook, the audit's note its only
 * preValidation hook, and the audit's record its last onSend hook.
 */
const GRAPHQL_ROUTE: readonly Stage[] = [
  // Counts every answer; its onSend comes first, so a refusal is counted by its code.
  requestMetrics,
  // onRequest: before the body is even read.
  addressRateLimit,
  // Batch size, tokens, the safelist (the body's size is fastify's, in httpErrors).
  limits,
  // Nesting and characters of what was sent, before anything walks it (the cache key, GraphQL).
  inputs,
  signIn,
  // Once sign-in knows who asks.
  researcherRateLimit,
  // The data version, then the researcher's memberships at it.
  access,
  // The language of the answer's texts: part of the cache's key, passed on to every subgraph.
  language,
  // Answers from the cache before GraphQL runs; stores Apollo's answers as they leave.
  responseCache,
  // The record, as each answer's last step.
  audit,
  apollo,
]

const ROUTE: readonly Stage[] = [
  // First: its onRequest hook enters the request, so every later line names it; its access line as the answer leaves.
  accessLog,
  requestId,
  httpErrors,
  // Its onRequest hooks come before the GraphQL route's: a preflight is answered before any of them.
  cors,
  health,
  metricsRoute,
  graphiql,
  graphqlRoute(GRAPHQL_ROUTE),
  // CSV downloads, each page of one an operation sent through the GraphQL route above (export.ts).
  csvExport,
]

export interface RunningGateway {
  app: FastifyInstance
  apollo: ApolloServer<GatewayContext>
  /** Ships the audit spool now; true when the store has every record (always, with the audit off). */
  flushAudit(): Promise<boolean>
}

export async function createGateway(options: GatewayOptions): Promise<RunningGateway> {
  const missing = subgraphNamesIn(options.supergraphSdl).filter((n) => !options.subgraphUrls[n])
  if (missing.length > 0) throw new Error(`No address configured for subgraph(s) ${missing.join(', ')}`)
  const app = Fastify({
    logger: false,
    bodyLimit: options.limits.maxBodyBytes,
    genReqId: requestIdOf,
    // request.ip, which the address rate limit and the audit record take: X-Forwarded-For through trusted hops only.
    trustProxy: options.trustedProxies?.length ? [...options.trustedProxies] : false,
  })
  const context = await assemble(app, options)
  try {
    await registerStages(app, ROUTE, context)
  } catch (error) {
    // What was opened (the version stream, the cache's and subgraphs' connections, the audit spool) closes with the app.
    await app.close().catch(() => undefined)
    throw error
  }
  return { app, apollo: context.apollo, flushAudit: async () => (context.audit ? context.audit.flush() : true) }
}
