/**
 * A gateway process of the production entry point (`npm run serve -- gateway`)
 * loads the gateway's, the platform's and the launcher's gateway part, and no
 * file of subgraphs/, demo/, collectors/ or compose/: the lint rules keep the
 * imports apart, and this checks what a running process really loads, lazy
 * imports included, while it answers.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDevIssuer } from '../gateway/auth.js'
import { gatewayProcessEnv } from './helpers/gatewayProcess.js'
import { startTestGraph, type TestGraph } from './helpers/graph.js'

const root = path.resolve(import.meta.dirname, '..')
const rootUrl = pathToFileURL(root).href

describe('a production gateway process', () => {
  let t: TestGraph
  let child: ChildProcess
  let output = ''
  let loaded: string[] = []

  beforeAll(async () => {
    t = await startTestGraph()
    const dataDir = mkdtempSync(path.join(tmpdir(), 'hd4res-modules-'))
    const moduleLog = path.join(dataDir, 'modules.log')
    const token = await (await loadDevIssuer(dataDir)).sign({ sub: 'researcher-0001', name: 'An Peeters', roles: ['researcher'] })
    const env = gatewayProcessEnv(t, dataDir, { HD4RES_TEST_MODULE_LOG: moduleLog })
    // tsx first, then the module log, so the log's hook is asked first and sees each final address.
    child = spawn(process.execPath, ['--import', 'tsx', '--import', './test/helpers/moduleLog.mjs', 'bin/serve.ts', 'gateway'], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const deadline = Date.now() + 60_000
    while (!/gateway listening on (\S+\/graphql)/.test(output)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`The gateway did not start; output:\n${output}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const graphqlUrl = /gateway listening on (\S+\/graphql)/.exec(output)![1]!
    // An answer, a refusal and the health routes, so that modules loaded on first use are loaded too.
    const ask = (authorization?: string) =>
      fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query: '{ me { id projects { code } } }' }),
      })
    const answered = await ask(`Bearer ${token}`)
    expect(answered.status).toBe(200)
    expect(((await answered.json()) as { data: { me: { id: string } } }).data.me.id).toBe('researcher-0001')
    expect((await ask()).status).toBe(401)
    expect((await fetch(new URL('/readyz', graphqlUrl))).status).toBe(200)
    loaded = [...new Set(readFileSync(moduleLog, 'utf8').split('\n'))]
      .filter((url) => url.startsWith(`${rootUrl}/`) && !url.includes('/node_modules/'))
      .map((url) => url.slice(rootUrl.length + 1).split('?')[0]!)
  }, 120_000)
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL')
    await t?.close()
  })

  it('loads the gateway and the platform', () => {
    expect(loaded).toContain('gateway/server.ts')
    expect(loaded).toContain('platform/identity.ts')
    expect(loaded).toContain('launch/gateway.ts')
  })

  it('loads no file of the subgraphs, the demo, the collectors or the schema tooling', () => {
    const foreign = loaded.filter(
      (file) => /^(subgraphs|demo|collectors|compose)\//.test(file) || file === 'launch/embedded.ts' || file === 'launch/subgraph.ts',
    )
    expect(foreign).toEqual([])
  })
})
