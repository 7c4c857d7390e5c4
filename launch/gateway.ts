/**
 * The gateway part as the entry points put it together from the settings:
 * `npm start` (embedded.ts: the whole graph in one process) and
 * `npm run serve -- gateway` (bin/serve.ts: one part per process) both start
 * it through here. It loads no subgraph code, so neither does a production
 * gateway process.
 */
import cluster from 'node:cluster'
import { oidcVerifier, type DevIssuer, type Verifier } from '../gateway/auth.js'
import { gatewayWorkerSlot } from '../gateway/cluster.js'
import { loadPersistedOperations } from '../gateway/persisted.js'
import { createGateway, type GatewayOptions } from '../gateway/server.js'
import { createLogger } from '../platform/log.js'
import { auditSpoolDir, type Settings } from '../platform/settings.js'

/** The options that come straight from the settings. */
export function gatewayOptionsFrom(settings: Settings): Pick<
  GatewayOptions,
  | 'limits'
  | 'logger'
  | 'production'
  | 'introspection'
  | 'persistedOperations'
  | 'responseCache'
  | 'metricsToken'
  | 'performance'
  | 'audit'
  | 'trustedProxies'
  | 'cors'
> & {
  graphiqlEnabled: boolean
} {
  return {
    // One spool per gateway process: a cluster worker's replacement takes over its slot, and what it left unshipped.
    audit: settings.audit.enabled
      ? {
          spoolDir: auditSpoolDir(settings),
          spoolName: `gateway-${gatewayWorkerSlot()}`,
          shipIntervalMs: settings.audit.shipIntervalMs,
          logLines: settings.audit.logLines,
        }
      : undefined,
    metricsToken: settings.metricsToken,
    performance: settings.performance,
    responseCache: settings.responseCache,
    limits: settings.limits,
    trustedProxies: settings.trustedProxies,
    cors: settings.cors,
    // A worker's lines say which worker wrote them (its slot, as its audit spool's name).
    logger: createLogger({
      name: 'hd4res-gateway',
      level: settings.logLevel,
      bindings: cluster.isWorker ? { worker: gatewayWorkerSlot() } : undefined,
    }),
    production: settings.production,
    introspection: settings.introspection,
    persistedOperations: settings.safelistFile ? loadPersistedOperations(settings.safelistFile, settings.persistedOperations) : undefined,
    graphiqlEnabled: settings.graphiql,
  }
}

/** Who signs researchers' tokens: the OIDC provider the settings name, or else the development issuer. */
export function verifierFrom(settings: Settings, issuer: DevIssuer | null): Verifier {
  if (settings.oidc) return oidcVerifier(settings.oidc, settings.oidcAlgorithms, settings.claims)
  if (!issuer) throw new Error('Without an OIDC provider (HD4RES_OIDC_ISSUER…) the development issuer must sign the tokens')
  return issuer.verifier
}

/** What the settings do not say: where the subgraphs are, the shared secret, who signs tokens. */
export interface GatewayParts {
  supergraphSdl: string
  subgraphUrls: Record<string, string>
  identitySecret: string
  verifier: Verifier
  /** A token GraphiQL starts with (the embedded graph's demo researcher). */
  graphiqlToken?: string
  /** The audit spool's folder, when not the settings' one. */
  auditSpoolDir?: string
}

/** The gateway, configured from the settings and the parts; not yet listening. */
export function gatewayFromSettings(settings: Settings, parts: GatewayParts): ReturnType<typeof createGateway> {
  const { graphiqlEnabled, ...fromSettings } = gatewayOptionsFrom(settings)
  if (fromSettings.audit && parts.auditSpoolDir) fromSettings.audit = { ...fromSettings.audit, spoolDir: parts.auditSpoolDir }
  return createGateway({
    ...fromSettings,
    supergraphSdl: parts.supergraphSdl,
    subgraphUrls: parts.subgraphUrls,
    identitySecret: parts.identitySecret,
    verifier: parts.verifier,
    graphiql: { enabled: graphiqlEnabled, token: parts.graphiqlToken },
  })
}
