/**
 * The modules a gateway is made of, made from its options and opened in the
 * order in which they may fail (the Apollo server, then the response cache's
 * store, the data version's stream, and last the audit spool, whose lock only
 * closing the app lets go), and closed with the app. What they are together
 * is what every stage of the request route is given (StageContext). The
 * HTTP server itself is given its deadlines for slow clients here too.
 */
import type { Server } from 'node:http'
import type { ApolloServer } from '@apollo/server'
import type { FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { GatewayLimits, GatewayPerformanceSettings } from '../platform/settings.js'
import { createAccessResolver, type AccessResolver } from './access.js'
import { startApollo } from './apollo.js'
import { createAuditTrail, type AuditTrail } from './audit.js'
import { dataVersionSource, type DataVersion } from './dataVersion.js'
import { createGatewayMetrics, type GatewayMetrics } from './metrics.js'
import type { GatewayContext, GatewayOptions } from './options.js'
import { rateLimits, type RateLimits } from './protection.js'
import { openResponseCache, type CacheStore } from './responseCache.js'
import { subgraphAgent, subgraphCaller } from './subgraphClient.js'

export interface StageContext {
  readonly options: GatewayOptions
  readonly limits: GatewayLimits
  readonly logger: Logger
  readonly metrics: GatewayMetrics
  readonly apollo: ApolloServer<GatewayContext>
  /** Which projects a signed-in researcher may see. */
  readonly access: AccessResolver
  readonly rates: RateLimits
  /** The store's data version: the response cache's keys, and the hint each subgraph call carries. */
  readonly dataVersion: DataVersion
  /** Null when the response cache is off. */
  readonly cache: CacheStore | null
  /** Null when the audit is off (HD4RES_AUDIT=off, for the benchmark only). */
  readonly audit: AuditTrail | null
}

const DEFAULT_PERFORMANCE: GatewayPerformanceSettings = {
  workers: '1',
  semiSpaceMb: 0,
  heapMb: 'auto',
  keepAlive: true,
  subgraphConnections: 64,
  documentCacheMb: 30,
  queryPlanCacheMb: 30,
  compiledShaping: true,
}

/**
 * How long a client may hold a socket without finishing what it sends: its
 * headers within HD4RES_HEADERS_TIMEOUT_MS, its whole request (headers and
 * body) within HD4RES_REQUEST_TIMEOUT_MS, counted from its first byte, and
 * between requests a kept-alive connection may idle HD4RES_KEEP_ALIVE_TIMEOUT_MS.
 * Fastify turns Node's request timeout off and leaves the headers' at Node's
 * 60 s, so headers or a body trickled a byte at a time held a socket for as
 * long as the client liked; fastify's connectionTimeout would not help, as
 * every byte starts its idle time again. Node looks for requests past their
 * time only every connectionsCheckingInterval (30 s unless told), read as the
 * server starts listening: every second, or a quarter of the shorter timeout
 * when that is less, closes each socket within its time and that interval.
 */
function limitSlowClients(server: Server, limits: GatewayLimits): void {
  server.headersTimeout = limits.headersTimeoutMs
  server.requestTimeout = limits.requestTimeoutMs
  server.keepAliveTimeout = limits.keepAliveTimeoutMs
  const interval = Math.min(1000, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4))
  // Not in Node's typings, though createServer takes it as an option and the server reads it as it starts listening.
  Object.assign(server, { connectionsCheckingInterval: Math.max(25, interval) })
}

export async function assemble(app: FastifyInstance, options: GatewayOptions): Promise<StageContext> {
  const { limits, logger } = options
  limitSlowClients(app.server, limits)
  const metrics = createGatewayMetrics()
  const performance = options.performance ?? DEFAULT_PERFORMANCE
  // One pool of kept-alive connections per process, shared by every subgraph call (a deadline on each);
  // with HD4RES_SUBGRAPH_KEEPALIVE=off each call closes its connection (only to measure the difference).
  const agent = subgraphAgent({ connections: performance.subgraphConnections, keepAliveMs: 30_000 })
  const callSubgraph = subgraphCaller(agent, limits.subgraphTimeoutMs, performance.keepAlive)
  const participantsUrl = options.subgraphUrls.participants!
  const access = createAccessResolver({ participantsUrl, secret: options.identitySecret })
  const rates = rateLimits(limits)
  const audit = options.audit
    ? createAuditTrail({ ...options.audit, participantsUrl, identitySecret: options.identitySecret, logger, registry: metrics.registry })
    : null
  const apollo = await startApollo(app, options, { metrics, audit, performance, callSubgraph })

  const cache = await openResponseCache(options.responseCache)
  // Memberships are asked again when the registry version moves (researchers or memberships changed), not on every import.
  const dataVersion = dataVersionSource({
    participantsUrl,
    secret: options.identitySecret,
    freshnessMs: options.responseCache?.versionCheckMs ?? 1000,
    onChange: (_version, { registryChanged }) => {
      if (registryChanged) access.clear()
    },
  })
  // Opened last, once nothing before can fail: the spool holds a lock that only closing the app lets go.
  audit?.open()
  app.addHook('onClose', async () => {
    dataVersion.close()
    // Its last shipping round, while the participants subgraph may still answer.
    await audit?.close()
    await cache?.close()
    await agent.close()
  })
  return { options, limits, logger, metrics, apollo, access, rates, dataVersion, cache, audit }
}
