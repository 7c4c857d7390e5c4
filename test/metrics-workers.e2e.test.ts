/**
 * /metrics with HD4RES_GATEWAY_WORKERS=2: the production entry point's two
 * gateway workers share one port, and a scrape, whichever worker it reaches,
 * counts the requests both of them answered, behind the same scrape token.
 * The access lines say which worker answered each request (and each scrape),
 * so the test knows both did.
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDevIssuer } from '../gateway/auth.js'
import { gatewayProcessEnv, spawnGatewayProcess } from './helpers/gatewayProcess.js'
import { startTestGraph, type TestGraph } from './helpers/graph.js'

const SCRAPE_TOKEN = 'scrape-token-for-the-workers-metrics-test'
const REQUESTS = 12

type LogLine = Record<string, unknown> & { msg?: string; worker?: number; route?: string; operation?: string }

/** The value of the sample with exactly this name and these labels, in Prometheus's text format. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(',')
  for (const line of text.split('\n')) {
    const match = /^([\w:]+)\{(.*)\}\s+(\S+)$/.exec(line)
    if (!match || match[1] !== name) continue
    if (match[2]!.split(',').sort().join(',') === wanted) return Number(match[3])
  }
  return undefined
}

describe('gateway metrics across workers', () => {
  let t: TestGraph
  let child: ChildProcess
  let output = ''
  const lines: LogLine[] = []
  let base = ''
  let token = ''

  const waitFor = async (ready: () => boolean, what: string, ms = 60_000) => {
    const deadline = Date.now() + ms
    while (!ready()) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}; output so far:\n${output}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  // connection: close, so that each request is a new connection, which the primary hands to the workers in turn.
  const scrape = async (bearer: string | null = SCRAPE_TOKEN) => {
    const response = await fetch(`${base}/metrics`, {
      headers: { connection: 'close', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    })
    return { status: response.status, text: await response.text() }
  }

  beforeAll(async () => {
    t = await startTestGraph()
    const dataDir = mkdtempSync(path.join(tmpdir(), 'hd4res-metrics-workers-'))
    token = await (await loadDevIssuer(dataDir)).sign({ sub: 'researcher-0001', name: 'An Peeters', roles: ['researcher'] })
    // At debug, so that the scrapes' access lines are written too.
    const env = gatewayProcessEnv(t, dataDir, { HD4RES_GATEWAY_WORKERS: '2', HD4RES_METRICS_TOKEN: SCRAPE_TOKEN, LOG_LEVEL: 'debug' })
    let pending = ''
    child = spawnGatewayProcess(env, (text) => {
      output += text
      pending += text
      const complete = pending.split('\n')
      pending = complete.pop()!
      for (const line of complete) if (line.startsWith('{')) lines.push(JSON.parse(line) as LogLine)
    })
    await waitFor(() => lines.some((l) => l.msg === '2 gateway workers ready'), 'the workers')
    await waitFor(() => lines.some((l) => /^gateway listening on /.test(l.msg ?? '')), 'the address')
    base = new URL(/gateway listening on (\S+)\/graphql/.exec(lines.find((l) => /^gateway listening on /.test(l.msg ?? ''))!.msg!)![1]!)
      .origin
  }, 120_000)
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL')
    await t?.close()
  })

  it('counts on every scrape the requests all workers answered, behind the one scrape token', async () => {
    for (let i = 0; i < REQUESTS; i++) {
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, connection: 'close' },
        body: JSON.stringify({ query: 'query WorkersCounted { me { id } }' }),
      })
      expect(response.status).toBe(200)
    }
    const answered = () => lines.filter((l) => l.msg === 'request' && l.operation === 'WorkersCounted')
    await waitFor(() => answered().length === REQUESTS, 'the access lines')
    // Both workers answered some of them: no one worker's count is the total.
    expect(new Set(answered().map((l) => l.worker))).toEqual(new Set([0, 1]))

    expect((await scrape(null)).status).toBe(401)
    expect((await scrape('not-the-scrape-token-at-all')).status).toBe(401)
    for (let i = 0; i < 4; i++) {
      const scraped = await scrape()
      expect(scraped.status).toBe(200)
      const labels = { operation: 'WorkersCounted', outcome: 'ok' }
      expect(sample(scraped.text, 'hd4res_gateway_requests_total', labels)).toBe(REQUESTS)
      expect(sample(scraped.text, 'hd4res_gateway_request_duration_seconds_count', labels)).toBe(REQUESTS)
      expect(sample(scraped.text, 'hd4res_gateway_request_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(REQUESTS)
      // The processes' own metrics come summed too: one series each, not one per worker.
      expect(scraped.text.match(/^process_cpu_user_seconds_total /gm)).toHaveLength(1)
    }
    // The scrapes reached both workers, and each answered the same total.
    const scrapes = () => lines.filter((l) => l.msg === 'request' && l.route === '/metrics' && l.status === 200)
    await waitFor(() => scrapes().length === 4, 'the scrapes’ access lines')
    expect(new Set(scrapes().map((l) => l.worker))).toEqual(new Set([0, 1]))
  })

  it('still stops every worker on SIGTERM, exiting 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(lines.filter((l) => l.msg === 'draining: no new requests; finishing those in flight')).toHaveLength(2)
  }, 30_000)
})
