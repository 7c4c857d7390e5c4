/**
 * The production entry point with HD4RES_GATEWAY_WORKERS=2: two gateway
 * processes behind one port, in front of the test's subgraphs; a worker that
 * dies is replaced and the graph keeps answering; SIGTERM stops them all.
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDevIssuer } from '../gateway/auth.js'
import { gatewayProcessEnv, spawnGatewayProcess } from './helpers/gatewayProcess.js'
import { startTestGraph, type TestGraph } from './helpers/graph.js'
import { descendants } from './helpers/processTree.js'

describe('gateway workers', () => {
  let t: TestGraph
  let child: ChildProcess
  let output = ''
  let graphqlUrl = ''
  let token = ''

  const waitFor = async (pattern: RegExp, ms = 60_000) => {
    const deadline = Date.now() + ms
    while (!pattern.test(output)) {
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${pattern}; output so far:\n${output}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    return pattern.exec(output)!
  }
  /** The cluster's workers: the primary's children (tsx runs the primary in a child of its own). */
  const workers = () => {
    const all = descendants(child.pid!)
    return all.filter((pid) => descendants(pid).length === 0 && all.some((p) => descendants(p).includes(pid)) && all.indexOf(pid) > 0)
  }
  const ask = async () => {
    const response = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, connection: 'close' },
      body: JSON.stringify({ query: '{ me { id } projects { code } }' }),
    })
    return { status: response.status, body: (await response.json()) as { data?: { me: { id: string } } } }
  }

  beforeAll(async () => {
    t = await startTestGraph()
    const dataDir = mkdtempSync(path.join(tmpdir(), 'hd4res-workers-'))
    // The workers verify tokens with the development issuer kept in this folder.
    token = await (await loadDevIssuer(dataDir)).sign({ sub: 'researcher-0001', name: 'An Peeters', roles: ['researcher'] })
    const env = gatewayProcessEnv(t, dataDir, { HD4RES_GATEWAY_WORKERS: '2' })
    child = spawnGatewayProcess(env, (text) => (output += text))
    await waitFor(/2 gateway workers ready/)
    graphqlUrl = (await waitFor(/gateway listening on (\S+\/graphql)/))[1]!
  }, 120_000)
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL')
    await t?.close()
  })

  it('runs two workers behind one port, both answering, each with the gateway’s heap limit', async () => {
    expect(workers()).toHaveLength(2)
    // Response cache off, documents and plans 30 MB each: 200 + 30 + 30.
    for (const pid of workers()) expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain('--max-old-space-size=260')
    const answers = await Promise.all(Array.from({ length: 20 }, ask))
    for (const answer of answers) {
      expect(answer.status).toBe(200)
      expect(answer.body.data?.me.id).toBe('researcher-0001')
    }
  })

  it('replaces a worker that dies, and keeps answering meanwhile', async () => {
    const [victim, survivor] = workers()
    process.kill(victim!, 'SIGKILL')
    await waitFor(new RegExp(`gateway worker ${victim} stopped`))
    // Connections the dead worker held are gone; a new one reaches the survivor at once.
    expect((await ask()).status).toBe(200)
    const deadline = Date.now() + 60_000
    while (workers().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200))
    expect(workers()).toHaveLength(2)
    expect(workers()).toContain(survivor)
    expect(workers()).not.toContain(victim)
    expect((await ask()).status).toBe(200)
  }, 90_000)

  it('stops every worker on SIGTERM', async () => {
    const before = workers()
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    for (const pid of before) expect(() => process.kill(pid, 0)).toThrow()
  }, 30_000)
})
