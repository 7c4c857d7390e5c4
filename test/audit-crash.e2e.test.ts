/**
 * A gateway killed (SIGKILL) the moment its answer arrives has already
 * written the answer's audit record: it is in the spool on disk, and the
 * gateway started after it ships it to `ops.audit_log`. The gateway runs as
 * the production entry point, in a process of its own, in front of the
 * test's subgraphs.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDevIssuer } from '../gateway/auth.js'
import { gatewayProcessEnv } from './helpers/gatewayProcess.js'
import { ENGINES, startTestGraph, type TestGraph } from './helpers/graph.js'

const root = path.resolve(import.meta.dirname, '..')
const QUERY = 'query Incidents { project(id: "prj-0001") { incidents(first: 1) { __typename } } }'

describe.each(ENGINES)('the audit record of a gateway killed right after answering (%s)', (engine) => {
  let t: TestGraph
  let dataDir: string
  let spoolDir: string
  let token: string
  const children: ChildProcess[] = []

  beforeAll(async () => {
    t = await startTestGraph({ engine })
    dataDir = mkdtempSync(path.join(tmpdir(), 'hd4res-crash-'))
    spoolDir = path.join(dataDir, 'spool')
    // The gateway verifies tokens with the development issuer kept in its data folder.
    token = await (await loadDevIssuer(dataDir)).sign({ sub: 'researcher-0001', name: 'An Peeters', roles: ['researcher'] })
  })
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await t?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })

  /** `npm run serve -- gateway` as one process (no heap or young-generation flag, so no cluster primary in between), until it listens. */
  async function startGateway(env: Record<string, string>): Promise<{ child: ChildProcess; graphqlUrl: string }> {
    const childEnv = gatewayProcessEnv(t, dataDir, {
      HD4RES_AUDIT_SPOOL_DIR: spoolDir,
      HD4RES_GATEWAY_HEAP_MB: '0',
      HD4RES_GATEWAY_SEMI_SPACE_MB: '0',
      ...env,
    })
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/serve.ts', 'gateway'], {
      cwd: root,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.push(child)
    let output = ''
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
    const deadline = Date.now() + 60_000
    for (;;) {
      const listening = /gateway listening on (\S+\/graphql)/.exec(output)
      if (listening) return { child, graphqlUrl: listening[1]! }
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`The gateway did not start; its output:\n${output}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  const exited = (child: ChildProcess) =>
    new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(null) : child.once('exit', resolve)))
  const stored = (requestId: string) =>
    t.db.query<{ researcher_id: string; project_ids: string[]; operation_name: string }>(
      'SELECT researcher_id, project_ids, operation_name FROM ops.audit_log WHERE request_id = $1',
      [requestId],
    )

  it('is in the spool when the answer arrives, and in ops.audit_log once the next gateway has shipped it', async () => {
    // This one would ship only in an hour: whatever reaches the store later, the next gateway sent.
    const first = await startGateway({ HD4RES_AUDIT_SHIP_MS: '3600000' })
    const requestId = `crash-${randomUUID()}`
    const response = await fetch(first.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
      body: JSON.stringify({ query: QUERY }),
    })
    first.child.kill('SIGKILL')
    expect(response.status).toBe(200)
    await exited(first.child)
    expect(first.child.signalCode).toBe('SIGKILL')

    const segments = readdirSync(spoolDir).filter((name) => /^gateway-0\.\d+\.jsonl$/.test(name))
    const lines = segments
      .flatMap((name) => readFileSync(path.join(spoolDir, name), 'utf8').split('\n'))
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(lines.find((record) => record.requestId === requestId)).toMatchObject({
      researcherId: 'researcher-0001',
      operationName: 'Incidents',
      projects: ['prj-0001'],
      publications: ['INCIDENTS'],
      outcome: 'ok',
      httpStatus: 200,
    })
    expect(await stored(requestId)).toEqual([])
    // The killed process could not let its lock go; the next one takes it over.
    expect(readFileSync(path.join(spoolDir, 'gateway-0.lock'), 'utf8').trim()).toBe(String(first.child.pid))

    const second = await startGateway({})
    const deadline = Date.now() + 30_000
    while ((await stored(requestId)).length === 0) {
      if (Date.now() > deadline) throw new Error('The restarted gateway did not ship the record left in its spool')
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(await stored(requestId)).toEqual([{ researcher_id: 'researcher-0001', project_ids: ['prj-0001'], operation_name: 'Incidents' }])
    second.child.kill('SIGTERM')
    await exited(second.child)
    expect(existsSync(path.join(spoolDir, 'gateway-0.lock'))).toBe(false)
  })
})
