/**
 * The production entry point: one part of the graph per process, against a
 * PostgreSQL server, as many replicas as needed behind a load balancer.
 *
 *   npm run serve -- <participants|records|subjects|components|support>
 *   npm run serve -- gateway
 *   npm run serve -- collector   (the daily collectors on their schedule, nothing else)
 *   npm run serve -- collect <source> [options]   (one collector run, as npm run collect)
 *
 * HD4RES_COLLECT_SCHEDULE (cron, UTC) with HD4RES_COLLECTORS_CONFIG runs
 * `collect all` for the previous day inside the process; off by default.
 *
 * Settings come from the environment (see README, "Running on PostgreSQL").
 */
import 'reflect-metadata'
import type { FastifyInstance } from 'fastify'
import { loadDevIssuer, oidcVerifier } from '../gateway/auth.js'
import { readSettings, type Settings } from '../gateway/config.js'
import { createGateway, gatewayOptionsFrom } from '../gateway/server.js'
import { readCommittedSupergraph } from '../gateway/supergraph.js'
import { startCollectSchedule } from '../collectors/schedule.js'
import { migrateAll, SUBGRAPHS, subgraphByName } from '../subgraphs/index.js'
import { openDb } from '../subgraphs/kit/db.js'
import { loadPublicationRegistry } from '../subgraphs/kit/publications.js'
import { secretsOf } from '../subgraphs/kit/identity.js'
import { createSubgraphServer } from '../subgraphs/kit/subgraph.js'

const USAGE = `Usage: npm run serve -- <${SUBGRAPHS.map((s) => s.name).join('|')}|gateway|collector>`

function requireSecret(settings: Settings): string {
  const secrets = settings.identitySecret ? secretsOf(settings.identitySecret) : []
  if (secrets.length === 0 || secrets.some((s) => s.length < 32)) {
    throw new Error('Set HD4RES_IDENTITY_SECRET (at least 32 characters; during a rotation "new,old"), the same for the gateway and every subgraph')
  }
  return settings.identitySecret!
}

async function serveSubgraph(name: string, settings: Settings): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const definition = subgraphByName(name)
  if (!settings.databaseUrl) {
    throw new Error('A subgraph in its own process needs PostgreSQL: set DATABASE_URL (the embedded store serves one process only; use npm start)')
  }
  const identitySecret = requireSecret(settings)
  const db = await openDb({ databaseUrl: settings.databaseUrl })
  await migrateAll(db, [definition])
  const registry = loadPublicationRegistry({ overrideFile: settings.publicationsFile, available: settings.publicationsAvailable })
  const app = await createSubgraphServer(definition, {
    db,
    registry,
    settings: { identitySecret, suppressionThreshold: settings.suppressionThreshold, production: settings.production, platformListsRole: settings.platformListsRole },
  })
  return {
    app,
    close: async () => {
      await app.close()
      await db.close()
    },
  }
}

async function serveGateway(settings: Settings): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const identitySecret = requireSecret(settings)
  const missing = Object.entries(settings.subgraphUrls).filter(([, url]) => !url).map(([name]) => `HD4RES_SUBGRAPH_${name.toUpperCase()}_URL`)
  if (missing.length > 0) throw new Error(`Set the subgraph addresses: ${missing.join(', ')}`)
  if (settings.production && !settings.oidc) {
    throw new Error('In production the gateway needs an OIDC provider: set HD4RES_OIDC_ISSUER, HD4RES_OIDC_AUDIENCE and HD4RES_OIDC_JWKS_URL')
  }
  const verifier = settings.oidc ? oidcVerifier(settings.oidc, settings.oidcAlgorithms, settings.claims) : (await loadDevIssuer(settings.dataDir)).verifier
  const { graphiqlEnabled, ...fromSettings } = gatewayOptionsFrom(settings)
  const { app } = await createGateway({
    ...fromSettings,
    supergraphSdl: readCommittedSupergraph(),
    subgraphUrls: settings.subgraphUrls as Record<string, string>,
    identitySecret,
    verifier,
    graphiql: { enabled: graphiqlEnabled },
  })
  return { app, close: () => app.close() }
}

/** The in-process collect schedule, when one is configured. */
async function maybeSchedule(part: string, settings: Settings): Promise<(() => Promise<void>) | null> {
  const cron = settings.collectSchedule
  const configFile = settings.collectorsConfig
  if (!cron) {
    if (part === 'collector') throw new Error('serve -- collector needs HD4RES_COLLECT_SCHEDULE (cron, e.g. "0 4 * * *") and HD4RES_COLLECTORS_CONFIG')
    return null
  }
  if (!configFile) throw new Error('HD4RES_COLLECT_SCHEDULE needs HD4RES_COLLECTORS_CONFIG, the collectors configuration file')
  if (!settings.databaseUrl) throw new Error('The collect schedule needs DATABASE_URL')
  const db = await openDb({ databaseUrl: settings.databaseUrl, poolSize: 2 })
  await migrateAll(db)
  const schedule = startCollectSchedule({ db, configFile, cron, env: process.env, log: (line) => console.log(line) })
  console.log(`collect all scheduled "${cron}" (UTC); next run ${schedule.nextRun()?.toISOString() ?? 'never'}`)
  return async () => {
    schedule.stop()
    await db.close()
  }
}

async function main(): Promise<void> {
  const part = process.argv[2]
  if (!part || part === '--help') {
    console.error(USAGE)
    process.exit(2)
  }
  if (part === 'collect') {
    // `serve -- collect <source> ...` is `collect -- <source> ...`, for hosts that only run the entry point.
    process.argv.splice(2, 1)
    await import('./collect.js')
    return
  }
  const settings = readSettings()
  const stopSchedule = await maybeSchedule(part, settings)
  const served =
    part === 'collector' ? null : part === 'gateway' ? await serveGateway(settings) : await serveSubgraph(part, settings)
  if (served) {
    const address = await served.app.listen({ port: settings.port, host: settings.host })
    console.log(`${part} listening on ${address}${part === 'gateway' ? '/graphql' : '/graphql (through the gateway only)'}`)
  }
  const stop = async () => {
    await stopSchedule?.()
    await served?.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void stop())
  process.once('SIGTERM', () => void stop())
}

main().catch((error: unknown) => {
  console.error((error as Error).message)
  process.exit(1)
})
