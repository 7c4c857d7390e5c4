/**
 * Health for load balancers and orchestrators. /healthz: the process answers.
 * /readyz: this gateway can serve, 200 with each subgraph's state by name
 * (never its address), 503 only when it cannot serve at all.
 *
 * A subgraph that is down (or its store) leaves the gateway degraded, not
 * unready: every replica shares it, so taking them all out of the load
 * balancer would turn a partial answer with a named SUBGRAPH_UNAVAILABLE into
 * no answer at all. The same holds for the response cache's Redis, whose
 * outage is a cache miss. What is this replica's own is its Apollo server
 * with the supergraph loaded, and its audit spool, without which every answer
 * is withheld (audit.ts: a disk that is full is this replica's, and its
 * load balancer should send the requests elsewhere); while the gateway closes, fastify answers 503
 * to every new request, /readyz included, and its listener takes no new
 * connections.
 *
 * hd4res_subgraph_up{subgraph} says the same per subgraph (1 or 0), checked
 * on each /readyz and each /metrics scrape. One check (each subgraph's
 * /readyz, 2 s at most) serves every probe for a second, so probes from many
 * sources do not multiply the subgraphs' load.
 */
import { Gauge } from 'prom-client'
import type { Stage } from './stage.js'

export type SubgraphState = 'up' | 'down'

const CHECK_TIMEOUT_MS = 2000
const CHECK_REUSE_MS = 1000

async function subgraphState(url: string): Promise<SubgraphState> {
  return fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(CHECK_TIMEOUT_MS) })
    .then(async (response) => {
      await response.body?.cancel()
      return response.ok ? ('up' as const) : ('down' as const)
    })
    .catch(() => 'down' as const)
}

async function checkAll(subgraphUrls: Record<string, string>): Promise<Record<string, SubgraphState>> {
  const states = await Promise.all(Object.entries(subgraphUrls).map(async ([name, url]) => [name, await subgraphState(url)] as const))
  return Object.fromEntries(states)
}

/**
 * Each subgraph's state, checked at most once per `reuseMs` (from the end of
 * the last check), one check at a time however many ask; `onChecked` hears
 * each check's result.
 */
export function subgraphChecker(
  subgraphUrls: Record<string, string>,
  onChecked: (states: Record<string, SubgraphState>) => void,
  reuseMs = CHECK_REUSE_MS,
): () => Promise<Record<string, SubgraphState>> {
  let last: { at: number; states: Record<string, SubgraphState> } | undefined
  let running: Promise<Record<string, SubgraphState>> | undefined
  return async () => {
    if (last && performance.now() - last.at < reuseMs) return last.states
    running ??= checkAll(subgraphUrls).then((states) => {
      last = { at: performance.now(), states }
      running = undefined
      onChecked(states)
      return states
    })
    return running
  }
}

/** True while Apollo serves: started, with the supergraph loaded, and not stopping. */
function apolloServes(apollo: { assertStarted(expression: string): void }): boolean {
  try {
    apollo.assertStarted('/readyz')
    return true
  } catch {
    return false
  }
}

export const health: Stage = {
  name: 'health',
  register(app, { options, metrics, apollo, audit }) {
    const up = new Gauge({
      name: 'hd4res_subgraph_up',
      help: "Whether each subgraph answers its /readyz (1) or not (0), as the gateway's readiness check last found",
      labelNames: ['subgraph'],
      registers: [metrics.registry],
      async collect() {
        await check()
      },
    })
    const check = subgraphChecker(options.subgraphUrls, (states) => {
      for (const [subgraph, state] of Object.entries(states)) up.set({ subgraph }, state === 'up' ? 1 : 0)
    })
    app.get('/healthz', async () => ({ status: 'ok' }))
    app.get('/readyz', async (_request, reply) => {
      const subgraphs = await check()
      if (!apolloServes(apollo)) return reply.code(503).send({ status: 'not ready', subgraphs })
      if (audit && !audit.writing()) return reply.code(503).send({ status: 'not ready', audit: 'failing', subgraphs })
      return { status: 'ready', subgraphs }
    })
  },
}
