import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Fastify from 'fastify'
import { Client } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StageContext } from '../assemble.js'
import { createGatewayMetrics } from '../metrics.js'
import { health, subgraphChecker } from './health.js'

/** A stand-in subgraph whose /readyz answers `status`, or never when null; it counts the checks it gets. */
async function standIn(status: number | null): Promise<{ url: string; checks: () => number; server: Server }> {
  let checks = 0
  const server = createServer((request, response) => {
    if (request.url === '/readyz') checks++
    if (status === null) return
    response.writeHead(status, { 'content-type': 'application/json' }).end('{}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}/graphql`, checks: () => checks, server }
}

describe('subgraph checks for /readyz', () => {
  let ready: Awaited<ReturnType<typeof standIn>>
  let failing: Awaited<ReturnType<typeof standIn>>
  let hanging: Awaited<ReturnType<typeof standIn>>
  beforeAll(async () => {
    ;[ready, failing, hanging] = await Promise.all([standIn(200), standIn(503), standIn(null)])
  })
  afterAll(() => {
    for (const s of [ready, failing, hanging]) s.server.closeAllConnections()
    for (const s of [ready, failing, hanging]) s.server.close()
  })

  it('says up for a 200, down for a 503, and down for one that does not answer within 2 s', { timeout: 10_000 }, async () => {
    const heard: Record<string, string>[] = []
    const check = subgraphChecker({ a: ready.url, b: failing.url, c: hanging.url }, (states) => heard.push(states))
    const started = performance.now()
    expect(await check()).toEqual({ a: 'up', b: 'down', c: 'down' })
    const took = performance.now() - started
    expect(took).toBeGreaterThan(1900)
    expect(took).toBeLessThan(4000)
    expect(heard).toEqual([{ a: 'up', b: 'down', c: 'down' }])
  })

  it('answers many probes at once with one check, reuses it for a while, then checks again', async () => {
    const before = ready.checks()
    const check = subgraphChecker({ a: ready.url }, () => undefined, 300)
    const answers = await Promise.all(Array.from({ length: 25 }, () => check()))
    expect(answers.every((a) => a.a === 'up')).toBe(true)
    expect(ready.checks() - before).toBe(1)
    await check()
    expect(ready.checks() - before).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 350))
    await check()
    expect(ready.checks() - before).toBe(2)
  })

  it('answers 503 once Apollo no longer serves (stopping), still naming the subgraphs', async () => {
    let serving = true
    const apollo = {
      assertStarted() {
        if (!serving) throw new Error('the server is stopping')
      },
    }
    const app = Fastify()
    const context = { options: { subgraphUrls: { a: ready.url } }, metrics: createGatewayMetrics(), apollo } as unknown as StageContext
    await health.register(app, context)
    expect((await app.inject('/readyz')).json()).toEqual({ status: 'ready', subgraphs: { a: 'up' } })
    serving = false
    const answer = await app.inject('/readyz')
    expect(answer.statusCode).toBe(503)
    expect(answer.json()).toEqual({ status: 'not ready', subgraphs: { a: 'up' } })
    expect(await context.metrics.registry.getSingleMetricAsString('hd4res_subgraph_up')).toMatch(/^hd4res_subgraph_up\{subgraph="a"\} 1$/m)
    await app.close()
  })

  it('answers 503 while the gateway closes (fastify refuses what arrives on a connection still open)', async () => {
    const apollo = { assertStarted: () => undefined }
    const app = Fastify()
    const context = { options: { subgraphUrls: { a: ready.url } }, metrics: createGatewayMetrics(), apollo } as unknown as StageContext
    await health.register(app, context)
    app.get('/slow', async () => new Promise((resolve) => setTimeout(() => resolve({ done: true }), 300)))
    const address = await app.listen({ port: 0, host: '127.0.0.1' })
    // One connection, two requests in a row on it: /readyz is read only once /slow has been answered.
    const client = new Client(address, { pipelining: 2 })
    try {
      const slow = client.request({ path: '/slow', method: 'GET' })
      const readyz = client.request({ path: '/readyz', method: 'GET' })
      await new Promise((resolve) => setTimeout(resolve, 50))
      const closed = app.close()
      const first = await slow
      expect(first.statusCode).toBe(200)
      await first.body.dump()
      const answer = await readyz
      expect(answer.statusCode).toBe(503)
      await answer.body.dump()
      await closed
    } finally {
      await client.destroy()
    }
  })
})
