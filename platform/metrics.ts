/**
 * Prometheus metrics (prom-client) shared by the gateway and every subgraph:
 * each server keeps its own registry, so several of them run side by side in
 * one process (npm start, tests) without clashing; the process's own metrics
 * (CPU, memory, event loop, GC) are collected once per process and shown on
 * every /metrics. Request metrics are labelled by operation name and outcome,
 * both from bounded sets, so a client cannot blow up the number of series.
 *
 * /metrics needs no researcher token. With HD4RES_METRICS_TOKEN set it answers
 * only `Authorization: Bearer <that token>`; without it, it is open in
 * development and closed in production.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client'

export const METRICS_PATH = '/metrics'

/** Seconds; the top buckets cover the default subgraph deadline (10 s) and beyond. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

/** The fixed operation labels; parenthesised, so no GraphQL operation name can take them. */
export const ANONYMOUS_OPERATION = '(anonymous)'
export const UNKNOWN_OPERATION = '(unknown)'
export const OTHER_OPERATIONS = '(other)'
export const BATCH_OPERATION = '(batch)'

/** Distinct operation names a server labels apart; any further name counts under OTHER_OPERATIONS. */
export const MAX_OPERATION_NAMES = 100

declare module 'fastify' {
  interface FastifyRequest {
    /** The operation label, once the GraphQL layer knows it. */
    graphqlOperation?: string
    /** The outcome label, once the GraphQL layer knows it. */
    graphqlOutcome?: string
  }
}

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/

/**
 * The operation names a server labels apart. A name is admitted when an
 * operation that carries it has been read by the GraphQL layer; a request
 * refused before that may only use a name admitted earlier, so that callers
 * who never get in cannot fill the list.
 */
export class OperationNames {
  private readonly known = new Set<string>()

  constructor(private readonly max = MAX_OPERATION_NAMES) {}

  /** The label of an operation the GraphQL layer read: null or empty for an anonymous one. */
  admit(name: string | null | undefined): string {
    if (!name) return ANONYMOUS_OPERATION
    if (this.known.has(name)) return name
    if (this.known.size >= this.max || !GRAPHQL_NAME.test(name)) return OTHER_OPERATIONS
    this.known.add(name)
    return name
  }

  /** The label of a name nothing has vouched for yet: itself if admitted before, else UNKNOWN_OPERATION. */
  vouched(name: string | undefined): string {
    return name !== undefined && this.known.has(name) ? name : UNKNOWN_OPERATION
  }
}

/**
 * Outcomes: `ok`; for an answer with errors, the class of its worst error
 * (`error_client` < `error_denied` < `error_unavailable` < `error_server`);
 * for a request refused before GraphQL ran, the refusal's code.
 */
export type ErrorOutcome = 'error_client' | 'error_denied' | 'error_unavailable' | 'error_server'

const ERROR_RANK: Record<ErrorOutcome, number> = { error_client: 1, error_denied: 2, error_unavailable: 3, error_server: 4 }

const CODE_CLASSES: Record<string, ErrorOutcome> = {
  GRAPHQL_PARSE_FAILED: 'error_client',
  GRAPHQL_VALIDATION_FAILED: 'error_client',
  BAD_USER_INPUT: 'error_client',
  BAD_REQUEST: 'error_client',
  QUERY_TOO_COMPLEX: 'error_client',
  ANSWER_TOO_LARGE: 'error_client',
  OPERATION_RESOLUTION_FAILURE: 'error_client',
  INVALID_GRAPHQL: 'error_client',
  PERSISTED_QUERY_NOT_FOUND: 'error_client',
  PERSISTED_QUERY_NOT_SUPPORTED: 'error_client',
  FORBIDDEN: 'error_denied',
  UNAUTHENTICATED: 'error_denied',
  SUBGRAPH_UNAVAILABLE: 'error_unavailable',
  STORE_UNAVAILABLE: 'error_unavailable',
  SERVICE_UNAVAILABLE: 'error_unavailable',
  INTERNAL_SERVER_ERROR: 'error_server',
}

/** Codes a request may be refused with before GraphQL runs; any other refusal counts as `refused`. */
const REFUSAL_CODES = new Set([
  'UNAUTHENTICATED',
  'RATE_LIMITED',
  'BATCH_TOO_LARGE',
  'QUERY_TOO_COMPLEX',
  'OPERATION_NOT_IN_SAFELIST',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'BAD_REQUEST',
  'INTERNAL_SERVER_ERROR',
  'AUDIT_UNAVAILABLE',
  'SERVICE_UNAVAILABLE',
])

export interface ErrorLike {
  readonly extensions?: { readonly [key: string]: unknown }
  readonly originalError?: unknown
}

function classOf(error: ErrorLike): ErrorOutcome {
  const original = error.originalError as { statusCode?: unknown; extensions?: { code?: unknown } } | undefined
  // A wrapped error (compiled execution) may keep its code on the error it wraps.
  const code = error.extensions?.code ?? original?.extensions?.code
  if (typeof code === 'string') return CODE_CLASSES[code] ?? 'error_server'
  // Without a code: graphql-js's own parse and validation errors have no cause,
  // and mercurius's request errors carry a 4xx status; anything else is ours.
  if (!original) return 'error_client'
  const status = original.statusCode
  return typeof status === 'number' && status >= 400 && status < 500 ? 'error_client' : 'error_server'
}

/** `ok` without errors, otherwise the class of the worst one. */
export function outcomeOfErrors(errors: readonly ErrorLike[] | null | undefined): string {
  if (!errors || errors.length === 0) return 'ok'
  let worst: ErrorOutcome = 'error_client'
  for (const error of errors) {
    const outcome = classOf(error)
    if (ERROR_RANK[outcome] > ERROR_RANK[worst]) worst = outcome
  }
  return worst
}

/** The worse of two outcomes (a batch's operations, say). */
export function worseOutcome(a: string, b: string): string {
  const rank = (o: string) => (o === 'ok' ? 0 : (ERROR_RANK[o as ErrorOutcome] ?? 5))
  return rank(b) > rank(a) ? b : a
}

/** The outcome of a request refused with this code before GraphQL ran. */
export function refusalOutcome(code: string | undefined): string {
  return code !== undefined && REFUSAL_CODES.has(code) ? code : 'refused'
}

/** The outcome of an HTTP answer the GraphQL layer did not describe: by its status alone. */
export function statusOutcome(status: number): string {
  if (status < 400) return 'ok'
  if (status === 401) return 'UNAUTHENTICATED'
  if (status === 413) return 'PAYLOAD_TOO_LARGE'
  if (status === 429) return 'RATE_LIMITED'
  return status >= 500 ? 'error_server' : 'error_client'
}

interface RequestSeries {
  count: Counter.Internal
  time: Histogram.Internal<'operation' | 'outcome'>
}

/**
 * A request counter and latency histogram by operation and outcome. The
 * labelled series are looked up once per pair and kept, so observing a request
 * costs two map lookups and prom-client's own update.
 */
export class RequestMetrics {
  private readonly total: Counter<'operation' | 'outcome'>
  private readonly duration: Histogram<'operation' | 'outcome'>
  private readonly series = new Map<string, Map<string, RequestSeries>>()

  /** `server` names who answers, for the help texts: "the gateway", "this subgraph". */
  constructor(registry: Registry, prefix: string, server: string) {
    this.total = new Counter({
      name: `${prefix}_requests_total`,
      help: `GraphQL requests ${server} answered, by operation name and outcome`,
      labelNames: ['operation', 'outcome'],
      registers: [registry],
    })
    this.duration = new Histogram({
      name: `${prefix}_request_duration_seconds`,
      help: `Seconds ${server} took to answer a GraphQL request, by operation name and outcome`,
      labelNames: ['operation', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers: [registry],
    })
  }

  observe(operation: string, outcome: string, seconds: number): void {
    let byOutcome = this.series.get(operation)
    if (!byOutcome) this.series.set(operation, (byOutcome = new Map()))
    let series = byOutcome.get(outcome)
    if (!series) {
      series = { count: this.total.labels(operation, outcome), time: this.duration.labels(operation, outcome) }
      byOutcome.set(outcome, series)
    }
    series.count.inc()
    series.time.observe(seconds)
  }
}

let processMetrics: Registry | undefined

/** The process's own metrics, collected once per process however many servers it runs. */
export function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry()
    collectDefaultMetrics({ register: processMetrics })
  }
  return processMetrics
}

export interface MetricsAccess {
  /** When set, /metrics answers only `Authorization: Bearer <token>`. */
  token?: string
  /** Without a token, production serves no metrics. */
  production: boolean
}

export const METRICS_TOKEN_SETTING = 'HD4RES_METRICS_TOKEN'

const digest = (text: string) => createHash('sha256').update(text).digest()

/**
 * Serves the registries (and the process's metrics) on GET /metrics, behind
 * the scrape token if one is set; or, with `collect`, what it gathers (the sum
 * over a gateway's workers), behind the same token. A gathering that fails
 * answers 503, so that the scrape is seen to fail rather than to count less.
 */
export function registerMetricsRoute(
  app: FastifyInstance,
  registry: Registry,
  access: MetricsAccess,
  collect?: () => Promise<string>,
): void {
  const expected = access.token ? digest(`Bearer ${access.token}`) : null
  const registries = [processRegistry(), registry]
  app.get(METRICS_PATH, async (request, reply) => {
    if (expected) {
      const given = request.headers.authorization
      if (typeof given !== 'string' || !timingSafeEqual(digest(given), expected)) {
        return reply
          .code(401)
          .header('www-authenticate', 'Bearer realm="metrics"')
          .send({ error: `Send "Authorization: Bearer <${METRICS_TOKEN_SETTING}>" to read the metrics` })
      }
    } else if (access.production) {
      return reply
        .code(403)
        .send({ error: `Metrics are off in production until ${METRICS_TOKEN_SETTING} is set; scrape with that bearer token` })
    }
    if (collect) {
      let gathered: string
      try {
        gathered = await collect()
      } catch (error) {
        return reply.code(503).send({ error: `The metrics could not be gathered: ${(error as Error).message}; scrape again` })
      }
      return reply.type(registry.contentType).send(gathered)
    }
    const texts = await Promise.all(registries.map((r) => r.metrics()))
    return reply.type(registry.contentType).send(texts.join('\n'))
  })
}
