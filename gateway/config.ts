/**
 * The gateway's and launcher's settings: read once from the environment,
 * validated, and passed down. Nothing below reads process.env.
 */
import path from 'node:path'
import { z } from 'zod'
import type { SubgraphName } from '../subgraphs/index.js'

const optionalText = z.string().trim().min(1).optional()

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
  /** The collectors' configuration file, for `collect all` and the schedule. */
  HD4RES_COLLECTORS_CONFIG: optionalText,
  /** A cron expression (UTC): run `collect all` inside the served process. Off when absent. */
  HD4RES_COLLECT_SCHEDULE: optionalText,
  HD4RES_SUBGRAPH_PARTICIPANTS_URL: z.url().optional(),
  HD4RES_SUBGRAPH_RECORDS_URL: z.url().optional(),
  HD4RES_SUBGRAPH_SUBJECTS_URL: z.url().optional(),
  HD4RES_SUBGRAPH_COMPONENTS_URL: z.url().optional(),
  HD4RES_SUBGRAPH_SUPPORT_URL: z.url().optional(),
})

export type Env = z.infer<typeof envSchema>

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
  subgraphUrls: Partial<Record<SubgraphName, string>>
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  // An empty variable (FOO=) means "not set", as shells and compose files write it.
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')))
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`)
    throw new Error(`Invalid settings in the environment:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  const oidcParts = [e.HD4RES_OIDC_ISSUER, e.HD4RES_OIDC_AUDIENCE, e.HD4RES_OIDC_JWKS_URL]
  if (oidcParts.some(Boolean) && !oidcParts.every(Boolean)) {
    throw new Error('Set all of HD4RES_OIDC_ISSUER, HD4RES_OIDC_AUDIENCE and HD4RES_OIDC_JWKS_URL, or none')
  }
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
    subgraphUrls: {
      participants: e.HD4RES_SUBGRAPH_PARTICIPANTS_URL,
      records: e.HD4RES_SUBGRAPH_RECORDS_URL,
      subjects: e.HD4RES_SUBGRAPH_SUBJECTS_URL,
      components: e.HD4RES_SUBGRAPH_COMPONENTS_URL,
      support: e.HD4RES_SUBGRAPH_SUPPORT_URL,
    },
  }
}
