/**
 * One request's log lines share its request id and its trace across the
 * deployment. The graph runs as `npm start` does, in a process of its own,
 * with tracing on (to the test's own OTLP receiver, in OTLP's JSON), on an
 * embedded store prepared beforehand with one researcher's project and
 * without the records subgraph's counts table, so that asking for the record
 * counts is an unexpected error there. The gateway's and the subgraphs' JSON
 * lines on the process's standard output all name the id the request was sent
 * with and the trace it was sent in; each part writes one access line per
 * request; no line holds the token, the researcher's name or the variables.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { otlpReceiver, type ReceivedSpan } from './helpers/otlp.js'
import { migrateAll } from '../subgraphs/index.js'
import { openDb } from '../subgraphs/kit/store/db.js'

const root = path.resolve(import.meta.dirname, '..')
const QUERY = 'query RecordCounts { projects { id studyRecordCounts { __typename } } }'

type LogLine = Record<string, unknown> & { name?: string; requestId?: string; level?: number; traceId?: string; spanId?: string }

describe("a request's log lines in the gateway and in a subgraph", () => {
  let dataDir: string
  let child: ChildProcess | undefined
  let output = ''
  const lines: LogLine[] = []
  /** Every line of standard output, JSON or not, in order. */
  const raw: string[] = []
  const spans: ReceivedSpan[] = []
  let receiver: Server | undefined
  let graphqlUrl: string
  let token: string

  beforeAll(async () => {
    receiver = otlpReceiver(spans)
    await new Promise<void>((resolve) => receiver!.listen(0, '127.0.0.1', resolve))
    dataDir = mkdtempSync(path.join(tmpdir(), 'hd4res-logs-'))
    const db = await openDb({ dataDir: path.join(dataDir, 'pglite') })
    try {
      await migrateAll(db)
      // A store that holds a project is not filled with demo data at start.
      await db.query(`INSERT INTO participants.projects (id, code, name) VALUES ('prj-logs', 'LOGS', 'Log lines')`)
      await db.query(`INSERT INTO participants.researchers (id, display_name) VALUES ('researcher-0001', 'An Peeters')`)
      await db.query(`INSERT INTO participants.memberships (researcher_id, project_id) VALUES ('researcher-0001', 'prj-logs')`)
      await db.query('ALTER TABLE records.study_record_counts RENAME TO study_record_counts_gone')
    } finally {
      await db.close()
    }

    child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        NODE_ENV: 'development',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        HD4RES_DATA_DIR: dataDir,
        // The embedded store prepared above, whatever the suite runs against.
        DATABASE_URL: '',
        HD4RES_IDENTITY_SECRET: '',
        HD4RES_OIDC_ISSUER: '',
        HD4RES_OIDC_AUDIENCE: '',
        HD4RES_OIDC_JWKS_URL: '',
        HD4RES_PUBLICATIONS_AVAILABLE: 'STUDY_RECORD_COUNTS',
        HD4RES_RESPONSE_CACHE: 'off',
        HD4RES_SUBGRAPH_CACHE_MB: '0',
        HD4RES_COLLECT_SCHEDULE: '',
        REDIS_URL: '',
        OTEL_SDK_DISABLED: '',
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    })
    let pending = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      pending += chunk.toString()
      const complete = pending.split('\n')
      pending = complete.pop()!
      raw.push(...complete)
      for (const line of complete) if (line.startsWith('{')) lines.push(JSON.parse(line) as LogLine)
    })
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))

    const deadline = Date.now() + 120_000
    while (!/Press Ctrl-C to stop\./.test(output)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`npm start did not come up; its output:\n${output}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    graphqlUrl = /GraphQL endpoint\s+(\S+)/.exec(output)![1]!
    token = /Authorization: Bearer (\S+)/.exec(output)![1]!
  })
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
    receiver?.close()
  })

  /** The lines that name `requestId`, once the gateway's and the records subgraph's have both arrived (or 10 s have passed). */
  async function linesOf(requestId: string): Promise<LogLine[]> {
    const mine = () => lines.filter((line) => line.requestId === requestId)
    const names = () => new Set(mine().map((line) => line.name))
    for (let waited = 0; waited < 10_000 && !(names().has('hd4res-gateway') && names().has('hd4res-records')); waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return mine()
  }

  it('name the id the request was sent with, in the gateway and in the subgraph that failed, for each request its own', async () => {
    const ids = [`logs-${randomUUID()}`, `logs-${randomUUID()}`]
    for (const requestId of ids) {
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
        body: JSON.stringify({ query: QUERY }),
      })
      expect(response.headers.get('x-request-id')).toBe(requestId)
      const body = (await response.json()) as { errors?: { extensions?: Record<string, unknown> }[] }
      expect(body.errors?.[0]?.extensions).toMatchObject({ requestId })
    }
    for (const requestId of ids) {
      const mine = await linesOf(requestId)
      expect(mine, `the log lines of ${requestId}, among:\n${output}`).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ name: 'hd4res-gateway', requestId }),
          expect.objectContaining({ name: 'hd4res-records', requestId, level: 50, msg: expect.stringMatching(/^unexpected error at /) }),
        ]),
      )
      const failure = mine.find((line) => line.name === 'hd4res-records')!
      expect(failure.err).toMatchObject({ message: expect.stringMatching(/study_record_counts/) })
    }
  })

  /** Waits until `ready` holds of the lines so far (or 10 s have passed). */
  async function until(ready: () => boolean): Promise<void> {
    for (let waited = 0; waited < 10_000 && !ready(); waited += 50) await new Promise((resolve) => setTimeout(resolve, 50))
  }

  it('are JSON, name the request and its trace on every line, give one access line per part, and hold nothing sensitive', async () => {
    const secret = `prj-secret-${randomUUID()}`
    const traceId = randomBytes(16).toString('hex')
    const post = { requestId: `logs-post-${randomUUID()}`, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` }
    const get = { requestId: `logs-get-${randomUUID()}`, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` }
    const refused = { requestId: `logs-refused-${randomUUID()}`, traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01` }
    const badToken = `not-a-token-${randomUUID()}`
    const query = 'query CountsAndOne($id: ID!) { projects { id studyRecordCounts { __typename } } project(id: $id) { id } }'
    // The lines of what came before (the test above) have all arrived: nothing written for half a second.
    for (let seen = -1; seen !== raw.length;) {
      seen = raw.length
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    const from = raw.length
    const headers = (sent: typeof post) => ({
      authorization: `Bearer ${token}`,
      'x-request-id': sent.requestId,
      traceparent: sent.traceparent,
    })
    const posted = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers(post) },
      body: JSON.stringify({ query, variables: { id: secret } }),
    })
    expect(posted.status).toBe(200)
    // A GET carries its variables in the address: the access line names the route, not the address.
    const address = `${graphqlUrl}?${new URLSearchParams({ query, variables: JSON.stringify({ id: secret }) })}`
    const got = await fetch(address, { headers: { 'apollo-require-preflight': 'true', ...headers(get) } })
    expect(got.status).toBe(200)
    // A token that does not verify is refused, and kept out of the lines as well as a good one.
    const turnedAway = await fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers(refused), authorization: `Bearer ${badToken}` },
      body: JSON.stringify({ query, variables: { id: secret } }),
    })
    expect(turnedAway.status).toBe(401)
    const postBody = await posted.text()
    expect(postBody).toContain('study_record_counts')

    const access = (requestId: string, name: string) =>
      lines.find((line) => line.requestId === requestId && line.name === name && line.msg === 'request')
    await until(
      () =>
        access(refused.requestId, 'hd4res-gateway') !== undefined &&
        [post, get].every(({ requestId }) =>
          ['hd4res-gateway', 'hd4res-participants', 'hd4res-records'].every((n) => access(requestId, n)),
        ),
    )
    const written = raw.slice(from).filter((line) => line.trim() !== '')
    for (const line of written) expect(line, 'every line written meanwhile is JSON').toMatch(/^\{.*\}$/)
    // The audit's shipping runs on a timer of its own, for every request at once: its calls are no one request's.
    const parsed = written.map((line) => JSON.parse(line) as LogLine).filter((line) => line.route !== '/internal/audit')
    // The spans leave in batches, a moment after the answers (the server spans last).
    const exported = () => new Set(spans.filter((span) => span.traceId === traceId).map((span) => span.spanId))
    await until(() => parsed.every((line) => exported().has(line.spanId!)))
    const traced = exported()
    for (const line of parsed) {
      expect(line, `every line names the request it was written for: ${JSON.stringify(line)}`).toMatchObject({
        requestId: expect.stringMatching(/^logs-(post|get|refused)-/),
        traceId,
        spanId: expect.stringMatching(/^[0-9a-f]{16}$/),
        name: expect.stringMatching(/^hd4res-/),
        time: expect.any(Number),
        level: expect.any(Number),
        msg: expect.any(String),
      })
      expect(traced, `the span of ${JSON.stringify(line)} was exported in the request's trace`).toContain(line.spanId)
      // Nothing a caller sent that could be personal: no token, no display name, no variable.
      const text = JSON.stringify(line)
      expect(text).not.toContain(token)
      expect(text).not.toContain(token.split('.')[1]!)
      expect(text).not.toContain('An Peeters')
      expect(text).not.toContain(secret)
      expect(text).not.toContain(badToken)
    }
    expect(access(refused.requestId, 'hd4res-gateway')).toMatchObject({ status: 401, outcome: 'UNAUTHENTICATED', route: '/graphql' })
    expect(access(refused.requestId, 'hd4res-gateway')).not.toHaveProperty('researcherId')

    // Nor do the spans: a GET's variables and document are in its address, and kept out of the server span.
    expect(JSON.stringify(spans)).not.toContain(secret)
    expect(JSON.stringify(spans)).not.toContain('studyRecordCounts')

    for (const [sent, method] of [
      [post, 'POST'],
      [get, 'GET'],
    ] as const) {
      expect(access(sent.requestId, 'hd4res-gateway')).toMatchObject({
        level: 30,
        method,
        route: '/graphql',
        status: 200,
        outcome: 'error_server',
        operation: 'CountsAndOne',
        durationMs: expect.any(Number),
        bytes: expect.any(Number),
        researcherId: 'researcher-0001',
      })
      // The gateway's line belongs to its own HTTP server span, the one a client's traceparent is the parent of.
      const gatewaySpan = spans.find((span) => span.spanId === access(sent.requestId, 'hd4res-gateway')!.spanId)
      expect(gatewaySpan).toMatchObject({ kind: 2, parentSpanId: sent.traceparent.split('-')[2] })
      expect(access(sent.requestId, 'hd4res-records')).toMatchObject({
        level: 30,
        method: 'POST',
        route: '/graphql',
        status: 200,
        outcome: 'error_server',
        operation: expect.stringMatching(/^CountsAndOne__records__\d+$/),
        durationMs: expect.any(Number),
      })
      expect(access(sent.requestId, 'hd4res-participants')).toMatchObject({ status: 200, outcome: 'ok' })
      // One access line per part and request: the gateway asked participants once, the records once.
      for (const name of ['hd4res-gateway', 'hd4res-records'])
        expect(parsed.filter((l) => l.requestId === sent.requestId && l.name === name && l.msg === 'request')).toHaveLength(1)
      // The failure in the records subgraph names the request and the trace too.
      expect(parsed).toContainEqual(
        expect.objectContaining({
          name: 'hd4res-records',
          requestId: sent.requestId,
          traceId,
          level: 50,
          msg: expect.stringMatching(/^unexpected/),
        }),
      )
    }
  })
})
