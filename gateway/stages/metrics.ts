/**
 * The metrics' two places on the route: /metrics, for Prometheus, and the
 * counting of every answer of the GraphQL route, refusals and answers from the
 * response cache included (its onSend hook is the route's first, so a refusal
 * is counted by the code it leaves with). In a cluster, /metrics answers with
 * the sum over every worker, from whichever worker the scrape reaches
 * (cluster.ts).
 */
import { processRegistry, registerMetricsRoute } from '../../platform/metrics.js'
import { clusterMetricsSource } from '../cluster.js'
import { CACHE_HEADER } from '../responseCache.js'
import type { Stage } from './stage.js'

export const metricsRoute: Stage = {
  name: 'metrics route',
  register(app, { metrics, options }) {
    const collect = clusterMetricsSource([processRegistry(), metrics.registry])
    registerMetricsRoute(app, metrics.registry, { token: options.metricsToken, production: options.production }, collect ?? undefined)
  },
}

export const requestMetrics: Stage = {
  name: 'request metrics',
  register(app, { metrics }) {
    metrics.instrumentGraphQLRoute(app, CACHE_HEADER)
  },
}
