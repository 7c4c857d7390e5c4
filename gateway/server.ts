/**
 * The HTTP front door: Apollo Server with @apollo/gateway on fastify. It signs
 * researchers in, asks the registry which projects they may see, and forwards
 * each subgraph request with a signed identity header and the request id. It
 * refuses hostile requests before anything executes (protection.ts), leaves
 * an audit record of every answer (audit.ts), answers /healthz, /readyz and
 * /metrics (metrics.ts), and serves GraphiQL where enabled.
 */
import { randomUUID } from 'node:crypto'
import { ApolloGateway } from '@apollo/gateway'
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server'
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled'
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify'
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify'
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache'
import { GraphQLError, type DocumentNode, type GraphQLFormattedError } from 'graphql'
import type { Logger } from 'pino'
import type { Identity } from '../platform/identity.js'
import { registerMetricsRoute } from '../platform/metrics.js'
import { createAccessResolver } from './access.js'
import { AuthError, type Verifier } from './auth.js'
import { createAuditTrail, RequestAudit, type AuditOptions } from './audit.js'
import type { GatewayLimits, GatewayPerformanceSettings, ResponseCacheSettings } from '../platform/settings.js'
import { registerGraphiQL } from './graphiql.js'
import { REQUEST_ID_HEADER } from '../platform/headers.js'
import { subgraphAgent, subgraphCaller, SubgraphDataSource, type SubgraphCallContext } from './subgraphClient.js'
import { subgraphNamesIn } from '../platform/supergraphFile.js'
import { createGatewayMetrics, type OperationRecord } from './metrics.js'
import { armor, RateLimited, rateLimits, tooManyTokens } from './protection.js'
import { cacheKey, cachedAnswer, memoryStore, readCachedAnswer, redisStore, type CacheStore, type OperationRequest } from './responseCache.js'
import { dataVersionSource } from './dataVersion.js'
import { isSafelisted, NOT_SAFELISTED, type Safelist } from './safelist.js'

export { subgraphUnavailable } from './subgraphClient.js'
export const CACHE_HEADER = 'x-hd4res-cache'

declare module 'fastify' {
  interface FastifyRequest {
    researcher?: Identity
    cacheKey?: string | null
    dataVersion?: string
  }
}

/** Per request: who asks, and what every subgraph call of the request carries (SubgraphCallContext). */
export interface GatewayContext extends SubgraphCallContext {
  identity: Identity
  requestId: string
  /** Where the metrics note the operation's name and outcome: the HTTP request. */
  record?: OperationRecord
  /** Where the audit trail notes each operation and what it read; absent when the audit is off. */
  audit?: RequestAudit
}

export interface GatewayOptions {
  supergraphSdl: string
  /** Each subgraph's GraphQL endpoint, by service name. */
  subgraphUrls: Record<string, string>
  identitySecret: string
  verifier: Verifier
  limits: GatewayLimits
  logger: Logger
  /** Mask unexpected errors' messages (they are logged with the request id). */
  production: boolean
  graphiql?: { enabled: boolean; token?: string }
  introspection: boolean
  /** When given, only these operations are answered. */
  safelist?: Safelist
  responseCache?: ResponseCacheSettings
  /** The bearer token /metrics asks for (HD4RES_METRICS_TOKEN). */
  metricsToken?: string
  /** Connection pool and document/plan cache sizes; the defaults when absent. */
  performance?: GatewayPerformanceSettings
  /** The audit trail's spool and shipping; no audit records when absent (HD4RES_AUDIT=off, for the benchmark only). */
  audit?: AuditOptions
}

const DEFAULT_PERFORMANCE: GatewayPerformanceSettings = { workers: '1', semiSpaceMb: 0, heapMb: 'auto', keepAlive: true, subgraphConnections: 64, documentCacheMb: 30, queryPlanCacheMb: 30 }

/** A query-plan cache that keeps nothing. */
const noPlanCache = { get: async () => undefined, set: async () => undefined, delete: async () => undefined, clear: () => undefined }

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } })
}

/** GraphQL Armor's refusals, with the setting that raises each limit. */
const LIMIT_SETTINGS: [RegExp, string][] = [
  [/Query depth limit/, 'HD4RES_MAX_DEPTH'],
  [/Aliases limit/, 'HD4RES_MAX_ALIASES'],
  [/Token limit/, 'HD4RES_MAX_TOKENS'],
  [/Directives limit/, 'HD4RES_MAX_DIRECTIVES'],
  [/Query Cost limit/, 'HD4RES_MAX_COST'],
]

const CLIENT_ERROR_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'QUERY_TOO_COMPLEX',
  'INVALID_GRAPHQL',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_USER_INPUT',
])

const TRANSPORT_FAILURE = /fetch failed|ECONNREFUSED|ECONNRESET|socket hang up|aborted|timeout|timed out|^\d{3}: /i

/**
 * What a researcher may see of an error: a subgraph that did not answer is
 * named without its address; outside development, unexpected errors keep only
 * their code (the log has the detail, under the same request id).
 */
export function formatGatewayError(production: boolean) {
  return (original: GraphQLFormattedError): GraphQLFormattedError => {
    let formatted = original
    const extensions = { ...formatted.extensions }
    const service = typeof extensions.serviceName === 'string' ? extensions.serviceName : undefined
    const code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR'
    if (code === 'SUBGRAPH_UNAVAILABLE' || code === 'SUBGRAPH_BAD_RESPONSE') return { message: formatted.message, path: formatted.path, extensions: { code, serviceName: service } }
    if (service && TRANSPORT_FAILURE.test(formatted.message)) {
      return {
        message: `The ${service} service did not answer in time or could not be reached; the other fields are complete`,
        path: formatted.path,
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: service },
      }
    }
    const limit = LIMIT_SETTINGS.find(([pattern]) => pattern.test(formatted.message))
    if (limit) {
      // Armor words them as syntax errors; they are limits, so say which.
      return {
        message: `${formatted.message.replace(/^Syntax Error: /, '').replace(/\.$/, '')} (${limit[1]})`,
        extensions: { code: 'QUERY_TOO_COMPLEX' },
      }
    }
    // Suggestions would spell out the schema to someone who may not introspect it.
    if (/ (Did you mean .*|\[Suggestion hidden\]\??)$/.test(formatted.message)) {
      formatted = { ...formatted, message: formatted.message.replace(/ (Did you mean .*|\[Suggestion hidden\]\??)$/, '') }
    }
    if (formatted.message.startsWith('Syntax Error:')) {
      return { message: formatted.message, locations: formatted.locations, extensions: { code: 'GRAPHQL_PARSE_FAILED' } }
    }
    delete extensions.exception
    delete extensions.stacktrace
    delete extensions.response
    // A subgraph's own masked message names only the service: it may stay.
    if (production && code === 'INTERNAL_SERVER_ERROR' && !/^Internal error in the \w+ service$/.test(formatted.message)) {
      return { message: 'Internal server error', path: formatted.path, extensions: { code, ...(service ? { serviceName: service } : {}) } }
    }
    return { ...formatted, extensions: { ...extensions, code } }
  }
}

/** Puts the request id on every error, and logs what went wrong in full. */
function requestIdPlugin(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            const code = error.extensions?.code
            if (code === 'INTERNAL_SERVER_ERROR' || code === undefined || error.extensions?.serviceName) {
              logger.warn({ requestId: contextValue?.requestId, err: error.originalError ?? error, path: error.path }, error.message)
            }
          }
        },
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return
          // Some refusals come from a parser plugin or the query planner and would leave as 500:
          // a request that never ran and was refused for its own content is the client's error.
          const result = response.body.singleResult
          if (!result.data && result.errors?.length && result.errors.every((e) => CLIENT_ERROR_CODES.has(String(e.extensions?.code)))) {
            response.http.status = 400
          }
          const requestId = contextValue?.requestId
          if (!requestId) return
          response.body.singleResult.errors = response.body.singleResult.errors?.map((e) => ({
            ...e,
            extensions: { ...e.extensions, requestId },
          }))
        },
      }
    },
  }
}

function httpError(status: number, code: string, message: string) {
  return { status, body: { errors: [{ message, extensions: { code } }] } }
}

function tooManyRequests(reply: FastifyReply, error: RateLimited) {
  return reply.code(429).header('retry-after', String(error.retryAfterSeconds)).send(httpError(429, 'RATE_LIMITED', error.message).body)
}

/** fastify's own refusals (body too large, not JSON, wrong content type) in the GraphQL error shape. */
function describeHttpError(error: FastifyError, limits: GatewayLimits) {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return httpError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${limits.maxBodyBytes} bytes (HD4RES_MAX_BODY_BYTES)`)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return httpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send GraphQL requests as application/json')
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return httpError(400, 'BAD_REQUEST', 'The request body is empty; send {"query": "…"}')
    default:
      if (error.statusCode === 400 && /JSON/i.test(error.message)) {
        return httpError(400, 'BAD_REQUEST', `The request body is not valid JSON: ${error.message}`)
      }
      return null
  }
}

export interface RunningGateway {
  app: FastifyInstance
  apollo: ApolloServer<GatewayContext>
  /** Ships the audit spool now; true when the store has every record (always, with the audit off). */
  flushAudit(): Promise<boolean>
}

export async function createGateway(options: GatewayOptions): Promise<RunningGateway> {
  const missing = subgraphNamesIn(options.supergraphSdl).filter((n) => !options.subgraphUrls[n])
  if (missing.length > 0) throw new Error(`No address configured for subgraph(s) ${missing.join(', ')}`)
  const { limits, logger } = options
  const metrics = createGatewayMetrics()
  const performance = options.performance ?? DEFAULT_PERFORMANCE
  // One pool of kept-alive connections per process, shared by every subgraph call (a deadline on each);
  // with HD4RES_SUBGRAPH_KEEPALIVE=off each call closes its connection (only to measure the difference).
  const agent = subgraphAgent({ connections: performance.subgraphConnections, keepAliveMs: 30_000 })
  const callSubgraph = subgraphCaller(agent, limits.subgraphTimeoutMs, performance.keepAlive)

  // @apollo/gateway otherwise reports usage metrics to Apollo and probes cloud
  // metadata addresses at start-up: a health-data portal sends nothing out.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true'
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    // 0 MB: every operation is planned afresh (only to measure what the cache saves).
    experimental_approximateQueryPlanStoreMiB: performance.queryPlanCacheMb || undefined,
    queryPlannerConfig: performance.queryPlanCacheMb > 0 ? undefined : { cache: noPlanCache },
    buildService: ({ name }) => {
      const url = options.subgraphUrls[name]
      if (!url) throw new Error(`No address configured for subgraph "${name}"`)
      return new SubgraphDataSource(name, url, options.identitySecret, metrics.timeSubgraphFetch(name, callSubgraph))
    },
  })
  const access = createAccessResolver({ participantsUrl: options.subgraphUrls.participants!, secret: options.identitySecret })
  const rates = rateLimits(limits)
  const protection = armor(limits)
  const audit = options.audit
    ? createAuditTrail({ ...options.audit, participantsUrl: options.subgraphUrls.participants!, identitySecret: options.identitySecret, logger, registry: metrics.registry })
    : null

  const app = Fastify({
    logger: false,
    bodyLimit: limits.maxBodyBytes,
    // A caller's request id travels on when it is a plain token; otherwise we make one.
    genReqId: (request) => {
      const given = request.headers[REQUEST_ID_HEADER]
      return typeof given === 'string' && /^[\w.:-]{8,100}$/.test(given) ? given : randomUUID()
    },
  })
  // Hooks that need not wait for anything are plain callbacks: a cached answer passes each of them.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id)
    done()
  })
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const described = describeHttpError(error, limits)
    if (described) return reply.code(described.status).send(described.body)
    logger.error({ requestId: request.id, err: error }, 'unhandled gateway error')
    return reply.code(500).send(httpError(500, 'INTERNAL_SERVER_ERROR', `Internal server error (request ${request.id})`).body)
  })

  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: true,
    // A browser cannot send an Authorization header cross-site without a CORS
    // preflight, and every answer needs one: such requests are safe, GET included.
    csrfPrevention: { requestHeaders: ['authorization', 'x-apollo-operation-name', 'apollo-require-preflight'] },
    documentStore: performance.documentCacheMb > 0 ? new InMemoryLRUCache<DocumentNode>({ maxSize: performance.documentCacheMb * 2 ** 20, sizeCalculation: InMemoryLRUCache.sizeCalculation }) : null,
    validationRules: protection.validationRules,
    formatError: formatGatewayError(options.production),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      fastifyApolloDrainPlugin(app),
      ...(protection.plugins as ApolloServerPlugin<GatewayContext>[]),
      requestIdPlugin(logger),
      metrics.plugin,
      ...(audit ? [audit.plugin] : []),
    ],
  })
  await apollo.start()

  app.get('/healthz', async () => ({ status: 'ok' }))
  registerMetricsRoute(app, metrics.registry, { token: options.metricsToken, production: options.production })
  // Ready when every subgraph is ready (its store answers); names the ones that are not, never their addresses.
  app.get('/readyz', async (_request, reply) => {
    const checks = await Promise.all(
      Object.entries(options.subgraphUrls).map(async ([name, url]) => {
        const ready = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(2000) })
          .then((r) => r.ok)
          .catch(() => false)
        return [name, ready] as const
      }),
    )
    const notReady = checks.filter(([, ready]) => !ready).map(([name]) => name)
    if (notReady.length > 0) return reply.code(503).send({ status: 'not ready', subgraphs: notReady })
    return { status: 'ready' }
  })
  if (options.graphiql?.enabled) {
    registerGraphiQL(app, { endpoint: '/graphql', token: options.graphiql.token })
    app.get('/', async (_request, reply) => reply.redirect('/graphiql'))
  }

  const cache: CacheStore | null = options.responseCache?.enabled
    ? options.responseCache.redisUrl
      ? await redisStore(options.responseCache.redisUrl)
      : memoryStore(options.responseCache.maxMegabytes * 2 ** 20)
    : null
  // The store's data version: the response cache's keys, and the hint each subgraph call carries (DATA_VERSION_HEADER).
  // A new version may come with new memberships (a registry import): they are asked again.
  const dataVersion = dataVersionSource({
    participantsUrl: options.subgraphUrls.participants!,
    secret: options.identitySecret,
    freshnessMs: options.responseCache?.versionCheckMs ?? 1000,
    onChange: () => access.clear(),
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

  const graphqlRoute = app.register(async (graphql) => {
    metrics.instrumentGraphQLRoute(graphql, CACHE_HEADER)
    // Per address, before any work; per researcher once the token is verified.
    graphql.addHook('onRequest', async (request, reply) => {
      try {
        await rates.address(request.ip)
      } catch (error) {
        if (!(error instanceof RateLimited)) throw error
        return tooManyRequests(reply, error)
      }
    })
    graphql.addHook('preHandler', async (request, reply) => {
      if (audit) request.audit = new RequestAudit(request.body)
      if (Array.isArray(request.body) && request.body.length > limits.maxBatch) {
        return reply.code(400).send(
          httpError(400, 'BATCH_TOO_LARGE', `A batch may hold at most ${limits.maxBatch} operations (HD4RES_MAX_BATCH); this one holds ${request.body.length}`).body,
        )
      }
      const operations = (Array.isArray(request.body) ? request.body : [request.body ?? request.query]) as (OperationRequest | undefined)[]
      if (operations.some((op) => tooManyTokens(op?.query, limits.maxTokens))) {
        return reply.code(400).send(httpError(400, 'QUERY_TOO_COMPLEX', `Token limit of ${limits.maxTokens} exceeded (HD4RES_MAX_TOKENS)`).body)
      }
      const safelist = options.safelist
      if (safelist && operations.some((op) => !isSafelisted(safelist, op?.query))) {
        return reply.code(403).send(httpError(403, 'OPERATION_NOT_IN_SAFELIST', NOT_SAFELISTED).body)
      }

      // Sign-in, once per request, before Apollo: the cache needs to know who asks.
      let claims
      try {
        claims = await options.verifier.verify(request.headers.authorization)
      } catch (error) {
        if (!(error instanceof AuthError)) throw error
        return reply.code(401).send(httpError(401, 'UNAUTHENTICATED', error.message).body)
      }
      if (request.audit) request.audit.claims = claims
      try {
        await rates.researcher(claims.sub)
      } catch (error) {
        if (!(error instanceof RateLimited)) throw error
        return tooManyRequests(reply, error)
      }
      // The version first: a change it finds clears the memberships this request then asks for.
      const cacheable = cache && request.method === 'POST' && !Array.isArray(request.body)
      // Without the cache, only a hint for the subgraphs: without it they read the version themselves.
      request.dataVersion = cacheable ? await dataVersion.current() : await dataVersion.current().catch(() => undefined)
      request.researcher = await access.identityFor(claims)

      if (cacheable) {
        const key = cacheKey(request.body as OperationRequest, request.researcher, request.dataVersion!)
        request.cacheKey = key
        const entry = key ? await cache.get(key) : undefined
        const hit = entry ? readCachedAnswer(entry) : null
        if (hit) {
          if (request.audit) request.audit.cachedReads = hit.reads
          return reply.header(CACHE_HEADER, 'hit').type('application/json; charset=utf-8').send(hit.answer)
        }
        if (key) reply.header(CACHE_HEADER, 'miss')
      }
    })
    graphql.addHook('onSend', (request, reply, payload, done) => {
      // Answers are a researcher's own unless every subgraph said they are the same for everyone.
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'private, no-store')
      // Keep what Apollo answered whole and without errors, for the next time.
      if (!cache || !request.cacheKey || reply.statusCode !== 200 || reply.getHeader(CACHE_HEADER) !== 'miss') return done(null, payload)
      const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null
      if (!text || text.includes('"errors"')) return done(null, payload)
      // Stored before the answer leaves, so the next request finds it; a store that fails costs only the entry.
      // What the answer read is kept with it: an answer from the cache is audited with it.
      cache
        .set(request.cacheKey, cachedAnswer(text, request.audit?.operations[0]?.reads?.toJSON()), options.responseCache!.ttlSeconds)
        .catch((error: unknown) => logger.warn({ requestId: request.id, err: error }, 'response cache: the answer could not be stored'))
        .then(() => done(null, payload))
        .catch((error: unknown) => logger.error({ requestId: request.id, err: error }, 'the answer could not be sent'))
    })
    // The last step before an answer leaves, whatever answered it: its audit record, written to the spool.
    audit?.instrumentGraphQLRoute(graphql, CACHE_HEADER)
    await graphql.register(fastifyApollo(apollo), {
      path: '/graphql',
      context: async (request) => {
        if (!request.researcher) throw unauthenticated('Missing Authorization header: send "Authorization: Bearer <token>"')
        return { identity: request.researcher, requestId: request.id, dataVersion: request.dataVersion, record: request, audit: request.audit }
      },
    })
  })
  try {
    await graphqlRoute
  } catch (error) {
    // What was opened above (the version stream, the cache's and subgraphs' connections) closes with the app.
    await app.close().catch(() => undefined)
    throw error
  }
  return { app, apollo, flushAudit: async () => (audit ? audit.flush() : true) }
}
