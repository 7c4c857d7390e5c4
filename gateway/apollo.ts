/**
 * Apollo Server over @apollo/gateway, as this gateway runs it: the supergraph
 * planned (its query plans and parsed documents kept as the settings size
 * them), each subgraph called through SubgraphDataSource on the shared pool,
 * Armor's limits among the validation rules, the cost and answer-size limits
 * (cost.ts) once an operation is resolved and as its answer leaves, and the
 * metrics' and the audit's plugins, which note each operation on its HTTP
 * request.
 */
import { ApolloGateway } from '@apollo/gateway'
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server'
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled'
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache'
import { fastifyApolloDrainPlugin } from '@as-integrations/fastify'
import type { FastifyInstance } from 'fastify'
import type { DocumentNode } from 'graphql'
import type { GatewayPerformanceSettings } from '../platform/settings.js'
import type { AuditTrail } from './audit.js'
import { answerSizeLimit, answerText, costLimits } from './cost.js'
import { errorReporting, formatGatewayError } from './graphqlErrors.js'
import type { GatewayMetrics } from './metrics.js'
import type { GatewayContext, GatewayOptions } from './options.js'
import { installShaping } from './shaping.js'
import { armor } from './protection.js'
import { registeredQueriesOf } from './queryText.js'
import { SubgraphDataSource, type subgraphCaller } from './subgraphClient.js'

/** What the Apollo server is built with besides the options. */
export interface ApolloParts {
  metrics: GatewayMetrics
  audit: AuditTrail | null
  performance: GatewayPerformanceSettings
  /** Calls a subgraph on the process's pool, with the deadline. */
  callSubgraph: ReturnType<typeof subgraphCaller>
}

/** A query-plan cache that keeps nothing. */
const noPlanCache = { get: async () => undefined, set: async () => undefined, delete: async () => undefined, clear: () => undefined }

function federatedGateway(options: GatewayOptions, { metrics, performance, callSubgraph }: ApolloParts): ApolloGateway {
  // @apollo/gateway otherwise reports usage metrics to Apollo and probes cloud
  // metadata addresses at start-up: a health-data portal sends nothing out.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true'
  // The answer shaped by compiled closures instead of stock's walk (shaping.ts); stock's when this version cannot take them.
  if (performance.compiledShaping && !installShaping())
    console.warn('hd4res gateway: this @apollo/gateway cannot take the compiled result shaping; it shapes answers as stock does')
  return new ApolloGateway({
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
}

/** The Apollo server, started; `app` is the fastify app it answers in, which its drain closes. */
export async function startApollo(
  app: FastifyInstance,
  options: GatewayOptions,
  parts: ApolloParts,
): Promise<ApolloServer<GatewayContext>> {
  const { performance, metrics, audit } = parts
  const gateway = federatedGateway(options, parts)
  const protection = armor(options.limits)
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: options.introspection,
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: true,
    // Automatic persisted queries register their texts where the limits stage finds them again
    // (queryText.ts): a request that sends a hash alone reaches Apollo with its text put back.
    persistedQueries: { cache: registeredQueriesOf(options).cache },
    // A browser cannot send an Authorization header cross-site without a CORS
    // preflight, and every answer needs one: such requests are safe, GET included.
    csrfPrevention: { requestHeaders: ['authorization', 'x-apollo-operation-name', 'apollo-require-preflight'] },
    documentStore:
      performance.documentCacheMb > 0
        ? new InMemoryLRUCache<DocumentNode>({
            maxSize: performance.documentCacheMb * 2 ** 20,
            sizeCalculation: InMemoryLRUCache.sizeCalculation,
          })
        : null,
    validationRules: protection.validationRules,
    // Apollo Server indents every answer by default: a third more bytes to write and send
    // on a long history, for no reader (a browser's tools indent what they show).
    // The size limit has written most answers out already (answerText): they are not written twice.
    stringifyResult: answerText,
    formatError: formatGatewayError(options.production),
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      fastifyApolloDrainPlugin(app),
      ...(protection.plugins as ApolloServerPlugin<GatewayContext>[]),
      costLimits(options.limits),
      // Before the plugins that read the answer as it leaves: they see a refusal that replaces it.
      answerSizeLimit(options.limits.maxAnswerBytes),
      errorReporting(options.logger),
      metrics.plugin,
      ...(audit ? [audit.plugin] : []),
    ],
  })
  await apollo.start()
  return apollo
}
