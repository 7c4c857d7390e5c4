/**
 * Health for load balancers and orchestrators: /healthz while the process
 * answers at all, /readyz while every subgraph is ready too (its store
 * answers). A subgraph that is not is named, never located.
 */
import type { Stage } from './stage.js'

async function notReady(subgraphUrls: Record<string, string>): Promise<string[]> {
  const checks = await Promise.all(
    Object.entries(subgraphUrls).map(async ([name, url]) => {
      const ready = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(2000) })
        .then((r) => r.ok)
        .catch(() => false)
      return [name, ready] as const
    }),
  )
  return checks.filter(([, ready]) => !ready).map(([name]) => name)
}

export const health: Stage = {
  name: 'health',
  register(app, { options }) {
    app.get('/healthz', async () => ({ status: 'ok' }))
    app.get('/readyz', async (_request, reply) => {
      const subgraphs = await notReady(options.subgraphUrls)
      if (subgraphs.length > 0) return reply.code(503).send({ status: 'not ready', subgraphs })
      return { status: 'ready' }
    })
  },
}
