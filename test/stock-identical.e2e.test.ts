/**
 * Ours answers the benchmark's operations byte for byte as stock
 * @apollo/gateway does, in front of the same subgraphs: the same members in
 * the same order, the same values. Stock indents its answers (Apollo Server's
 * default); ours does not, so stock's text is compared once its whitespace is
 * taken out (parsed and written again, which keeps every member's order).
 * Stock runs in a process of its own (the benchmark's stock contender): ours
 * replaces @apollo/gateway's result shaping in its own process
 * (gateway/shaping.ts), and a stock gateway beside it would share that.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMPACT_HISTORY, DASHBOARD, HISTORY, INCIDENTS, PRIORITY_SETS, SMALL, STATE_SETS } from '../bench/queries.js'
import { IDENTITY_HEADER, signIdentity } from '../platform/identity.js'
import { startTestGraph, type TestGraph } from './helpers/graph.js'

const root = path.resolve(import.meta.dirname, '..')

/** A port no one listens on now. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Stock @apollo/gateway with Apollo Server's defaults, as the benchmark runs it, in front of these subgraphs. */
async function startStock(urls: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort()
  const config = JSON.stringify({ urls, secret: '', publicJwk: {}, cache: false })
  const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['bench/gateway-process.ts', 'stock', String(port), config], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise<void>((resolve, reject) => {
    let out = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (out.includes('ready')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`stock @apollo/gateway exited with ${code}: ${out}`)))
  })
  return { child, url: `http://127.0.0.1:${port}/` }
}

describe('ours against stock @apollo/gateway, byte for byte', () => {
  let t: TestGraph
  let stock: ChildProcess | undefined
  let stockUrl: string
  let researchers: { id: string; projects: string[] }[]

  beforeAll(async () => {
    t = await startTestGraph({ env: { HD4RES_PUBLICATIONS_AVAILABLE: 'ALL' } })
    ;({ child: stock, url: stockUrl } = await startStock(t.graph.subgraphUrls))
    researchers = (
      await t.db.query<{ researcher_id: string; projects: string[] }>(
        `SELECT researcher_id, array_agg(project_id ORDER BY project_id) AS projects FROM participants.memberships
         GROUP BY researcher_id ORDER BY researcher_id LIMIT 4`,
      )
    ).map((r) => ({ id: r.researcher_id, projects: r.projects }))
  }, 120_000)
  afterAll(async () => {
    if (stock && stock.exitCode === null) {
      const exited = new Promise((resolve) => stock!.once('exit', resolve))
      stock.kill('SIGTERM')
      await exited
    }
    await t?.close()
  })

  async function both(researcher: { id: string; projects: string[] }, query: string, variables: Record<string, unknown>) {
    const body = JSON.stringify({ query, variables })
    const token = await t.tokenFor(researcher.id)
    const identity = signIdentity(
      { sub: researcher.id, name: researcher.id, roles: ['researcher'], projects: researcher.projects },
      t.graph.identitySecret,
    )
    const [ours, theirs] = await Promise.all([
      fetch(t.graph.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      }),
      fetch(stockUrl, { method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: identity }, body }),
    ])
    return { ours: { status: ours.status, text: await ours.text() }, stock: { status: theirs.status, text: await theirs.text() } }
  }

  const operations: [string, string, (r: { projects: string[] }, i: number) => Record<string, unknown>][] = [
    ['the project dashboard', DASHBOARD, (r) => ({ id: r.projects[0] })],
    ['the year-long history as points', HISTORY, (r) => ({ id: r.projects[0] })],
    ['the year-long history in the compact form', COMPACT_HISTORY, (r) => ({ id: r.projects[0] })],
    ['the publications', SMALL, () => ({})],
    [
      'filtered incidents',
      INCIDENTS,
      (r, i) => ({
        id: r.projects[i % r.projects.length],
        states: STATE_SETS[i % STATE_SETS.length],
        priorities: PRIORITY_SETS[i % PRIORITY_SETS.length],
      }),
    ],
  ]

  for (const [name, query, variables] of operations) {
    it(`answers ${name} as stock does`, async () => {
      expect(researchers.length).toBeGreaterThan(1)
      for (const [i, researcher] of researchers.entries()) {
        const { ours, stock: theirs } = await both(researcher, query, variables(researcher, i))
        expect(theirs.status).toBe(200)
        expect(ours.status).toBe(200)
        expect(JSON.parse(ours.text).errors).toBeUndefined()
        // Stock indents; the same answer without its whitespace is ours, byte for byte.
        expect(theirs.text).not.toBe(ours.text)
        expect(ours.text).toBe(JSON.stringify(JSON.parse(theirs.text)))
      }
    })
  }
})
