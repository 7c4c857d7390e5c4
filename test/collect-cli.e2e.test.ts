/**
 * The collect command as an operator runs it, on the embedded store: import
 * fixtures, re-run (nothing changes), feed it corrupt files (refused with where,
 * nothing changes), then read the data back through the gateway.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeFixtures } from '../demo/sources.js'
import { readSettings } from '../platform/settings.js'
import { startEmbeddedGraph, type EmbeddedGraph } from '../launch/embedded.js'
import { openDb } from '../subgraphs/kit/store/db.js'
import { loadPublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import { checksum } from './helpers/checksum.js'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '..')
const dataDir = mkdtempSync(path.join(tmpdir(), 'hd4res-cli-'))
const fixtures = mkdtempSync(path.join(tmpdir(), 'hd4res-fixtures-'))
const env = { ...process.env, HD4RES_DATA_DIR: dataDir, DATABASE_URL: '' }
const END = '2026-11-21'

async function cli(script: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'bin', script), ...args], {
      env,
      cwd: root,
    })
    return { code: 0, out: stdout + stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, out: e.stdout + e.stderr }
  }
}

async function storeChecksum() {
  const db = await openDb({ dataDir: path.join(dataDir, 'pglite') })
  try {
    return await checksum(db)
  } finally {
    await db.close()
  }
}

describe('npm run collect', () => {
  let graph: EmbeddedGraph | undefined
  beforeAll(async () => {
    expect((await cli('seed.ts', ['--size', 'small', '--seed', '42', '--end-date', END])).code).toBe(0)
    await writeFixtures(fixtures, { size: 'small', seed: 42, endDate: '2026-11-22', count: 300 })
  }, 120_000)
  afterAll(async () => {
    await graph?.close()
  })

  it('imports a ServiceNow extract, and a second run changes nothing', async () => {
    const first = await cli('collect.ts', [
      'servicenow',
      '--file',
      path.join(fixtures, 'servicenow/incident.json'),
      '--file',
      path.join(fixtures, 'servicenow/sc_request.json'),
    ])
    expect(first.code, first.out).toBe(0)
    expect(first.out).toMatch(/servicenow \d{4}-\d{2}-\d{2}: 600 tickets, (succeeded|warning)/)
    const before = await storeChecksum()
    const second = await cli('collect.ts', [
      'servicenow',
      '--file',
      path.join(fixtures, 'servicenow/incident.json'),
      '--file',
      path.join(fixtures, 'servicenow/sc_request.json'),
    ])
    expect(second.code, second.out).toBe(0)
    expect(await storeChecksum()).toEqual(before)
  }, 60_000)

  it('imports the SLAs of task_sla beside the tickets, told by --table or by the file name', async () => {
    const incidents = JSON.parse(readFileSync(path.join(fixtures, 'servicenow/incident.json'), 'utf8')).result as { sys_id: unknown }[]
    const task = incidents[0]!.sys_id
    const sla = (n: number) => ({
      sys_id: `5a${String(n).padStart(30, '0')}`,
      task,
      sla: 'Incident response (8 hours)',
      stage: 'in_progress',
      has_breached: 'false',
      start_time: '2026-11-20 09:14:37',
      planned_end_time: '2026-11-20 17:14:37',
      end_time: '',
      sys_updated_on: '2026-11-20 09:14:38',
    })
    const named = path.join(fixtures, 'task_sla.json')
    const unnamed = path.join(fixtures, 'extract-2.json')
    writeFileSync(named, JSON.stringify({ result: [sla(1)] }))
    writeFileSync(unnamed, JSON.stringify({ result: [sla(2)] }))
    const incident = path.join(fixtures, 'servicenow/incident.json')
    const byName = await cli('collect.ts', ['servicenow', '--file', incident, '--file', named])
    expect(byName.code, byName.out).toBe(0)
    const byTable = await cli('collect.ts', ['servicenow', '--file', unnamed, '--table', 'task_sla'])
    expect(byTable.code, byTable.out).toBe(0)
    const db = await openDb({ dataDir: path.join(dataDir, 'pglite') })
    try {
      const rows = await db.query<{ sys_id: string }>('SELECT sys_id FROM support.ticket_slas WHERE task_sys_id = $1 ORDER BY sys_id', [
        (task as { value?: string }).value ?? task,
      ])
      expect(rows.map((r) => r.sys_id)).toEqual([sla(1).sys_id, sla(2).sys_id])
    } finally {
      await db.close()
    }
    const wrong = await cli('collect.ts', ['servicenow', '--file', unnamed, '--table', 'problem'])
    expect(wrong.code).toBe(2)
    expect(wrong.out).toMatch(/--table must be incident, sc_request, task_sla; got "problem"/)
  }, 60_000)

  it('imports a folder of HD4DevOps documents for a day', async () => {
    const counts = await cli('collect.ts', ['hd4devops-counts', '--folder', path.join(fixtures, 'hd4devops/counts'), '--day', '2026-11-22'])
    expect(counts.code, counts.out).toBe(0)
    expect(counts.out).toMatch(/hd4devops-counts-HD4DP_V2_LOCAL-2026-11-22\.json: \d+ rows, (succeeded|warning)/)
    const availability = await cli('collect.ts', ['hd4devops-availability', '--folder', path.join(fixtures, 'hd4devops/availability')])
    expect(availability.code, availability.out).toBe(0)
  }, 60_000)

  it('refuses each corrupt document with where and why, and the store is unchanged', async () => {
    const before = await storeChecksum()
    const files = readdirSync(path.join(fixtures, 'corrupt')).map((f) => path.join(fixtures, 'corrupt', f))
    expect(files.length).toBeGreaterThanOrEqual(4)
    const result = await cli('collect.ts', ['hd4devops-counts', ...files.flatMap((f) => ['--file', f])])
    expect(result.code).toBe(1)
    const refusals = result.out.split('\n').filter((l) => l.includes('REFUSED'))
    expect(refusals).toHaveLength(files.length)
    for (const line of refusals) expect(line).toMatch(/\.json:\d+(:\d+)?( at \$[^:]*)?: /)
    expect(result.out).toMatch(/must be >= 0 \(minimum\)/)
    expect(result.out).toMatch(/must be integer \(type\)/)
    expect(result.out).toMatch(/truncated/)
    expect(result.out).toMatch(/at \$\.component: must be one of/)
    expect(await storeChecksum()).toEqual(before)
  }, 60_000)

  it('says what is wrong with its own arguments', async () => {
    const bad = await cli('collect.ts', ['hd4devops-counts', '--folder', fixtures, '--day', '2026-02-30'])
    expect(bad.code).toBe(2)
    expect(bad.out).toMatch(/--day must be a date written YYYY-MM-DD, today or yesterday; got "2026-02-30"/)
    const unknown = await cli('collect.ts', ['faxes'])
    expect(unknown.code).toBe(2)
    expect(unknown.out).toMatch(/Unknown source "faxes"/)
  }, 60_000)

  it('serves what it imported through the gateway', async () => {
    graph = await startEmbeddedGraph({
      settings: readSettings({ PORT: '0', HD4RES_DATA_DIR: dataDir }),
      registry: loadPublicationRegistry({ available: 'ALL' }),
    })
    const token = await graph.token()
    const response = await fetch(graph.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: `{ projects { code
          incidents(first: 100) { ... on IncidentConnection { totalCount edges { node { number } } } }
          studyRecordCounts(date: "2026-11-22") { ... on StudyRecordCounts { components { component { id } source count { __typename } } } } } }`,
      }),
    })
    const body = (await response.json()) as { data: { projects: any[] } }
    const numbers = body.data.projects.flatMap((p) => p.incidents.edges.map((e: any) => e.node.number))
    // Fixture tickets are numbered from INC1000001, after the demo store's own.
    expect(numbers.some((n: string) => n >= 'INC1000001')).toBe(true)
    const local = body.data.projects.flatMap((p) => p.studyRecordCounts.components).filter((c: any) => c.component.id === 'HD4DP_V2_LOCAL')
    expect(local.length).toBeGreaterThan(0)
    expect(local.every((c: any) => c.source === 'HD4DEVOPS' && c.count.__typename === 'ExactCount')).toBe(true)
  }, 60_000)
})
