/**
 * The built graph, as production runs it: `npm run build` compiles it to
 * JavaScript, `node <out>/bin/serve.js gateway` serves without tsx or npm in
 * between, and SIGTERM drains it: the request in flight is answered, its
 * spans are sent, then the process exits 0.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDevIssuer } from '../gateway/auth.js'
import { gatewayProcessEnv } from './helpers/gatewayProcess.js'
import { startTestGraph, type TestGraph } from './helpers/graph.js'
import { startHoldingProxy } from './helpers/holdingProxy.js'
import { otlpReceiver, type ReceivedSpan } from './helpers/otlp.js'

const root = path.resolve(import.meta.dirname, '..')
// Inside the project (ignored by git): the built code finds its packages in node_modules from there.
const out = path.join(root, '.data', `build-${process.pid}`)
const HOLD_MS = 1500

describe('the built gateway', () => {
  let t: TestGraph
  let proxy: http.Server
  let child: ChildProcess
  let output = ''
  let graphqlUrl = ''
  let token = ''
  let held = 0
  const spans: ReceivedSpan[] = []
  let receiver: http.Server

  beforeAll(async () => {
    const built = spawnSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), 'bin/build.ts', '--out', out], {
      cwd: root,
      encoding: 'utf8',
    })
    expect(built.status, built.stderr + built.stdout).toBe(0)
    t = await startTestGraph()
    // In front of the records subgraph: holds each call a moment, so a request is still in flight when SIGTERM comes.
    const records = new URL(t.graph.subgraphUrls.records!)
    proxy = await startHoldingProxy(records, HOLD_MS, () => held++)
    receiver = otlpReceiver(spans)
    receiver.listen(0, '127.0.0.1')
    await once(receiver, 'listening')
    const dataDir = mkdtempSync(path.join(tmpdir(), 'hd4res-built-'))
    token = await (await loadDevIssuer(dataDir)).sign({ sub: 'researcher-0001', name: 'An Peeters', roles: ['researcher'] })
    const env = gatewayProcessEnv(t, dataDir, {
      HD4RES_SHUTDOWN_TIMEOUT_MS: '20000',
      // Tracing on, with a batch that would wait a minute: only the drain's last step sends the spans in time.
      OTEL_SDK_DISABLED: '',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '60000',
    })
    env.HD4RES_SUBGRAPH_RECORDS_URL = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/graphql`
    child = spawn(process.execPath, [path.join(out, 'bin/serve.js'), 'gateway'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const deadline = Date.now() + 60_000
    while (!/gateway listening on (\S+\/graphql)/.test(output)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`The built gateway did not start; output:\n${output}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    graphqlUrl = /gateway listening on (\S+\/graphql)/.exec(output)![1]!
  }, 180_000)
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL')
    proxy?.close()
    receiver?.close()
    await t?.close()
    rmSync(out, { recursive: true, force: true })
  })

  it('runs on node alone, from the built JavaScript', () => {
    expect(child.spawnargs).toEqual([process.execPath, path.join(out, 'bin/serve.js'), 'gateway'])
    expect(output).not.toMatch(/tsx/)
  })

  it('answers the request in flight when SIGTERM comes, sends its spans, then exits 0', async () => {
    const traceId = randomBytes(16).toString('hex')
    const asked = fetch(graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
      },
      body: JSON.stringify({ query: '{ me { id } projects { code studyRecordCounts { __typename } } }' }),
    })
    // Once the gateway has called records (held by the proxy), the request is in flight.
    const deadline = Date.now() + 30_000
    while (held === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(held).toBeGreaterThan(0)
    const exited = once(child, 'exit')
    child.kill('SIGTERM')
    const answer = await asked
    expect(answer.status).toBe(200)
    const body = (await answer.json()) as { data?: { me: { id: string }; projects: { code: string }[] }; errors?: unknown }
    expect(body.errors).toBeUndefined()
    expect(body.data?.me.id).toBe('researcher-0001')
    expect(body.data?.projects.length).toBeGreaterThan(0)
    const [code, signal] = await exited
    expect({ code, signal }).toEqual({ code: 0, signal: null })
    // The request ended after SIGTERM: its server span (and its calls to the subgraphs) left before the exit.
    const mine = spans.filter((span) => span.traceId === traceId)
    expect(mine.map((span) => span.kind)).toContain(2)
    expect(mine.length).toBeGreaterThan(1)
  }, 60_000)
})
