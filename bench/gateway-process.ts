/**
 * One gateway under test, in its own process, on a given port:
 *   ours   the project's gateway as deployed (sign-in, limits, response cache as configured)
 *   stock  a plain @apollo/gateway + @apollo/server with default settings; it forwards the
 *          signed identity header the load generator sends, since the subgraphs require one
 *   hive   @graphql-hive/gateway's runtime on node:http, forwarding the same header
 *   hive-rust the same runtime with Hive's Rust query planner (@graphql-hive/router-runtime's
 *          unifiedGraphHandler, what the gateway's --hive-router-runtime switch loads)
 *   mercurius @mercuriusjs/gateway, given the same subgraphs (it reads their SDL itself)
 *   ceiling a bare node:http server that answers the same bytes to every request
 *   floor  the forwarding floor (bench/floor.ts): only the plan's subgraph fetches, for the
 *          workload's queries (config.queries), planned once at start
 * Prints "ready" once listening (or "failed: <why>" and exits 3); the harness reads its memory and
 * CPU time from /proc.
 *
 *   tsx bench/gateway-process.ts <ours|stock|hive|hive-rust|mercurius|ceiling|floor> <port> <json config>
 */
import 'reflect-metadata'
import cluster from 'node:cluster'
import { readFileSync } from 'node:fs'
import http, { type IncomingHttpHeaders } from 'node:http'
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway'
import type { JWK } from 'jose'
import { placeholderUrl, readCommittedSupergraph } from '../platform/supergraphFile.js'
import { IDENTITY_HEADER, signIdentity } from '../platform/identity.js'

const [kind, portText, configText] = process.argv.slice(2)
const port = Number(portText)
const config = JSON.parse(configText!) as {
  urls: Record<string, string>
  secret: string
  publicJwk: JWK
  cache: boolean
  ceilingBodyFile?: string
  /** The queries the forwarding floor plans and answers. */
  queries?: string[]
  /** Gateway workers for ours (the production entry point's HD4RES_GATEWAY_WORKERS). */
  workers?: number
  /** Environment for ours, to switch one lever off. */
  env?: Record<string, string>
}

/** The committed supergraph with the subgraphs' real addresses in place of the placeholders. */
const supergraphWithAddresses = () =>
  Object.entries(config.urls).reduce((sdl, [name, url]) => sdl.replaceAll(placeholderUrl(name), url), readCommittedSupergraph())

// Each contender loads only its own modules, so none carries another's memory.
if (kind === 'ours') {
  const { createLocalJWKSet } = await import('jose')
  const { createVerifier, DEV_AUDIENCE, DEV_ISSUER } = await import('../gateway/auth.js')
  const { readSettings } = await import('../platform/settings.js')
  const { gatewayFromSettings } = await import('../launch/gateway.js')
  const { gatewayNodeFlags, runClustered } = await import('../gateway/cluster.js')
  const { mkdtempSync, rmSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const path = await import('node:path')
  // Each gateway process its own audit spool, gone when it stops: several run side by side.
  const spoolDir = mkdtempSync(path.join(tmpdir(), 'hd4res-bench-audit-'))
  process.on('exit', () => rmSync(spoolDir, { recursive: true, force: true }))
  const settings = readSettings({
    // Production mode, as deployed; a lever may ask for development mode (the audit-off lever must: production refuses it).
    NODE_ENV: 'production',
    HD4RES_AUDIT_SPOOL_DIR: spoolDir,
    // The harness reads /metrics to wait for the audit spool's shipping between rounds (bench/gateway.ts, auditSettled).
    HD4RES_METRICS_TOKEN: 'bench-metrics-token-0123456789',
    ...config.env,
    PORT: String(port),
    LOG_LEVEL: 'silent',
    HD4RES_RESPONSE_CACHE: config.cache ? 'on' : 'off',
    HD4RES_RATE_PER_RESEARCHER: '100000000',
    HD4RES_RATE_PER_ADDRESS: '100000000',
    ...(process.env.REDIS_URL && config.cache ? { REDIS_URL: process.env.REDIS_URL } : {}),
  })
  // As the production entry point runs it: N workers sharing the port (and Redis, when set).
  await runClustered({
    workers: config.workers ?? 1,
    nodeFlags: gatewayNodeFlags(settings),
    log: () => undefined,
    startWorker: async () => {
      // GraphiQL is off outside development, and these run in production mode (or ask for no page).
      const { app } = await gatewayFromSettings(
        { ...settings, graphiql: false },
        {
          supergraphSdl: readCommittedSupergraph(),
          subgraphUrls: config.urls,
          identitySecret: config.secret,
          verifier: createVerifier({
            issuer: DEV_ISSUER,
            audience: DEV_AUDIENCE,
            keys: createLocalJWKSet({ keys: [config.publicJwk] }),
            algorithms: ['ES256'],
          }),
        },
      )
      await app.listen({ port, host: '127.0.0.1' })
      return { close: () => app.close() }
    },
  })
  if (cluster.isWorker) await new Promise(() => undefined)
} else if (kind === 'hive' || kind === 'hive-rust') {
  const { createGatewayRuntime } = await import('@graphql-hive/gateway')
  // The Rust query planner: the handler the gateway's CLI installs for --hive-router-runtime (HIVE_ROUTER_RUNTIME=1).
  const rust = kind === 'hive-rust' ? await import('@graphql-hive/router-runtime') : null
  const runtime = createGatewayRuntime({
    supergraph: supergraphWithAddresses(),
    ...(rust ? { unifiedGraphHandler: rust.unifiedGraphHandler } : {}),
    logging: false,
    landingPage: false,
    propagateHeaders: {
      fromClientToSubgraphs: ({ request }) => ({ [IDENTITY_HEADER]: request.headers.get(IDENTITY_HEADER) }),
    },
  })
  await new Promise<void>((resolve) => http.createServer(runtime).listen(port, '127.0.0.1', resolve))
} else if (kind === 'mercurius') {
  try {
    const { default: Fastify } = await import('fastify')
    const { default: mercuriusGateway } = await import('@mercuriusjs/gateway')
    const app = Fastify({ logger: false })
    await app.register(mercuriusGateway, {
      gateway: {
        services: Object.entries(config.urls).map(([name, url]) => ({
          name,
          url,
          // It asks each subgraph for its SDL, with the identity the subgraphs require.
          rewriteHeaders: (headers: IncomingHttpHeaders) => ({ [IDENTITY_HEADER]: headers[IDENTITY_HEADER] }),
          initHeaders: { [IDENTITY_HEADER]: signIdentity({ sub: 'bench', name: 'bench', roles: [], projects: [] }, config.secret) },
        })),
      },
    })
    await app.listen({ port, host: '127.0.0.1' })
  } catch (error) {
    console.log(`failed: ${String((error as Error).message).split('\n')[0]}`)
    process.exit(3)
  }
} else if (kind === 'stock') {
  const { ApolloGateway, RemoteGraphQLDataSource } = await import('@apollo/gateway')
  const { ApolloServer } = await import('@apollo/server')
  const { startStandaloneServer } = await import('@apollo/server/standalone')
  class Forwarding extends RemoteGraphQLDataSource<{ identity?: string }> {
    override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<{ identity?: string }>) {
      if (context.identity) request.http?.headers.set(IDENTITY_HEADER, context.identity)
    }
  }
  process.env.APOLLO_TELEMETRY_DISABLED = 'true'
  const gateway = new ApolloGateway({
    supergraphSdl: readCommittedSupergraph(),
    buildService: ({ name }) => new Forwarding({ url: config.urls[name]! }),
  })
  const server = new ApolloServer({ gateway })
  await startStandaloneServer(server, {
    listen: { port, host: '127.0.0.1' },
    context: async ({ req }) => ({ identity: req.headers[IDENTITY_HEADER] as string | undefined }),
  })
} else if (kind === 'floor') {
  const { startFloor } = await import('./floor.js')
  await startFloor({
    port,
    supergraphSdl: readCommittedSupergraph(),
    urls: config.urls,
    queries: config.queries ?? [],
    forward: [IDENTITY_HEADER],
  })
} else if (kind === 'ceiling') {
  const body = readFileSync(config.ceilingBodyFile!)
  await new Promise<void>((resolve) =>
    http
      .createServer((req, res) => {
        req.resume()
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length })
          res.end(body)
        })
      })
      .listen(port, '127.0.0.1', resolve),
  )
} else {
  console.error(`unknown gateway kind ${kind}`)
  process.exit(2)
}
if (!cluster.isWorker) console.log('ready')
