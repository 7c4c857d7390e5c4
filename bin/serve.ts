/**
 * The production entry point: one part of the graph per process, against a
 * PostgreSQL server, as many replicas as needed behind a load balancer.
 *
 *   npm run serve -- <subgraph>   (any name subgraphs/index.ts lists: participants, records, …)
 *   npm run serve -- gateway
 *   npm run serve -- collector   (the collectors on their schedules, nothing else)
 *   npm run serve -- collect <source> [options]   (one collector run, as npm run collect)
 *   npm run serve -- migrate     (every subgraph's migrations, then exit: a deployment's step before rollout)
 *
 * HD4RES_COLLECT_SCHEDULE (cron, UTC) with HD4RES_COLLECTORS_CONFIG runs
 * `collect all` for the previous day inside the process; off by default.
 * Beside it (and in the collector part), HD4RES_AVAILABILITY_SCHEDULE runs
 * the availability collector every 5 minutes when the configuration names
 * an hd4devops.checks endpoint.
 *
 * Settings come from the environment (docs/operations.md lists them). What a
 * served part says of itself (listening, workers ready, stopping, the collect
 * schedule's runs) is a JSON line in the deployment's log format, named after
 * the part (platform/log.ts); a part that cannot start says why on standard
 * error in plain words and exits 1.
 */
// First of all: tracing (when OTEL_* asks for it) must be on before the servers' modules load.
import './tracing.js'
import 'reflect-metadata'
import cluster from 'node:cluster'
import type { FastifyInstance } from 'fastify'
import { gatewayNodeFlags, runClustered, stopOnSignals, workerCount } from '../gateway/cluster.js'
import { loadDevIssuer } from '../gateway/auth.js'
import { checkSettings, type Part } from '../launch/checks.js'
import { gatewayFromSettings, verifierFrom } from '../launch/gateway.js'
import { lifecycleLogger, type Logger } from '../platform/log.js'
import { readSettings, subgraphUrlVariable, type Settings } from '../platform/settings.js'
import { readCommittedSupergraph, subgraphNamesIn } from '../platform/supergraphFile.js'

// The subgraphs' and collectors' modules load only in the processes that serve them,
// so a gateway process carries none of their code.
const subgraphModules = async () => ({
  ...(await import('../subgraphs/index.js')),
  ...(await import('../subgraphs/kit/store/db.js')),
  ...(await import('../subgraphs/kit/server/subgraph.js')),
  ...(await import('../launch/subgraph.js')),
})

/** The shared secret, once the part's settings are known to be enough (checks.ts). */
function requireSecret(settings: Settings, part: Part): string {
  checkSettings(settings, part)
  return settings.identitySecret!
}

async function serveSubgraph(name: string, settings: Settings): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const { subgraphByName, openDb, migrateAll, createSubgraphServer, subgraphDepsFrom } = await subgraphModules()
  const definition = subgraphByName(name)
  const identitySecret = requireSecret(settings, 'subgraph')
  const db = await openDb({ databaseUrl: settings.databaseUrl })
  await migrateAll(db, [definition])
  const app = await createSubgraphServer(definition, subgraphDepsFrom(settings, db, identitySecret))
  return {
    app,
    close: async () => {
      await app.close()
      await db.close()
    },
  }
}

async function serveGateway(settings: Settings, lines: Logger): Promise<{ app: FastifyInstance; close: () => Promise<void> }> {
  const identitySecret = requireSecret(settings, 'gateway')
  // The supergraph says which addresses the gateway needs; a variable naming no subgraph is a typo or a leftover.
  const supergraphSdl = readCommittedSupergraph()
  const names = subgraphNamesIn(supergraphSdl)
  const missing = names.filter((name) => !settings.subgraphUrls[name]).map(subgraphUrlVariable)
  if (missing.length > 0) throw new Error(`Set the subgraph addresses: ${missing.join(', ')}`)
  for (const name of Object.keys(settings.subgraphUrls).filter((n) => !names.includes(n))) {
    lines.warn(`${subgraphUrlVariable(name)} names no subgraph (expected one of ${names.join(', ')}); ignored`)
  }
  const subgraphUrls = Object.fromEntries(names.map((name) => [name, settings.subgraphUrls[name]!]))
  const issuer = settings.oidc ? null : await loadDevIssuer(settings.dataDir)
  const { app } = await gatewayFromSettings(settings, {
    supergraphSdl,
    subgraphUrls,
    identitySecret,
    verifier: verifierFrom(settings, issuer),
  })
  return { app, close: () => app.close() }
}

/**
 * Every subgraph's migrations, once, before a rollout: each subgraph also
 * migrates as it starts (one at a time, under a lock), but a deployment that
 * runs this first fails before any replica is replaced when a migration cannot
 * apply, and its replicas start without waiting on that lock.
 */
async function migrate(settings: Settings, lines: Logger): Promise<void> {
  if (!settings.databaseUrl) throw new Error('serve -- migrate needs DATABASE_URL, the PostgreSQL server to migrate')
  const { openDb, migrateAll } = await subgraphModules()
  const db = await openDb({ databaseUrl: settings.databaseUrl, poolSize: 1 })
  try {
    await migrateAll(db)
    lines.info('migrations applied')
  } finally {
    await db.close()
  }
}

/**
 * The in-process collect schedules, when configured: the daily `collect all`
 * (HD4RES_COLLECT_SCHEDULE) and, beside it, the availability collector
 * (HD4RES_AVAILABILITY_SCHEDULE) when the collectors configuration names an
 * hd4devops.checks endpoint. They run where the daily schedule runs, or in
 * the collector part.
 */
async function maybeSchedule(part: string, settings: Settings, lines: Logger): Promise<(() => Promise<void>) | null> {
  const cron = settings.collectSchedule
  const configFile = settings.collectorsConfig
  if (!cron && part !== 'collector') return null
  if (!configFile) {
    throw new Error(
      part === 'collector' && !cron
        ? 'serve -- collector needs HD4RES_COLLECTORS_CONFIG, and HD4RES_COLLECT_SCHEDULE (cron, e.g. "0 4 * * *") or an hd4devops.checks endpoint in it'
        : 'HD4RES_COLLECT_SCHEDULE needs HD4RES_COLLECTORS_CONFIG, the collectors configuration file',
    )
  }
  const { loadCollectorsConfig } = await import('../collectors/config.js')
  const live = settings.availability.schedule !== null && Boolean(loadCollectorsConfig(configFile).hd4devops?.checks)
  if (!cron && !live) {
    throw new Error(
      `serve -- collector needs HD4RES_COLLECT_SCHEDULE (cron, e.g. "0 4 * * *"), or an hd4devops.checks endpoint in ${configFile} with HD4RES_AVAILABILITY_SCHEDULE on`,
    )
  }
  if (!settings.databaseUrl) throw new Error('The collect schedule needs DATABASE_URL')
  const { openDb, migrateAll } = await subgraphModules()
  const { startAvailabilitySchedule, startCollectSchedule } = await import('../collectors/schedule.js')
  type Schedule = ReturnType<typeof startCollectSchedule>
  const db = await openDb({ databaseUrl: settings.databaseUrl, poolSize: 2 })
  await migrateAll(db)
  const schedules: Schedule[] = []
  const log = (line: string) => lines.info(line)
  if (cron) {
    const schedule = startCollectSchedule({ db, configFile, cron, env: process.env, log })
    schedules.push(schedule)
    lines.info(`collect all scheduled "${cron}" (UTC); next run ${schedule.nextRun()?.toISOString() ?? 'never'}`)
  }
  if (live) {
    const availability = settings.availability.schedule!
    const schedule = startAvailabilitySchedule({ db, configFile, cron: availability, env: process.env, log })
    schedules.push(schedule)
    lines.info(
      `collect availability scheduled "${availability}" (UTC), status UNKNOWN after ${settings.availability.staleAfterSeconds} s without a check; next run ${schedule.nextRun()?.toISOString() ?? 'never'}`,
    )
  } else if (settings.availability.schedule !== null) {
    lines.warn(
      `${configFile} names no hd4devops.checks endpoint: no availability collector runs, and component status goes UNKNOWN between imports`,
    )
  }
  return async () => {
    for (const schedule of schedules) schedule.stop()
    await db.close()
  }
}

/** Stops a part, saying so as it starts finishing the requests in flight and once they have. */
async function draining(lines: Logger, close: () => Promise<void>): Promise<void> {
  lines.info('draining: no new requests; finishing those in flight')
  await close()
  lines.info('stopped')
}

async function main(): Promise<void> {
  const part = process.argv[2]
  if (!part || part === '--help') {
    const { SUBGRAPH_NAMES } = await import('../subgraphs/index.js')
    console.error(`Usage: npm run serve -- <${SUBGRAPH_NAMES.join('|')}|gateway|collector|collect|migrate>`)
    process.exit(2)
  }
  if (part === 'collect') {
    // `serve -- collect <source> ...` is `collect -- <source> ...`, for hosts that only run the entry point.
    process.argv.splice(2, 1)
    await import('./collect.js')
    return
  }
  const settings = readSettings()
  const lines = lifecycleLogger(`hd4res-${part}`, settings.logLevel)
  if (part === 'migrate') {
    await migrate(settings, lines)
    return
  }
  if (part === 'gateway') {
    // HD4RES_GATEWAY_WORKERS gateway processes behind one port; one by default.
    // An in-process collect schedule runs once, in the primary, not in every worker.
    const workers = workerCount(settings.performance.workers)
    if (cluster.isPrimary) await maybeSchedule(part, settings, lines)
    await runClustered({
      workers,
      nodeFlags: gatewayNodeFlags(settings),
      log: (line) => lines.info(line),
      shutdownTimeoutMs: settings.shutdownTimeoutMs,
      startWorker: async () => {
        const served = await serveGateway(settings, lines)
        const address = await served.app.listen({ port: settings.port, host: settings.host })
        if (workers === 1 || cluster.worker?.id === 1)
          lines.info(`gateway listening on ${address}/graphql${workers > 1 ? ` (${workers} workers)` : ''}`)
        return { close: () => draining(lines, served.close) }
      },
    })
    return
  }
  const stopSchedule = await maybeSchedule(part, settings, lines)
  const served = part === 'collector' ? null : await serveSubgraph(part, settings)
  if (served) {
    const address = await served.app.listen({ port: settings.port, host: settings.host })
    lines.info(`${part} listening on ${address}/graphql (through the gateway only)`)
  }
  stopOnSignals(
    () =>
      draining(lines, async () => {
        await stopSchedule?.()
        await served?.close()
      }),
    settings.shutdownTimeoutMs,
    (line) => lines.info(line),
  )
}

main().catch((error: unknown) => {
  console.error((error as Error).message)
  process.exit(1)
})
