/**
 * npm start: the whole graph in one process on the embedded store, with demo
 * data on first start and live availability checks while it runs (a check of
 * every component each minute, demo/live.ts). Prints the addresses and a demo
 * researcher's token.
 */
// First of all: tracing (when OTEL_* asks for it) must be on before the servers' modules load.
import './tracing.js'
import 'reflect-metadata'
import { SettingsProblem } from '../launch/checks.js'
import { DEMO_RESEARCHER, startEmbeddedGraph, type EmbeddedGraph } from '../launch/embedded.js'
import { readSettings, type Settings } from '../platform/settings.js'
import { runLastSteps } from '../platform/lastSteps.js'

/** A start that cannot go on says why in a line or a list, and exits 1; the stack only when the log level asks for it. */
function refuse(error: unknown): never {
  const debugging = /^(debug|trace)$/.test(process.env.LOG_LEVEL ?? '')
  console.error(error instanceof SettingsProblem || !debugging ? (error as Error).message : (error as Error).stack)
  process.exit(1)
}

let settings: Settings
let graph: EmbeddedGraph
const started = Date.now()
try {
  settings = readSettings()
  console.log(
    settings.databaseUrl
      ? 'Starting the HD4RES v2 graph on PostgreSQL…'
      : `Starting the HD4RES v2 graph on the embedded store in ${settings.dataDir} (the first start fills it with demo data)…`,
  )
  // The demo keeps monitoring: a check of every component each minute, now and then one degraded or down (demo/live.ts).
  // Never with NODE_ENV=production: there, checks come from HD4DevOps only.
  graph = await startEmbeddedGraph({ settings, liveChecks: !settings.production })
} catch (error) {
  refuse(error)
}
const token = graph.issuer ? await graph.token() : null
console.log(`
HD4RES v2 researcher graph is up (${((Date.now() - started) / 1000).toFixed(1)} s).

  GraphQL endpoint  ${graph.graphqlUrl}
  GraphiQL          ${graph.url}/graphiql
  Health            ${graph.url}/healthz
${
  token
    ? `
Demo researcher ${DEMO_RESEARCHER.name} (${DEMO_RESEARCHER.sub}); send this header:

  Authorization: Bearer ${token}

Other researchers' tokens: npm run token -- researcher-0002
`
    : ''
}
${settings.production ? '' : 'Component status is live: a check of every component each minute, now and then one degraded or down.\n'}Press Ctrl-C to stop.`)

let stopping = false
const stop = async (signal: string) => {
  if (stopping) return
  stopping = true
  console.log(`\n${signal}: stopping…`)
  await graph.close()
  await runLastSteps()
  process.exit(0)
}
process.on('SIGINT', () => void stop('SIGINT'))
process.on('SIGTERM', () => void stop('SIGTERM'))
