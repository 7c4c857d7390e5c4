/**
 * The gateway's and launcher's settings: read once from the environment,
 * validated, and passed down. Nothing below reads process.env.
 */
import { isIP } from 'node:net'
import path from 'node:path'
import { Cron } from 'croner'
import { z } from 'zod'
import { AUDIT_RETENTION_DAYS_DEFAULT } from './auditRecord.js'

/** How a subgraph's result cache is sized (subgraphs/kit/server/resultCache.ts). */
export interface ResultCacheSettings {
  /** Bytes of answers kept per subgraph; 0 turns the cache off. */
  maxMegabytes: number
  ttlSeconds: number
  /** How long a version read stays good for a caller that expects that version (the gateway's hint); 0 reads every time. */
  versionTrustMs?: number
}

/** What every subgraph is given of the settings (subgraphSettingsFrom). */
export interface SubgraphSettings {
  /** The secret shared with the gateway for the signed identity header. */
  identitySecret: string
  /** Subject counts from 1 to threshold - 1 are withheld. */
  suppressionThreshold: number
  /** Outside development, unexpected errors (a failed SQL statement, say) keep only their code. */
  production?: boolean
  /** The token role that may read platform-wide lists (data users); researcher by default. */
  platformListsRole?: string
  /** The bearer token /metrics asks for; HD4RES_METRICS_TOKEN when not given. */
  metricsToken?: string
  /** Answers kept within one version of the store (resultCache.ts); off when absent or 0 MB. */
  resultCache?: ResultCacheSettings
  /** Days the audit trail keeps its records (participants deletes older ones); 400 when absent. */
  auditRetentionDays?: number
  /** The least severe level a subgraph logs (LOG_LEVEL, as the gateway); info when absent. */
  logLevel?: string
  /** A ticket's portal page, with {sys_id}, {number} and {table}; null links to none; the HD Service and Support portal when absent. */
  servicePortalUrlTemplate?: string | null
  /** A component whose newest check is older than this reads UNKNOWN (HD4RES_STATUS_STALE_AFTER_SECONDS); 900 when absent. */
  statusStaleAfterSeconds?: number
}

/** How often the availability collector runs by default: every 5 minutes (cron, UTC). */
export const AVAILABILITY_SCHEDULE_DEFAULT = '*/5 * * * *'
/** How old the newest check may be before a component reads UNKNOWN, by default: 15 minutes, three runs of the default schedule. */
export const STATUS_STALE_AFTER_SECONDS_DEFAULT = 900

/**
 * The longest wait between two runs of a cron schedule (UTC), in seconds,
 * over its next week or 2000 runs: a schedule that pauses at night waits
 * the whole night. Throws for an expression that is not cron.
 */
export function scheduleIntervalSeconds(cron: string, from?: Date): number {
  // Walking a week of runs takes a moment: once per expression and process (settings are read often in tests).
  const known = from ? undefined : intervals.get(cron)
  if (known !== undefined) return known
  const interval = longestWait(cron, from ?? new Date())
  if (!from) intervals.set(cron, interval)
  return interval
}
const intervals = new Map<string, number>()

function longestWait(cron: string, from: Date): number {
  const job = new Cron(cron, { timezone: 'UTC', paused: true })
  const runs = job.nextRuns(2000, from)
  job.stop()
  if (runs.length < 2) throw new Error('it runs less than twice from now on')
  const horizon = from.getTime() + 7 * 86_400_000
  let longest = 0
  for (let i = 1; i < runs.length && runs[i - 1]!.getTime() < horizon; i++) {
    longest = Math.max(longest, runs[i]!.getTime() - runs[i - 1]!.getTime())
  }
  return Math.ceil(longest / 1000)
}

/**
 * Why the staleness rule does not fit the availability schedule, or undefined
 * when it does: a component whose checks arrive on the schedule must never
 * read UNKNOWN between two runs, so the rule must exceed the longest wait.
 */
export function stalenessProblem(schedule: string | null, staleAfterSeconds: number): string | undefined {
  if (schedule === null) return undefined
  let interval: number
  try {
    interval = scheduleIntervalSeconds(schedule)
  } catch (error) {
    return `HD4RES_AVAILABILITY_SCHEDULE "${schedule}" is not a cron expression (UTC, e.g. "${AVAILABILITY_SCHEDULE_DEFAULT}"; off for none): ${(error as Error).message}`
  }
  if (staleAfterSeconds <= interval) {
    return (
      `HD4RES_STATUS_STALE_AFTER_SECONDS (${staleAfterSeconds}) must be larger than the interval of HD4RES_AVAILABILITY_SCHEDULE ` +
      `"${schedule}" (up to ${interval} s between runs): otherwise every component reads UNKNOWN between two runs. ` +
      `Set it to at least ${interval * 3} (three runs), or run the schedule more often`
    )
  }
  return undefined
}

/** A ticket's page on the HD Service and Support portal (ServiceNow's Service Portal ticket page). */
export const SERVICE_PORTAL_URL_TEMPLATE_DEFAULT = 'https://sciensano.service-now.com/sp?id=ticket&table={table}&sys_id={sys_id}'

/** Why HD4RES_SERVICE_PORTAL_URL_TEMPLATE is not a usable template, or undefined when it is one. */
export function portalTemplateProblem(template: string): string | undefined {
  if (template === 'off') return undefined
  if (!/\{(sys_id|number)\}/.test(template)) return `"${template}" names no ticket: put {sys_id} or {number} in it (off links to none)`
  let url: URL
  try {
    url = new URL(template.replaceAll(/\{(sys_id|number|table)\}/g, 'x'))
  } catch {
    return `"${template}" is not an absolute URL, e.g. ${SERVICE_PORTAL_URL_TEMPLATE_DEFAULT}`
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `"${template}" is not an http or https address`
  return undefined
}

const optionalText = z.string().trim().min(1).optional()

/** A comma-separated setting as its entries, blanks dropped. */
const commaList = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean)

/** Why an entry of HD4RES_TRUSTED_PROXIES is not an address or a CIDR range (IPv4 or IPv6), or undefined when it is one. */
export function trustedProxyProblem(entry: string): string | undefined {
  const [address = '', prefix, ...rest] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || rest.length > 0) return `"${entry}" is not an IP address or a CIDR range (e.g. 10.0.0.0/8, fd00::/8)`
  const bits = family === 4 ? 32 : 128
  if (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= bits)) {
    return `"${entry}" has a prefix length that is not a whole number from 1 to ${bits}`
  }
  // Trusting every hop would take the client's address from the left end of X-Forwarded-For, which the client writes.
  if (prefix !== undefined && Number(prefix) === 0) return `"${entry}" trusts every address: name the proxies' own addresses or ranges`
  return undefined
}

/** Why an entry of HD4RES_CORS_ORIGINS is not an exact origin as a browser sends it, or undefined when it is one. */
export function corsOriginProblem(entry: string): string | undefined {
  if (entry.includes('*')) return `"${entry}": no wildcards, name each origin exactly (e.g. https://app.example.org)`
  let url: URL
  try {
    url = new URL(entry)
  } catch {
    return `"${entry}" is not an origin: a scheme, a host and an optional port, e.g. https://app.example.org:8443`
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `"${entry}" is not an http or https origin`
  // A browser's Origin header is the serialised origin: lower case, no default port, no path or trailing slash.
  if (url.origin !== entry) return `"${entry}" is not an origin as a browser sends it: write ${url.origin} (no path, no default port)`
  return undefined
}

/** A list setting whose every entry must pass `problem`; each bad entry is named. */
const checkedList = (problem: (entry: string) => string | undefined) =>
  z
    .string()
    .optional()
    .transform(commaList)
    .superRefine((entries, ctx) => {
      for (const entry of entries) {
        const message = problem(entry)
        if (message) ctx.addIssue({ code: 'custom', message })
      }
    })

/**
 * The deepest HD4RES_MAX_INPUT_DEPTH may allow: whatever passes the gateway's
 * check is also shallow enough for the response cache to key (responseCache.ts).
 */
export const INPUT_DEPTH_CEILING = 100

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  NODE_ENV: z.string().default('development'),
  /** A postgres:// URL; without it the embedded PGlite store is used. */
  DATABASE_URL: optionalText,
  /** Where the embedded store and the development issuer's key live. */
  HD4RES_DATA_DIR: z.string().default('.data'),
  /** Shared by gateway and subgraphs to sign the identity header. */
  HD4RES_IDENTITY_SECRET: optionalText,
  HD4RES_PUBLICATIONS_FILE: optionalText,
  HD4RES_PUBLICATIONS_AVAILABLE: optionalText,
  HD4RES_SUPPRESSION_THRESHOLD: z.coerce.number().int().min(2).default(5),
  /** OIDC: the token issuer, audience and JWKS address. Absent in embedded mode: the development issuer signs. */
  HD4RES_OIDC_ISSUER: optionalText,
  HD4RES_OIDC_AUDIENCE: optionalText,
  HD4RES_OIDC_JWKS_URL: z.url().optional(),
  HD4RES_DEMO_SIZE: z.enum(['small', 'default', 'large']).default('default'),
  /** Signing algorithms accepted from the OIDC provider: asymmetric ones only. */
  HD4RES_OIDC_ALGORITHMS: z
    .string()
    .default('RS256,ES256,PS256,EdDSA')
    .transform((v) =>
      v
        .split(',')
        .map((a) => a.trim())
        .filter(Boolean),
    )
    .refine((list) => list.length > 0 && list.every((a) => /^(RS|PS|ES)(256|384|512)$|^EdDSA$|^Ed25519$/.test(a)), {
      message: 'only asymmetric algorithms (RS256, PS256, ES256, EdDSA…) may be accepted',
    }),
  /** Where the token keeps the researcher's display name and roles (a dotted path, e.g. realm_access.roles). */
  HD4RES_CLAIM_NAME: z.string().default('name'),
  HD4RES_CLAIM_ROLES: z.string().default('roles'),
  /** The role that may read the platform-wide lists of data users. */
  HD4RES_PLATFORM_LISTS_ROLE: z.string().default('researcher'),
  HD4RES_INTROSPECTION: z.enum(['on', 'off']).optional(),
  HD4RES_GRAPHIQL: z.enum(['on', 'off']).optional(),
  HD4RES_MAX_DEPTH: z.coerce.number().int().min(2).default(12),
  HD4RES_MAX_ALIASES: z.coerce.number().int().min(1).default(30),
  HD4RES_MAX_TOKENS: z.coerce.number().int().min(100).default(5000),
  HD4RES_MAX_DIRECTIVES: z.coerce.number().int().min(1).default(30),
  /** What one operation may cost, as gateway/cost.ts counts it: a year of history of every component, with room to spare. */
  HD4RES_MAX_COST: z.coerce.number().int().min(100).default(60_000),
  /** What the operations of one batched request may cost together (gateway/cost.ts). */
  HD4RES_MAX_BATCH_COST: z.coerce.number().int().min(100).default(120_000),
  /** The largest answer the gateway sends, in bytes of JSON (a batch's answer as a whole): 8 MiB. */
  HD4RES_MAX_ANSWER_BYTES: z.coerce.number().int().min(1024).default(8_388_608),
  HD4RES_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(100_000),
  HD4RES_MAX_BATCH: z.coerce.number().int().min(1).default(10),
  /** Objects and lists nested in a request's variables and extensions, refused before anything walks them. */
  HD4RES_MAX_INPUT_DEPTH: z.coerce.number().int().min(1).max(INPUT_DEPTH_CEILING).default(32),
  /** Operations per minute (a batch counts each of its own), per researcher and per client address. */
  HD4RES_RATE_PER_RESEARCHER: z.coerce.number().int().min(1).default(600),
  HD4RES_RATE_PER_ADDRESS: z.coerce.number().int().min(1).default(1200),
  /**
   * The proxies in front of the gateway (addresses or CIDR ranges): a client's
   * address is read from X-Forwarded-For through these hops only. None by
   * default: the socket's address, and X-Forwarded-For is ignored.
   */
  HD4RES_TRUSTED_PROXIES: checkedList(trustedProxyProblem),
  /** The exact origins whose pages may call the API from a browser (CORS); none by default. */
  HD4RES_CORS_ORIGINS: checkedList(corsOriginProblem),
  /** How long a browser may keep a CORS preflight's answer, in seconds. */
  HD4RES_CORS_MAX_AGE: z.coerce.number().int().min(0).max(86_400).default(600),
  /** How long a client may take to send a request's headers, its whole request, and how long a kept-alive connection may idle. */
  HD4RES_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  HD4RES_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  HD4RES_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
  HD4RES_SUBGRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** A JSON manifest of persisted operations (Apollo's, or the client preset's persisted-documents.json); gateway/persisted.ts. */
  HD4RES_SAFELIST_FILE: optionalText,
  /** With a manifest: answer only its operations (safelist), or any text too, the manifest naming documents by id (allow). */
  HD4RES_PERSISTED_OPERATIONS: z.enum(['safelist', 'allow']).default('safelist'),
  HD4RES_BACKUP_DIR: optionalText,
  /** Whole-response cache: on by default, in Redis when REDIS_URL is set. */
  HD4RES_RESPONSE_CACHE: z.enum(['on', 'off']).default('on'),
  HD4RES_RESPONSE_CACHE_MB: z.coerce.number().int().min(1).default(64),
  HD4RES_RESPONSE_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).default(600),
  /** After a data version change, how long a miss may be answered from the previous version's entry while it is recomputed (0: off). */
  HD4RES_RESPONSE_CACHE_STALE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /** How many of those recomputes a gateway process runs at once (docs/performance.md: more at once slows the stale answers themselves). */
  HD4RES_RESPONSE_CACHE_RECOMPUTES: z.coerce.number().int().min(1).max(64).default(1),
  /** The bearer token Prometheus sends to /metrics (gateway and subgraphs); without it /metrics is open in development and closed in production. */
  HD4RES_METRICS_TOKEN: z.string().trim().min(16).optional(),
  HD4RES_SUBGRAPH_CACHE_MB: z.coerce.number().int().min(0).default(64),
  HD4RES_SUBGRAPH_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).default(300),
  HD4RES_GATEWAY_WORKERS: z
    .string()
    .regex(/^(auto|\d+)$/, 'a whole number, or "auto"')
    .default('1'),
  /** V8's young generation for each gateway worker, MB per semi-space; 0 keeps V8's default (about 64 MB on Node 24, gateway/cluster.ts). */
  HD4RES_GATEWAY_SEMI_SPACE_MB: z.coerce.number().int().min(0).max(1024).default(32),
  /** Each gateway worker's old-generation limit, MB: "auto" sizes it from the caches; 0 sets none. */
  HD4RES_GATEWAY_HEAP_MB: z
    .string()
    .regex(/^(auto|\d+)$/, 'a whole number of MB, or "auto"')
    .refine(
      (v) => v === 'auto' || v === '0' || Number(v) >= 128,
      'at least 128 MB (what a gateway holds without its caches), 0 for no limit, or "auto"',
    )
    .default('auto'),
  HD4RES_SUBGRAPH_KEEPALIVE: z.enum(['on', 'off']).default('on'),
  HD4RES_SUBGRAPH_CONNECTIONS: z.coerce.number().int().min(1).max(1024).default(64),
  HD4RES_DOCUMENT_CACHE_MB: z.coerce.number().int().min(0).default(30),
  HD4RES_QUERY_PLAN_CACHE_MB: z.coerce.number().int().min(0).default(30),
  /** Shape answers with the compiled shaper (gateway/shaping.ts); off: as stock @apollo/gateway does, only to measure the difference. */
  HD4RES_COMPILED_SHAPING: z.enum(['on', 'off']).default('on'),
  /** How long the gateway trusts the data version it last read before asking again (and a subgraph a read of the same version). */
  HD4RES_DATA_VERSION_CHECK_MS: z.coerce.number().int().min(0).default(1000),
  /** How long the gateway uses a researcher's memberships before asking the participants subgraph again. */
  HD4RES_MEMBERSHIPS_TTL_MS: z.coerce.number().int().min(0).default(30_000),
  /** How old the last memberships participants gave (and the last data version) may be and still answer while it cannot; 0: never. */
  HD4RES_MEMBERSHIPS_STALE_MS: z.coerce.number().int().min(0).default(300_000),
  REDIS_URL: optionalText,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The audit trail: off only for the benchmark's lever, never in production. */
  HD4RES_AUDIT: z.enum(['on', 'off']).default('on'),
  HD4RES_AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(AUDIT_RETENTION_DAYS_DEFAULT),
  /** Where each gateway process keeps its spool of audit records until they are shipped; <HD4RES_DATA_DIR>/audit when absent. */
  HD4RES_AUDIT_SPOOL_DIR: optionalText,
  HD4RES_AUDIT_SHIP_MS: z.coerce.number().int().min(50).max(3_600_000).default(1000),
  /** Also write each audit record to the log, as a JSON line at info level, for a log store. */
  HD4RES_AUDIT_LOG: z.enum(['on', 'off']).default('off'),
  /** The collectors' configuration file, for `collect all` and the schedule. */
  HD4RES_COLLECTORS_CONFIG: optionalText,
  /** A cron expression (UTC): run `collect all` inside the served process. Off when absent. */
  HD4RES_COLLECT_SCHEDULE: optionalText,
  /** A cron expression (UTC): run the availability collector (`collect availability`) inside the served process; off for none. */
  HD4RES_AVAILABILITY_SCHEDULE: z.string().trim().min(1).default(AVAILABILITY_SCHEDULE_DEFAULT),
  /** A component whose newest availability check is older than this reads UNKNOWN; must exceed the schedule's interval. */
  HD4RES_STATUS_STALE_AFTER_SECONDS: z.coerce
    .number()
    .int()
    .min(1)
    .max(86_400 * 7)
    .default(STATUS_STALE_AFTER_SECONDS_DEFAULT),
  /** On SIGTERM: how long a part finishes the requests it has before it exits anyway (below Kubernetes' 30 s grace period). */
  HD4RES_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
  /** A ticket's page on the portal: {sys_id}, {number} and {table} are filled in; off links to none. */
  HD4RES_SERVICE_PORTAL_URL_TEMPLATE: z
    .string()
    .trim()
    .default(SERVICE_PORTAL_URL_TEMPLATE_DEFAULT)
    .superRefine((template, ctx) => {
      const message = portalTemplateProblem(template)
      if (message) ctx.addIssue({ code: 'custom', message })
    }),
})

/**
 * Each subgraph's address, for a gateway in its own process, comes from
 * HD4RES_SUBGRAPH_<NAME>_URL: whichever subgraphs the supergraph joins,
 * without a setting per name here.
 */
const SUBGRAPH_URL_VARIABLE = /^HD4RES_SUBGRAPH_([A-Z][A-Z0-9_]*)_URL$/
const subgraphUrlSchema = z.url({ error: 'must be an absolute URL, e.g. http://127.0.0.1:4002/graphql' })

/** The environment variable that holds a subgraph's address. */
export function subgraphUrlVariable(name: string): string {
  return `HD4RES_SUBGRAPH_${name.toUpperCase()}_URL`
}

function readSubgraphUrls(env: Record<string, string | undefined>): { urls: Record<string, string>; problems: string[] } {
  const urls: Record<string, string> = {}
  const problems: string[] = []
  for (const [variable, value] of Object.entries(env)) {
    const name = SUBGRAPH_URL_VARIABLE.exec(variable)?.[1]
    if (!name || value === undefined) continue
    const parsed = subgraphUrlSchema.safeParse(value)
    if (parsed.success) urls[name.toLowerCase()] = parsed.data
    else problems.push(`  ${variable}: ${parsed.error.issues[0]!.message}`)
  }
  return { urls, problems }
}

export type Env = z.infer<typeof envSchema>

export interface GatewayLimits {
  maxDepth: number
  maxAliases: number
  maxTokens: number
  maxDirectives: number
  maxCost: number
  /** What a batch's operations may cost together. */
  maxBatchCost: number
  /** The largest answer sent, in bytes of JSON. */
  maxAnswerBytes: number
  maxBodyBytes: number
  maxBatch: number
  ratePerResearcher: number
  ratePerAddress: number
  subgraphTimeoutMs: number
  /** How long a researcher's memberships are used before participants is asked again. */
  membershipsTtlMs: number
  /** How old the last known memberships (and data version) may be and still answer while participants cannot; past it, 503. */
  membershipsStaleMs: number
  /** Objects and lists nested in an operation's variables and extensions. */
  maxInputDepth: number
  /** The time a client has to send a request's headers (slow clients must not hold sockets). */
  headersTimeoutMs: number
  /** The time a client has to send a whole request, headers and body; not the time to answer it. */
  requestTimeoutMs: number
  /** How long a kept-alive connection may idle between requests. */
  keepAliveTimeoutMs: number
}

export interface ResponseCacheSettings {
  enabled: boolean
  maxMegabytes: number
  ttlSeconds: number
  /**
   * After a data version change, how long (seconds) a miss is answered from
   * the previous version's entry for the same operation and researcher while
   * the entry is recomputed in the background; 0 or absent: never.
   */
  staleSeconds?: number
  /** Background recomputes of stale answers at once, per gateway process (default 1). */
  recomputes?: number
  versionCheckMs: number
  redisUrl?: string
}

export interface GatewayPerformanceSettings {
  /** Gateway processes behind one port (production entry point). */
  workers: string
  /** V8 semi-space size for each worker, MB (0: V8's default). */
  semiSpaceMb: number
  /** Old-generation limit for each worker, MB, or "auto" (cluster.ts, gatewayHeapMb). */
  heapMb: string
  /** Keep connections to the subgraphs open between requests. */
  keepAlive: boolean
  /** Connections per subgraph address. */
  subgraphConnections: number
  /** Parsed and validated documents kept; 0 turns the cache off. */
  documentCacheMb: number
  /** Query plans kept; 0 turns the cache off. */
  queryPlanCacheMb: number
  /** Answers shaped by compiled closures instead of @apollo/gateway's walk (gateway/shaping.ts). */
  compiledShaping: boolean
}

export interface CorsSettings {
  /** Exact origins (scheme, host, port) whose pages may call the API with credentials. */
  origins: string[]
  /** How long a browser keeps a preflight's answer. */
  maxAgeSeconds: number
}

export interface AuditSettings {
  enabled: boolean
  /** Days the participants subgraph keeps audit records. */
  retentionDays: number
  /** The spool folder when HD4RES_AUDIT_SPOOL_DIR sets one; otherwise the entry point chooses (auditSpoolDir). */
  spoolDir?: string
  /** How often each gateway ships its spool, milliseconds. */
  shipIntervalMs: number
  /** Each record also to the log (info), for a log store. */
  logLines: boolean
}

export interface Settings {
  port: number
  host: string
  production: boolean
  databaseUrl?: string
  dataDir: string
  identitySecret?: string
  publicationsFile?: string
  publicationsAvailable?: string
  suppressionThreshold: number
  oidc?: { issuer: string; audience: string; jwksUrl: string }
  demoSize: 'small' | 'default' | 'large'
  collectorsConfig?: string
  collectSchedule?: string
  /** HD4RES_AVAILABILITY_SCHEDULE (cron, UTC), null when off; HD4RES_STATUS_STALE_AFTER_SECONDS. */
  availability: { schedule: string | null; staleAfterSeconds: number }
  /** HD4RES_SHUTDOWN_TIMEOUT_MS. */
  shutdownTimeoutMs: number
  oidcAlgorithms: string[]
  claims: { name: string; roles: string }
  platformListsRole: string
  introspection: boolean
  graphiql: boolean
  limits: GatewayLimits
  /** HD4RES_TRUSTED_PROXIES: addresses and CIDR ranges; empty when the gateway faces its clients. */
  trustedProxies: string[]
  /** HD4RES_CORS_ORIGINS and HD4RES_CORS_MAX_AGE; no origins: no CORS. */
  cors: CorsSettings
  safelistFile?: string
  /** HD4RES_PERSISTED_OPERATIONS: what the manifest of HD4RES_SAFELIST_FILE is. */
  persistedOperations: 'safelist' | 'allow'
  responseCache: ResponseCacheSettings
  /** Each subgraph's answers within one version of the store (0 MB: off). */
  subgraphCache: { maxMegabytes: number; ttlSeconds: number; versionTrustMs: number }
  performance: GatewayPerformanceSettings
  metricsToken?: string
  backupDir: string
  logLevel: string
  /** HD4RES_SERVICE_PORTAL_URL_TEMPLATE; null when it is off. */
  servicePortalUrlTemplate: string | null
  audit: AuditSettings
  /**
   * Subgraph addresses by name, from every HD4RES_SUBGRAPH_<NAME>_URL set; the
   * committed supergraph says which ones a gateway needs.
   */
  subgraphUrls: Readonly<Record<string, string>>
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  // An empty variable (FOO=) means "not set", as shells and compose files write it.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''))
  const parsed = envSchema.safeParse(given)
  const subgraphs = readSubgraphUrls(given)
  if (!parsed.success || subgraphs.problems.length > 0) {
    const lines = (parsed.error?.issues ?? []).map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid settings in the environment:\n${[...lines, ...subgraphs.problems].join('\n')}`)
  }
  const e = parsed.data
  const oidcParts = [e.HD4RES_OIDC_ISSUER, e.HD4RES_OIDC_AUDIENCE, e.HD4RES_OIDC_JWKS_URL]
  if (oidcParts.some(Boolean) && !oidcParts.every(Boolean)) {
    throw new Error('Set all of HD4RES_OIDC_ISSUER, HD4RES_OIDC_AUDIENCE and HD4RES_OIDC_JWKS_URL, or none')
  }
  if (e.HD4RES_HEADERS_TIMEOUT_MS > e.HD4RES_REQUEST_TIMEOUT_MS) {
    throw new Error(
      `HD4RES_HEADERS_TIMEOUT_MS (${e.HD4RES_HEADERS_TIMEOUT_MS}) may not exceed HD4RES_REQUEST_TIMEOUT_MS (${e.HD4RES_REQUEST_TIMEOUT_MS}): the whole request includes its headers`,
    )
  }
  if (e.NODE_ENV === 'production' && e.HD4RES_AUDIT === 'off') {
    throw new Error(
      'HD4RES_AUDIT=off is refused with NODE_ENV=production: every answered operation must leave an audit record (the switch exists only to measure its cost)',
    )
  }
  const availabilitySchedule = e.HD4RES_AVAILABILITY_SCHEDULE === 'off' ? null : e.HD4RES_AVAILABILITY_SCHEDULE
  const staleness = stalenessProblem(availabilitySchedule, e.HD4RES_STATUS_STALE_AFTER_SECONDS)
  if (staleness) throw new Error(staleness)
  return {
    port: e.PORT,
    host: e.HOST,
    production: e.NODE_ENV === 'production',
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.HD4RES_DATA_DIR),
    identitySecret: e.HD4RES_IDENTITY_SECRET,
    publicationsFile: e.HD4RES_PUBLICATIONS_FILE,
    publicationsAvailable: e.HD4RES_PUBLICATIONS_AVAILABLE,
    suppressionThreshold: e.HD4RES_SUPPRESSION_THRESHOLD,
    oidc: e.HD4RES_OIDC_ISSUER
      ? { issuer: e.HD4RES_OIDC_ISSUER, audience: e.HD4RES_OIDC_AUDIENCE!, jwksUrl: e.HD4RES_OIDC_JWKS_URL! }
      : undefined,
    demoSize: e.HD4RES_DEMO_SIZE,
    collectorsConfig: e.HD4RES_COLLECTORS_CONFIG,
    collectSchedule: e.HD4RES_COLLECT_SCHEDULE,
    availability: { schedule: availabilitySchedule, staleAfterSeconds: e.HD4RES_STATUS_STALE_AFTER_SECONDS },
    shutdownTimeoutMs: e.HD4RES_SHUTDOWN_TIMEOUT_MS,
    oidcAlgorithms: e.HD4RES_OIDC_ALGORITHMS,
    claims: { name: e.HD4RES_CLAIM_NAME, roles: e.HD4RES_CLAIM_ROLES },
    platformListsRole: e.HD4RES_PLATFORM_LISTS_ROLE,
    // Off in production unless switched on; on elsewhere unless switched off.
    introspection: e.HD4RES_INTROSPECTION ? e.HD4RES_INTROSPECTION === 'on' : e.NODE_ENV !== 'production',
    graphiql: e.HD4RES_GRAPHIQL ? e.HD4RES_GRAPHIQL === 'on' : e.NODE_ENV !== 'production',
    limits: {
      maxDepth: e.HD4RES_MAX_DEPTH,
      maxAliases: e.HD4RES_MAX_ALIASES,
      maxTokens: e.HD4RES_MAX_TOKENS,
      maxDirectives: e.HD4RES_MAX_DIRECTIVES,
      maxCost: e.HD4RES_MAX_COST,
      maxBatchCost: e.HD4RES_MAX_BATCH_COST,
      maxAnswerBytes: e.HD4RES_MAX_ANSWER_BYTES,
      maxBodyBytes: e.HD4RES_MAX_BODY_BYTES,
      maxBatch: e.HD4RES_MAX_BATCH,
      ratePerResearcher: e.HD4RES_RATE_PER_RESEARCHER,
      ratePerAddress: e.HD4RES_RATE_PER_ADDRESS,
      subgraphTimeoutMs: e.HD4RES_SUBGRAPH_TIMEOUT_MS,
      membershipsTtlMs: e.HD4RES_MEMBERSHIPS_TTL_MS,
      membershipsStaleMs: e.HD4RES_MEMBERSHIPS_STALE_MS,
      maxInputDepth: e.HD4RES_MAX_INPUT_DEPTH,
      headersTimeoutMs: e.HD4RES_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HD4RES_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HD4RES_KEEP_ALIVE_TIMEOUT_MS,
    },
    trustedProxies: e.HD4RES_TRUSTED_PROXIES,
    cors: { origins: e.HD4RES_CORS_ORIGINS, maxAgeSeconds: e.HD4RES_CORS_MAX_AGE },
    safelistFile: e.HD4RES_SAFELIST_FILE,
    persistedOperations: e.HD4RES_PERSISTED_OPERATIONS,
    responseCache: {
      enabled: e.HD4RES_RESPONSE_CACHE === 'on',
      maxMegabytes: e.HD4RES_RESPONSE_CACHE_MB,
      ttlSeconds: e.HD4RES_RESPONSE_CACHE_TTL_SECONDS,
      staleSeconds: e.HD4RES_RESPONSE_CACHE_STALE_SECONDS,
      recomputes: e.HD4RES_RESPONSE_CACHE_RECOMPUTES,
      versionCheckMs: e.HD4RES_DATA_VERSION_CHECK_MS,
      redisUrl: e.REDIS_URL,
    },
    metricsToken: e.HD4RES_METRICS_TOKEN,
    subgraphCache: {
      maxMegabytes: e.HD4RES_SUBGRAPH_CACHE_MB,
      ttlSeconds: e.HD4RES_SUBGRAPH_CACHE_TTL_SECONDS,
      versionTrustMs: e.HD4RES_DATA_VERSION_CHECK_MS,
    },
    performance: {
      workers: e.HD4RES_GATEWAY_WORKERS,
      semiSpaceMb: e.HD4RES_GATEWAY_SEMI_SPACE_MB,
      heapMb: e.HD4RES_GATEWAY_HEAP_MB,
      keepAlive: e.HD4RES_SUBGRAPH_KEEPALIVE === 'on',
      subgraphConnections: e.HD4RES_SUBGRAPH_CONNECTIONS,
      documentCacheMb: e.HD4RES_DOCUMENT_CACHE_MB,
      queryPlanCacheMb: e.HD4RES_QUERY_PLAN_CACHE_MB,
      compiledShaping: e.HD4RES_COMPILED_SHAPING === 'on',
    },
    backupDir: path.resolve(e.HD4RES_BACKUP_DIR ?? (e.NODE_ENV === 'production' ? '/backup' : path.join(e.HD4RES_DATA_DIR, 'backups'))),
    logLevel: e.LOG_LEVEL,
    servicePortalUrlTemplate: e.HD4RES_SERVICE_PORTAL_URL_TEMPLATE === 'off' ? null : e.HD4RES_SERVICE_PORTAL_URL_TEMPLATE,
    audit: {
      enabled: e.HD4RES_AUDIT === 'on',
      retentionDays: e.HD4RES_AUDIT_RETENTION_DAYS,
      spoolDir: e.HD4RES_AUDIT_SPOOL_DIR ? path.resolve(e.HD4RES_AUDIT_SPOOL_DIR) : undefined,
      shipIntervalMs: e.HD4RES_AUDIT_SHIP_MS,
      logLines: e.HD4RES_AUDIT_LOG === 'on',
    },
    subgraphUrls: subgraphs.urls,
  }
}

/** What every subgraph takes from the settings. */
export function subgraphSettingsFrom(settings: Settings, identitySecret: string): SubgraphSettings {
  return {
    identitySecret,
    suppressionThreshold: settings.suppressionThreshold,
    production: settings.production,
    platformListsRole: settings.platformListsRole,
    resultCache: settings.subgraphCache,
    metricsToken: settings.metricsToken,
    auditRetentionDays: settings.audit.retentionDays,
    logLevel: settings.logLevel,
    servicePortalUrlTemplate: settings.servicePortalUrlTemplate,
    statusStaleAfterSeconds: settings.availability.staleAfterSeconds,
  }
}

/** The audit spool folder: HD4RES_AUDIT_SPOOL_DIR, or `audit` in the data folder, beside the embedded store. */
export function auditSpoolDir(settings: Pick<Settings, 'audit' | 'dataDir'>): string {
  return settings.audit.spoolDir ?? path.join(settings.dataDir, 'audit')
}
