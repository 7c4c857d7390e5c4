/** A subgraph's own metrics: its GraphQL requests by operation and outcome, and the import log where it keeps one. */
import type { FastifyInstance } from 'fastify'
import { Registry } from 'prom-client'
import {
  ANONYMOUS_OPERATION,
  BATCH_OPERATION,
  OperationNames,
  registerMetricsRoute,
  RequestMetrics,
  statusOutcome,
  UNKNOWN_OPERATION,
  type MetricsAccess,
} from '../../../platform/metrics.js'
import type { Queryable } from '../store/db.js'
import { registerImportLogMetrics } from './importLogMetrics.js'

export interface SubgraphMetricsOptions {
  access: MetricsAccess
  /** The store whose import log this subgraph reports (one subgraph does, so that it is counted once). */
  importLog?: Queryable
  /** The GraphQL route; /graphql by default. */
  graphqlPath?: string
}

/**
 * A subgraph's metrics: GraphQL requests by operation and outcome (the
 * outcome from the error formatter, which sets `request.graphqlOutcome`; a
 * request without it ended without errors or was refused by status), and the
 * import log where asked. Serves them on /metrics.
 */
export function instrumentSubgraph(app: FastifyInstance, subgraph: string, options: SubgraphMetricsOptions): Registry {
  const registry = new Registry()
  registry.setDefaultLabels({ subgraph })
  const requests = new RequestMetrics(registry, 'hd4res_subgraph', 'this subgraph')
  const names = new OperationNames()
  const graphqlPath = options.graphqlPath ?? '/graphql'
  const withQuery = `${graphqlPath}?`
  app.addHook('onResponse', (request, reply, done) => {
    // By the URL: request.routeOptions would build an object for every request.
    if (request.url === graphqlPath || request.url.startsWith(withQuery)) {
      // The gateway names each subgraph operation after the researcher's (Dashboard__records__1).
      const body = request.body as { operationName?: unknown } | undefined
      const operation = Array.isArray(body)
        ? BATCH_OPERATION
        : typeof body?.operationName === 'string'
          ? names.admit(body.operationName)
          : body
            ? ANONYMOUS_OPERATION
            : UNKNOWN_OPERATION
      requests.observe(operation, request.graphqlOutcome ?? statusOutcome(reply.statusCode), reply.elapsedTime / 1000)
    }
    done()
  })
  if (options.importLog) registerImportLogMetrics(registry, options.importLog)
  registerMetricsRoute(app, registry, options.access)
  return registry
}
