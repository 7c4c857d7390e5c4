/**
 * The gateway's subgraph client: kept-alive connections are reused; with
 * keep-alive off every call opens its own, and both answer the same.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { pooledFetcher, subgraphAgent } from './subgraphClient.js'

describe('the subgraph client', () => {
  let server: http.Server
  let url: string
  let connections = 0
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      request.resume()
      request.on('end', () => response.setHeader('content-type', 'application/json').end('{"data":{"ok":true}}'))
    })
    server.on('connection', () => connections++)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  async function fiveCalls(keepAlive: boolean) {
    const agent = subgraphAgent({ connections: 4, keepAliveMs: 30_000 })
    const fetcher = pooledFetcher(agent, 2000, keepAlive)
    connections = 0
    const answers = []
    for (let i = 0; i < 5; i++) {
      const response = await fetcher(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ ok }"}' })
      answers.push({ status: response.status, type: response.headers.get('Content-Type'), body: await response.json() })
    }
    await agent.close()
    return { answers, connections }
  }

  it('reuses kept-alive connections for calls one after another', async () => {
    const { answers, connections } = await fiveCalls(true)
    // A connection goes back to the pool just after its answer is read: a second may open meanwhile.
    expect(connections).toBeLessThanOrEqual(2)
    expect(answers).toEqual(Array(5).fill({ status: 200, type: 'application/json', body: { data: { ok: true } } }))
  })

  it('opens a connection per call with keep-alive off, and answers the same', async () => {
    const { answers, connections } = await fiveCalls(false)
    expect(connections).toBe(5)
    expect(answers).toEqual(Array(5).fill({ status: 200, type: 'application/json', body: { data: { ok: true } } }))
  })
})
