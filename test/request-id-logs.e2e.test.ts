/**
 * One request's log lines share its request id across the deployment. The
 * graph runs as `npm start` does, in a process of its own, on an embedded
 * store prepared beforehand with one researcher's project and without the
 * records subgraph's counts table, so that asking for the record counts is
 * an unexpected error there. The gateway's and the records subgraph's JSON
 * lines on the process's standard output both name the id the request was
 * sent with.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { migrateAll } from '../subgraphs/index.js'
import { openDb } from '../subgraphs/kit/store/db.js'

const root = path.resolve(import.meta.dirname, '..')
const QUERY = 'query RecordCounts { projects { id studyRecordCounts { __typename } } }'

type LogLine = Record<string, unknown> & { name?: string; requestId?: string; level?: number }

describe("a request's log lines in the gateway and in a subgraph", () => {
  let dataDir: string
  let child: ChildProcess | undefined
  let output = ''
  const lines: LogLine[] = []
  let graphqlUrl: string
  let token: string

  beforeAll(async () => {
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
      },
    })
    let pending = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      pending += chunk.toString()
      const complete = pending.split('\n')
      pending = complete.pop()!
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
})
