/**
 * What a subgraph is, and the HTTP server every subgraph runs in. A subgraph is
 * a module that names its database schema and migrations, builds its GraphQL
 * schema (with no database needed, so the compose step can print it), and
 * makes its per-request loaders from the database handle. The server checks
 * the gateway's signed identity on every GraphQL request, `_entities` and
 * `_service` included, answers /healthz, /readyz and /metrics, and logs
 * under the request id the gateway sent (log.ts). A store that cannot be
 * reached fails each field that needed it as STORE_UNAVAILABLE, naming the
 * subgraph (storeOutage.ts), never as a masked internal error.
 */
import Fastify, { type FastifyInstance } from 'fastify'
import mercurius, { type IResolvers } from 'mercurius'
import { GraphQLError, type GraphQLSchema } from 'graphql'
import type { Db } from '../store/db.js'
import { IDENTITY_HEADER, IdentityError, verifyIdentity, type Identity } from '../../../platform/identity.js'
import { METRICS_PATH, outcomeOfErrors } from '../../../platform/metrics.js'
import { instrumentSubgraph } from './metrics.js'
import type { PublicationRegistry } from '../catalogue/publications.js'
import { READS_EXTENSION, startReadLog, type ReadLog } from '../../../platform/reads.js'
import type { SubgraphSettings } from '../../../platform/settings.js'
import { registerResultCache } from './resultCache.js'
import { logRequests, receivedRequestId, subgraphLogger, type Logger } from './log.js'
import { guardStore, isStoreUnavailable } from './storeOutage.js'
import { graphqlPathSegments } from '../graphql/errorPaths.js'
import type { DestinationStream } from 'pino'
import { LANGUAGE_HEADER } from '../../../platform/headers.js'
import { languageOf, type Language } from '../i18n/texts.js'

export interface SubgraphDeps {
  db: Db
  registry: PublicationRegistry
  settings: SubgraphSettings
  /** Where the subgraphs' log lines go; standard output when absent (a test passes a stream to read them). */
  logDestination?: DestinationStream
  /** The clock that answers move with (component status); the system's when absent (a test passes its own). */
  now?: () => Date
}

export interface SubgraphContext<Loaders> {
  identity: Identity
  /** The registry as this request sees it: the publications that answer with data are noted in `reads`. */
  registry: PublicationRegistry
  settings: SubgraphSettings
  loaders: Loaders
  /** What this request read (projects checked, publications served), returned to the gateway for the audit trail. */
  reads: ReadLog
  /** The language the gateway chose for this request; every text the subgraph publishes is picked in it. */
  language: Language
}

export interface BuiltSchema {
  /** The executable subgraph schema. */
  schema: GraphQLSchema
  /** Resolvers that mercurius attaches to an SDL-first schema. */
  resolvers?: IResolvers
  /** The subgraph's SDL as the compose step reads it. */
  sdl: string
}

export interface SubgraphDefinition<Loaders = unknown> {
  /** The service name in the supergraph, also the database schema's name. */
  name: string
  /** Folder of NNN_name.sql migrations for the database schema. */
  migrationsDir: string
  buildSchema(): Promise<BuiltSchema>
  /** Fresh loaders for one request, so batching and caching never cross researchers. */
  createLoaders(deps: SubgraphDeps, identity: Identity): Loaders
  /** The longest its result cache keeps an answer, when its answers move with the clock faster than the cache's TTL. */
  resultMaxAgeSeconds?: number
  /** Whether this subgraph's /metrics reports the import log (one subgraph does, so runs are counted once). */
  reportsImportLog?: boolean
  /** Extra HTTP routes (internal endpoints for the gateway), which log to the subgraph's log. */
  routes?(app: FastifyInstance, deps: SubgraphDeps, log: Logger): void
}

declare module 'fastify' {
  interface FastifyRequest {
    identity?: Identity
  }
}

/** The error a field answers when the store it needs cannot be reached: in development and production alike, since it says nothing of the store. */
export function storeUnavailable(subgraph: string, path: GraphQLError['path']): GraphQLError {
  return new GraphQLError(`The ${subgraph} service cannot reach its store; try again shortly`, {
    path,
    extensions: { code: 'STORE_UNAVAILABLE' },
  })
}

/**
 * An error the code did not raise on purpose (no GraphQLError behind it, no
 * code) is logged in full; outside development the answer keeps only its code.
 * A store that cannot be reached is no such error: each field it fails says
 * so by its code, and the log has one line for the request, not one a field.
 */
function maskUnexpected<T extends { errors?: readonly GraphQLError[] }>(
  execution: T,
  subgraph: string,
  production: boolean,
  log: Logger,
  requestId: string | undefined,
): T {
  if (!execution.errors) return execution
  let storeLogged = false
  const errors = execution.errors.map((error) => {
    // Compiled (graphql-jit) execution wraps a resolver's GraphQLError without its extensions: bring them back.
    const original = error.originalError
    if (original instanceof GraphQLError && error.extensions?.code === undefined && original.extensions?.code !== undefined) {
      return new GraphQLError(original.message, { path: error.path, extensions: original.extensions })
    }
    // A request that fails validation (mercurius wraps those) is the caller's error, not ours.
    const validation = (original as { code?: string } | undefined)?.code === 'MER_ERR_GQL_VALIDATION'
    const expected = validation || error.extensions?.code !== undefined || original instanceof GraphQLError || !original
    if (expected) return error
    if (isStoreUnavailable(original)) {
      if (!storeLogged)
        log.warn({ requestId, err: (original as Error).cause }, 'the store cannot be reached: its fields answer STORE_UNAVAILABLE')
      storeLogged = true
      return storeUnavailable(subgraph, error.path)
    }
    log.error({ requestId, err: error.originalError, path: error.path }, `unexpected error at ${error.path?.join('.') ?? '(no path)'}`)
    if (!production) return error
    return new GraphQLError(`Internal error in the ${subgraph} service`, {
      path: error.path,
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    })
  })
  return { ...execution, errors }
}

export function unauthenticated(message: string) {
  return { errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] }
}

export async function createSubgraphServer<L>(
  definition: SubgraphDefinition<L>,
  deps: SubgraphDeps,
  built?: BuiltSchema,
): Promise<FastifyInstance> {
  const { schema, resolvers } = built ?? (await definition.buildSchema())
  const log = subgraphLogger(definition.name, deps.settings.logLevel, deps.logDestination)
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, genReqId: (request) => receivedRequestId(request.headers) })
  // First of the hooks: every line of a request, the others' included, names it; and one access line each.
  logRequests(app, log)

  app.get('/healthz', async () => ({ status: 'ok', subgraph: definition.name }))
  // Ready when the store answers: a load balancer sends no traffic before.
  app.get('/readyz', async (_request, reply) => {
    try {
      await deps.db.query('SELECT 1')
      return { status: 'ready', subgraph: definition.name }
    } catch {
      return reply.code(503).send({ status: 'not ready', subgraph: definition.name, reason: 'the store does not answer' })
    }
  })

  instrumentSubgraph(app, definition.name, {
    access: { token: deps.settings.metricsToken, production: deps.settings.production ?? false },
    importLog: definition.reportsImportLog ? deps.db : undefined,
  })

  // Every route but the probes and the metrics (behind their own token) needs the gateway's signed identity.
  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/healthz' || request.url === '/readyz' || request.url === METRICS_PATH) return
    try {
      request.identity = verifyIdentity(request.headers[IDENTITY_HEADER] as string | undefined, deps.settings.identitySecret)
    } catch (error) {
      if (!(error instanceof IdentityError)) throw error
      await reply.code(401).send(unauthenticated(`${definition.name}: ${error.message}`))
    }
  })

  if (deps.settings.resultCache) registerResultCache(app, deps.db, deps.settings.resultCache, definition.resultMaxAgeSeconds)
  // What the resolvers read through: a store that cannot be reached is told apart from a statement that failed.
  const resolverDeps: SubgraphDeps = { ...deps, db: guardStore(deps.db) }
  // A subgraph's answer is the researcher's own unless its subgraph says otherwise
  // (the gateway passes a public policy on only when every part of an answer has one).
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/graphql') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'private, no-store')
    return payload
  })

  // Before mercurius adds its routes: their answer schema would write list indices in error paths as strings (errorPaths.ts).
  app.addHook('onRoute', graphqlPathSegments)
  await app.register(mercurius, {
    schema,
    resolvers,
    path: '/graphql',
    graphiql: false,
    // Compile an operation with graphql-jit once it has been seen: large answers
    // (a year of daily counts) resolve several times faster.
    jit: 1,
    // Errors travel to the gateway as a GraphQL response (status 200), so that
    // their message reaches the researcher rather than a bare "400: Bad Request".
    errorFormatter: (execution, context) => {
      const checked = maskUnexpected(execution, definition.name, deps.settings.production ?? false, log, context?.reply?.request.id)
      if (context?.reply) context.reply.request.graphqlOutcome = outcomeOfErrors(checked.errors)
      const formatted = mercurius.defaultErrorFormatter(checked, context)
      return { ...formatted, statusCode: 200 }
    },
    context: (request): SubgraphContext<L> => {
      const reads = startReadLog(request.identity!)
      return {
        identity: request.identity!,
        registry: deps.registry.observedBy(reads),
        settings: deps.settings,
        loaders: definition.createLoaders(resolverDeps, request.identity!),
        reads,
        language: languageOf(request.headers[LANGUAGE_HEADER]),
      }
    },
  })
  // What the request read travels back in the answer's extensions, for the gateway's audit trail; it is set
  // before the answer is serialised, so the result cache keeps it with the answer and a cached answer says it too.
  app.graphql.addHook('onResolution', (execution, context) => {
    const reads = (context as Partial<SubgraphContext<L>>).reads
    if (reads && !reads.empty) execution.extensions = { ...execution.extensions, [READS_EXTENSION]: { read: reads.toJSON() } }
  })

  definition.routes?.(app, deps, log)
  return app
}
