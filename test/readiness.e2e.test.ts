/**
 * /readyz says whether this gateway can serve: a stopped subgraph leaves it
 * ready but degraded, named in the answer (never located) and at 0 in
 * hd4res_subgraph_up, and back to up once it returns.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGraph, type TestGraph } from './helpers/graph.js'

interface Readiness {
  status: string
  subgraphs: Record<string, 'up' | 'down'>
}

async function readiness(t: TestGraph): Promise<{ status: number; body: Readiness; text: string }> {
  const response = await fetch(`${t.graph.url}/readyz`)
  const text = await response.text()
  return { status: response.status, body: JSON.parse(text) as Readiness, text }
}

/** hd4res_subgraph_up's value for each subgraph, as a scrape of /metrics shows it. */
async function subgraphUp(t: TestGraph): Promise<Record<string, number>> {
  const text = await (await fetch(`${t.graph.url}/metrics`)).text()
  const lines = [...text.matchAll(/^hd4res_subgraph_up\{subgraph="([^"]+)"\} (\d+)$/gm)]
  return Object.fromEntries(lines.map(([, name, value]) => [name!, Number(value)]))
}

/** Asks until `ok` holds; the readiness check is reused for a second, so a change shows within about one. */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, ms = 5000): Promise<T> {
  const until = Date.now() + ms
  let value = await read()
  while (!ok(value) && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    value = await read()
  }
  return value
}

describe('readiness', { timeout: 60_000 }, () => {
  let t: TestGraph
  let names: string[]
  beforeAll(async () => {
    t = await startTestGraph()
    names = Object.keys(t.graph.subgraphUrls)
  })
  afterAll(async () => {
    await t?.close()
  })

  it('is ready with every subgraph up, each by name, and the metric says 1 for each', async () => {
    const ready = await readiness(t)
    expect(ready.status).toBe(200)
    expect(ready.body).toEqual({ status: 'ready', subgraphs: Object.fromEntries(names.map((n) => [n, 'up'])) })
    expect(names.length).toBeGreaterThan(1)
    expect(await subgraphUp(t)).toEqual(Object.fromEntries(names.map((n) => [n, 1])))
  })

  it('stays ready with a subgraph stopped, names it down without its address, and the metric says 0 until it is back', async () => {
    await t.graph.stopSubgraph('support')
    try {
      const degraded = await eventually(
        () => readiness(t),
        (r) => r.body.subgraphs.support === 'down',
      )
      expect(degraded.status).toBe(200)
      expect(degraded.body).toEqual({
        status: 'ready',
        subgraphs: Object.fromEntries(names.map((n) => [n, n === 'support' ? 'down' : 'up'])),
      })
      expect(degraded.text).not.toMatch(/127\.0\.0\.1|localhost|http:/)
      const gauge = await subgraphUp(t)
      expect(gauge.support).toBe(0)
      expect(gauge.records).toBe(1)
    } finally {
      await t.graph.startSubgraph('support')
    }
    const healed = await eventually(
      () => readiness(t),
      (r) => r.body.subgraphs.support === 'up',
    )
    expect(healed.status).toBe(200)
    expect(healed.body.subgraphs.support).toBe('up')
    expect((await subgraphUp(t)).support).toBe(1)
  })

  it('a scrape alone finds a subgraph down: the metric is checked on each scrape, not only by /readyz', async () => {
    await t.graph.stopSubgraph('components')
    try {
      const gauge = await eventually(
        () => subgraphUp(t),
        (g) => g.components === 0,
      )
      expect(gauge.components).toBe(0)
    } finally {
      await t.graph.startSubgraph('components')
    }
    expect(
      (
        await eventually(
          () => subgraphUp(t),
          (g) => g.components === 1,
        )
      ).components,
    ).toBe(1)
  })
})
