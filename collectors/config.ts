/**
 * The collectors' configuration file (YAML), for `collect all` and the
 * internal-components collector: where each source is, and which environment
 * variables hold connection strings and credentials (secrets stay out of the
 * file). See config/collectors.example.yaml.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { z } from 'zod'
import { INTERNAL_RECORD_COMPONENTS, type ComponentId } from '../subgraphs/kit/catalogue/components.js'
import type { InternalCountsConfig } from './internal.js'
import type { ServiceNowAuth } from './servicenow/collect.js'

const envName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be the name of an environment variable, e.g. HD4RES_DWH_URL')
const sqlSource = z.strictObject({ databaseEnv: envName, query: z.string().min(10) })
const location = z.string().min(1)

const schema = z.strictObject({
  hd4devops: z
    .strictObject({
      /** A folder, or an address template with {component} and {day}. */
      counts: location.optional(),
      availability: location.optional(),
      /** The monitoring endpoint's current checks (an address, or a file): the availability collector, every few minutes. */
      checks: location.optional(),
      tokenEnv: envName.optional(),
    })
    .optional(),
  internal: z
    .strictObject({
      components: z.partialRecord(z.enum(INTERNAL_RECORD_COMPONENTS as [ComponentId, ...ComponentId[]]), sqlSource),
      multiStudy: sqlSource.optional(),
    })
    .optional(),
  servicenow: z
    .strictObject({
      baseUrl: z.url(),
      // The tickets' tables and task_sla (servicenow/collect.ts SERVICENOW_TABLES).
      tables: z.array(z.enum(['incident', 'sc_request', 'task_sla'])).default(['incident', 'sc_request', 'task_sla']),
      projectField: z.string().default('u_project'),
      pageSize: z.number().int().min(1).max(10_000).default(1000),
      userEnv: envName.optional(),
      passwordEnv: envName.optional(),
      tokenEnv: envName.optional(),
      timeoutSeconds: z.number().positive().default(30),
    })
    .optional(),
  /** Share of a day-to-day drop that earns a warning. */
  dropWarningShare: z.number().min(0).max(1).default(0.2),
  /** Accepted so that older files still load, and not read: the schedule is HD4RES_COLLECT_SCHEDULE. */
  schedule: z.string().optional(),
})

export type CollectorsConfig = z.infer<typeof schema>

export function loadCollectorsConfig(file: string): CollectorsConfig {
  let raw: unknown
  try {
    raw = parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new Error(`Cannot read the collectors configuration ${file}: ${(error as Error).message}`)
  }
  const parsed = schema.safeParse(raw ?? {})
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new Error(`${file}: ${issue.path.join('.') || '(top)'}: ${issue.message}`)
  }
  return parsed.data
}

function fromEnv(env: NodeJS.ProcessEnv, name: string, what: string): string {
  const value = env[name]
  if (!value) throw new Error(`Set ${name}: it holds ${what}`)
  return value
}

export function internalCountsConfig(config: CollectorsConfig, env: NodeJS.ProcessEnv): InternalCountsConfig {
  if (!config.internal) throw new Error('The collectors configuration has no "internal" section')
  const source = (s: { databaseEnv: string; query: string }, what: string) => ({
    databaseUrl: fromEnv(env, s.databaseEnv, `the connection string of ${what}`),
    query: s.query,
  })
  return {
    components: Object.fromEntries(
      Object.entries(config.internal.components).map(([id, s]) => [id, source(s!, id)]),
    ) as InternalCountsConfig['components'],
    multiStudy: config.internal.multiStudy ? source(config.internal.multiStudy, 'the warehouse') : undefined,
  }
}

export function serviceNowAuth(config: NonNullable<CollectorsConfig['servicenow']>, env: NodeJS.ProcessEnv): ServiceNowAuth | undefined {
  if (config.tokenEnv) return { token: fromEnv(env, config.tokenEnv, 'the ServiceNow bearer token') }
  if (config.userEnv) {
    return {
      user: fromEnv(env, config.userEnv, 'the ServiceNow user'),
      password: fromEnv(env, config.passwordEnv ?? 'SERVICENOW_PASSWORD', 'the ServiceNow password'),
    }
  }
  return undefined
}
