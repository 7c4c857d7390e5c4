/**
 * The gateway's Prometheus metrics: requests by operation and outcome, how
 * long each subgraph takes to answer, and the response cache's hits and
 * misses. One request is counted once, when its answer has left: Apollo's
 * answers by the operation it resolved and the worst error it carries;
 * answers from the response cache as `ok`; requests refused before Apollo
 * (sign-in, rate, batch and token limits, safelist, body) by their code.
 * Each subgraph's state (hd4res_subgraph_up) is the readiness check's, in
 * stages/health.ts, as the audit trail's own metrics are in audit.ts.
 */
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Counter, Histogram, Registry } from 'prom-client'
import {
  ANONYMOUS_OPERATION,
  BATCH_OPERATION,
  LATENCY_BUCKETS,
  OperationNames,
  outcomeOfErrors,
  refusalOutcome,
  RequestMetrics,
  UNKNOWN_OPERATION,
  worseOutcome,
} from '../platform/metrics.js'
import { codeInBody } from './errors.js'

/** Where the Apollo plugin notes what it learnt of the operation: the HTTP request itself. */
export interface OperationRecord {
  graphqlOperation?: string
  graphqlOutcome?: string
}

interface RequestBody {
  query?: unknown
  operationName?: unknown
}

const NAMED_OPERATION = /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/

/** The name a request gives its operation, without parsing it: the operationName, or the first word after `query`. */
function claimedOperationName(body: unknown): string | undefined {
  const { operationName, query } = (body ?? {}) as RequestBody
  if (typeof operationName === 'string') return operationName
  return typeof query === 'string' ? NAMED_OPERATION.exec(query)?.[1] : undefined
}

export interface GatewayMetrics {
  readonly registry: Registry
  /** Notes each operation's name and outcome on its HTTP request (`GatewayContext.record`). */
  readonly plugin: ApolloServerPlugin<{ record?: OperationRecord }>
  /** Counts the requests of the GraphQL route, and the response cache's lookups (by the cache header). */
  instrumentGraphQLRoute(scope: FastifyInstance, cacheHeader: string): void
  /** Times a subgraph fetcher until the subgraph's answer starts arriving, by subgraph and outcome. */
  timeSubgraphFetch<A extends unknown[], R extends { status: number }>(
    subgraph: string,
    fetcher: (...args: A) => Promise<R>,
  ): (...args: A) => Promise<R>
}

/** One listener for every request (what it needs arrives with each call): the operation's name and outcome, on its HTTP request. */
function operationRecorder(names: OperationNames): GraphQLRequestListener<{ record?: OperationRecord }> {
  return {
    async willSendResponse({ contextValue, operationName, response }) {
      const record = contextValue?.record
      if (!record) return
      const operation = operationName === undefined ? UNKNOWN_OPERATION : names.admit(operationName)
      const body = response.body
      const outcome = outcomeOfErrors(body.kind === 'single' ? body.singleResult.errors : body.initialResult.errors)
      if (record.graphqlOutcome === undefined) {
        record.graphqlOperation = operation
        record.graphqlOutcome = outcome
      } else {
        // The second operation of a batch: the request counts once, as a batch, with the worse outcome.
        record.graphqlOperation = BATCH_OPERATION
        record.graphqlOutcome = worseOutcome(record.graphqlOutcome, outcome)
      }
    },
  }
}

/** The operation label of a request Apollo did not answer (from the cache, or refused). */
function unansweredOperation(request: FastifyRequest, outcome: string, names: OperationNames): string {
  // The name the request claims counts only if an answered operation carried it before,
  // so callers who never get in cannot add names.
  const body = request.body ?? request.query
  if (Array.isArray(body)) return BATCH_OPERATION
  const claimed = claimedOperationName(body)
  return claimed === undefined && outcome === 'ok' ? ANONYMOUS_OPERATION : names.vouched(claimed)
}

function subgraphFetchTimer(histogram: Histogram<'subgraph' | 'outcome'>): GatewayMetrics['timeSubgraphFetch'] {
  return (subgraph, fetcher) => {
    const ok = histogram.labels(subgraph, 'ok')
    const httpError = histogram.labels(subgraph, 'http_error')
    const unavailable = histogram.labels(subgraph, 'unavailable')
    return async (...args) => {
      const started = performance.now()
      try {
        const response = await fetcher(...args)
        ;(response.status < 400 ? ok : httpError).observe((performance.now() - started) / 1000)
        return response
      } catch (error) {
        unavailable.observe((performance.now() - started) / 1000)
        throw error
      }
    }
  }
}

export function createGatewayMetrics(): GatewayMetrics {
  const registry = new Registry()
  const requests = new RequestMetrics(registry, 'hd4res_gateway', 'the gateway')
  const names = new OperationNames()
  const subgraphFetch = new Histogram({
    name: 'hd4res_gateway_subgraph_fetch_duration_seconds',
    help: 'Time from sending a subgraph request to its answer arriving, by subgraph and outcome (ok, http_error, unavailable)',
    labelNames: ['subgraph', 'outcome'],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  })
  const cacheLookups = new Counter({
    name: 'hd4res_gateway_response_cache_lookups_total',
    help: "Response cache lookups, by result (hit, miss, stale: the previous data version's entry while it is recomputed)",
    labelNames: ['result'],
    registers: [registry],
  })
  const cacheHit = cacheLookups.labels('hit')
  const cacheMiss = cacheLookups.labels('miss')
  const cacheStale = cacheLookups.labels('stale')
  const listener = operationRecorder(names)

  return {
    registry,
    plugin: { requestDidStart: async () => listener },

    instrumentGraphQLRoute(scope, cacheHeader) {
      // An error answer Apollo did not describe is a refusal: its code is in the small body.
      scope.addHook('onSend', (request, reply, payload, done) => {
        if (request.graphqlOutcome === undefined && reply.statusCode >= 400 && typeof payload === 'string') {
          request.graphqlOutcome = refusalOutcome(codeInBody(payload))
        }
        done(null, payload)
      })
      scope.addHook('onResponse', (request, reply, done) => {
        const outcome = request.graphqlOutcome ?? (reply.statusCode < 400 ? 'ok' : refusalOutcome(undefined))
        const operation = request.graphqlOperation ?? unansweredOperation(request, outcome, names)
        const cache = reply.getHeader(cacheHeader)
        if (cache === 'hit') cacheHit.inc()
        else if (cache === 'miss') cacheMiss.inc()
        else if (cache === 'stale') cacheStale.inc()
        requests.observe(operation, outcome, reply.elapsedTime / 1000)
        done()
      })
    },

    timeSubgraphFetch: subgraphFetchTimer(subgraphFetch),
  }
}
