/**
 * What a gateway is made from (GatewayOptions, which the composition roots
 * fill in from the settings) and what each GraphQL request it answers carries
 * through Apollo and into every subgraph call (GatewayContext).
 */
import type { Logger } from 'pino'
import type { Identity } from '../platform/identity.js'
import type { CorsSettings, GatewayLimits, GatewayPerformanceSettings, ResponseCacheSettings } from '../platform/settings.js'
import type { AuditOptions, RequestAudit } from './audit.js'
import type { Verifier } from './auth.js'
import type { OperationRecord } from './metrics.js'
import type { PersistedOperations } from './persisted.js'
import type { SubgraphCallContext } from './subgraphClient.js'

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
  /** The manifest's operations (HD4RES_SAFELIST_FILE): in safelist mode, only these are answered. */
  persistedOperations?: PersistedOperations
  responseCache?: ResponseCacheSettings
  /** The bearer token /metrics asks for (HD4RES_METRICS_TOKEN). */
  metricsToken?: string
  /** Connection pool and document/plan cache sizes; the defaults when absent. */
  performance?: GatewayPerformanceSettings
  /** The audit trail's spool and shipping; no audit records when absent (HD4RES_AUDIT=off, for the benchmark only). */
  audit?: AuditOptions
  /** The proxies whose X-Forwarded-For is believed (HD4RES_TRUSTED_PROXIES); none when absent: the socket's address. */
  trustedProxies?: readonly string[]
  /** The origins whose pages may call the API from a browser (HD4RES_CORS_ORIGINS); no CORS when absent or empty. */
  cors?: CorsSettings
}
