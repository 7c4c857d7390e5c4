/**
 * Runs the whole graph in one process: the five subgraphs on loopback ports
 * and the gateway in front, on one database handle (the embedded PGlite store
 * by default, or PostgreSQL with DATABASE_URL). `npm start` and the end-to-end
 * tests both start the graph through here.
 */
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { fillDemo, isEmpty } from '../demo/fill.js'
import { startLiveTicker, type LiveTickerOptions } from '../demo/live.js'
import type { DemoOptions } from '../demo/platform.js'
import { SUBGRAPHS, migrateAll } from '../subgraphs/index.js'
import { openDb, type Db } from '../subgraphs/kit/store/db.js'
import type { PublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import { createSubgraphServer } from '../subgraphs/kit/server/subgraph.js'
import { loadDevIssuer, type DevIssuer } from '../gateway/auth.js'
import type { Settings } from '../platform/settings.js'
import { checkSettings } from './checks.js'
import { gatewayFromSettings, verifierFrom } from './gateway.js'
import { registryFrom, subgraphDepsFrom } from './subgraph.js'
import { readCommittedSupergraph } from '../platform/supergraphFile.js'

export const DEMO_RESEARCHER = { sub: 'researcher-0001', name: 'An Peeters', roles: ['researcher'] }

export interface EmbeddedGraphOptions {
  settings: Settings
  /** Keep the store in memory and the issuer key unsaved (tests). */
  inMemory?: boolean
  /** Use this database handle instead of opening one. */
  db?: Db
  registry?: PublicationRegistry
  /** Fill an empty store with demo data; false to leave it empty. */
  demo?: (DemoOptions & { now?: Date }) | false
  /** The supergraph to serve; the committed one by default. */
  supergraphSdl?: string
  /**
   * Keep writing availability checks of every component while the graph runs
   * (demo/live.ts), about once a minute: on in `npm start`, off unless asked for.
   */
  liveChecks?: boolean | LiveTickerOptions
  /** The clock component status is worked out by (and the live checks dated by); the system's by default (tests pass their own). */
  clock?: () => Date
}

export interface EmbeddedGraph {
  /** e.g. http://127.0.0.1:4000 */
  url: string
  graphqlUrl: string
  subgraphUrls: Record<string, string>
  db: Db
  registry: PublicationRegistry
  identitySecret: string
  /** A development token for a researcher, signed by the embedded issuer. */
  token(claims?: { sub: string; name?: string; roles?: string[] }, lifetime?: string): Promise<string>
  issuer: DevIssuer | null
  subgraphServers: Record<string, FastifyInstance>
  /** Stops one subgraph's server, as an outage would. */
  stopSubgraph(name: string): Promise<void>
  /** Starts it again on the same address. */
  startSubgraph(name: string): Promise<void>
  /** Ships the gateway's audit spool now; true once the store holds every record. */
  flushAudit(): Promise<boolean>
  close(): Promise<void>
}

export async function startEmbeddedGraph(options: EmbeddedGraphOptions): Promise<EmbeddedGraph> {
  const { settings } = options
  // Before anything is opened or written: a start bound to fail leaves the store as it was.
  checkSettings(settings, 'embedded')
  const db =
    options.db ??
    (await openDb({
      databaseUrl: settings.databaseUrl,
      dataDir: options.inMemory ? undefined : path.join(settings.dataDir, 'pglite'),
    }))
  const closers: (() => Promise<unknown>)[] = []
  try {
    await migrateAll(db)
    if (options.demo !== false && (await isEmpty(db))) {
      await fillDemo(db, { size: settings.demoSize, ...(options.demo ?? {}) })
    }
    const registry = options.registry ?? registryFrom(settings)
    // In one process the secret never leaves memory; a fresh one per start is enough.
    const identitySecret = settings.identitySecret ?? randomBytes(32).toString('base64url')
    const deps = { ...subgraphDepsFrom(settings, db, identitySecret, registry), now: options.clock }
    const subgraphUrls: Record<string, string> = {}
    const subgraphServers: Record<string, FastifyInstance> = {}
    for (const definition of SUBGRAPHS) {
      const app = await createSubgraphServer(definition, deps)
      closers.push(() => app.close())
      await app.listen({ port: 0, host: '127.0.0.1' })
      const address = app.server.address()
      if (!address || typeof address === 'string') throw new Error(`No port for subgraph ${definition.name}`)
      subgraphUrls[definition.name] = `http://127.0.0.1:${address.port}/graphql`
      subgraphServers[definition.name] = app
    }

    const issuer = settings.oidc ? null : await loadDevIssuer(options.inMemory ? null : settings.dataDir)
    const demoToken = issuer ? await issuer.sign(DEMO_RESEARCHER) : undefined
    // A store in memory leaves nothing behind, its audit spool included (unless a folder is named for it):
    // several graphs may then run side by side, each with its own.
    let auditSpoolDir: string | undefined
    if (settings.audit.enabled && options.inMemory && !settings.audit.spoolDir) {
      const spoolDir = (auditSpoolDir = mkdtempSync(path.join(tmpdir(), 'hd4res-audit-')))
      closers.push(async () => rmSync(spoolDir, { recursive: true, force: true }))
    }
    const gateway = await gatewayFromSettings(settings, {
      supergraphSdl: options.supergraphSdl ?? readCommittedSupergraph(),
      subgraphUrls,
      identitySecret,
      verifier: verifierFrom(settings, issuer),
      graphiqlToken: demoToken,
      auditSpoolDir,
    })
    closers.unshift(() => gateway.app.close())
    if (options.liveChecks) {
      const ticker = startLiveTicker(db, {
        now: options.clock,
        ...(options.liveChecks === true ? {} : options.liveChecks),
        onError: (error) => gateway.app.log.warn({ err: error }, 'demo live checks: a round could not be written'),
      })
      // Stopped first, so that no round writes into a store that is closing.
      closers.unshift(() => ticker.stop())
    }
    await gateway.app.listen({ port: settings.port, host: settings.host })
    const address = gateway.app.server.address()
    if (!address || typeof address === 'string') throw new Error('The gateway has no port')
    const url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${address.port}`
    if (!options.db) closers.push(() => db.close())

    return {
      url,
      graphqlUrl: `${url}/graphql`,
      subgraphUrls,
      db,
      registry,
      identitySecret,
      issuer,
      subgraphServers,
      stopSubgraph: async (name) => {
        await subgraphServers[name]?.close()
      },
      startSubgraph: async (name) => {
        const definition = SUBGRAPHS.find((s) => s.name === name)
        if (!definition) throw new Error(`Unknown subgraph "${name}"`)
        const app = await createSubgraphServer(definition, deps)
        await app.listen({ port: Number(new URL(subgraphUrls[name]!).port), host: '127.0.0.1' })
        subgraphServers[name] = app
        closers.push(() => app.close())
      },
      flushAudit: () => gateway.flushAudit(),
      token: async (claims = DEMO_RESEARCHER, lifetime) => {
        if (!issuer) throw new Error('Tokens come from the OIDC provider when one is configured')
        return issuer.sign(claims, lifetime)
      },
      close: async () => {
        for (const close of closers) await close()
      },
    }
  } catch (error) {
    for (const close of closers) await close().catch(() => undefined)
    if (!options.db) await db.close().catch(() => undefined)
    throw error
  }
}
