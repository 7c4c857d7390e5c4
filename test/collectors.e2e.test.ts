/**
 * The daily collectors against a real store, then read back through the
 * gateway: imports land, re-runs change nothing, bad documents are refused
 * with where and why, and nothing of them is written.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ImportLocked, ImportRefused } from '../collectors/errors.js'
import { collectHd4devopsAvailability, collectHd4devopsCounts, type CountsDocument } from '../collectors/hd4devops.js'
import { fileDocuments, type SourceDocument } from '../collectors/input.js'
import { collectServiceNow } from '../collectors/servicenow/collect.js'
import { loadPublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import { checksum } from './helpers/checksum.js'
import { ENGINES, startTestGraph, type TestGraph } from './helpers/graph.js'

const dir = mkdtempSync(path.join(tmpdir(), 'hd4res-collect-'))
const doc = (name: string, value: unknown): SourceDocument => {
  const file = path.join(dir, name)
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2))
  return fileDocuments([file])[0]!
}

const DAY = '2026-11-22'
const countsDoc = (records: number, subjects: number): CountsDocument => ({
  format: 'hd4devops-counts/1',
  component: 'HD4DP_V2_LOCAL',
  day: DAY,
  generatedAt: `${DAY}T23:10:00Z`,
  projects: [{ project: 'BCFR', records, uniqueSubjects: subjects }],
})

describe.each(ENGINES)('collectors on %s', (engine) => {
  let t: TestGraph
  beforeAll(async () => {
    t = await startTestGraph({ engine, registry: loadPublicationRegistry({ available: 'ALL' }) })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('imports an HD4DevOps counts document, served through the gateway, and a re-run changes nothing', async () => {
    const outcomes = await collectHd4devopsCounts(t.db, [doc('counts-ok.json', countsDoc(6000, 2400))])
    expect(outcomes.map((o) => o.status)).toEqual(['imported'])
    const res = await t.query(`{ project(id: "prj-0001") {
      studyRecordCounts(date: "${DAY}") { ... on StudyRecordCounts { components { component { id } source count { ... on ExactCount { value } } } } }
      uniqueSubjectCounts(date: "${DAY}") { ... on UniqueSubjectCounts { components { component { id } count { ... on ExactCount { value } } } } } } }`)
    const local = res.body.data!.project.studyRecordCounts.components.find((c: any) => c.component.id === 'HD4DP_V2_LOCAL')
    expect(local).toEqual({ component: { id: 'HD4DP_V2_LOCAL' }, source: 'HD4DEVOPS', count: { value: 6000 } })
    const subjects = res.body.data!.project.uniqueSubjectCounts.components.find((c: any) => c.component.id === 'HD4DP_V2_LOCAL')
    expect(subjects.count).toEqual({ value: 2400 })

    const before = await checksum(t.db)
    await collectHd4devopsCounts(t.db, [doc('counts-ok-again.json', countsDoc(6000, 2400))])
    expect(await checksum(t.db)).toEqual(before)
  })

  it.each([
    ['a negative count', countsDoc(-3, 10), /counts-bad-0\.json:\d+ at \$\.projects\[0\]\.records: must be >= 0 \(minimum\)/],
    [
      'a string where a number goes',
      { ...countsDoc(1, 1), projects: [{ project: 'BCFR', records: 'many' }] },
      /at \$\.projects\[0\]\.records: must be integer \(type\)/,
    ],
    ['an unknown component', { ...countsDoc(1, 1), component: 'HD4DP_V3' }, /at \$\.component: must be one of "HD4DP_V2_LOCAL"/],
    [
      'an unknown project',
      { ...countsDoc(1, 1), projects: [{ project: 'NO-SUCH-STUDY', records: 1 }] },
      /at \$\.projects\[0\]\.project: unknown research project "NO-SUCH-STUDY"/,
    ],
    ['a truncated file', JSON.stringify(countsDoc(1, 1), null, 2).slice(0, 120), /counts-bad-4\.json:\d+:\d+: not valid JSON: .*truncated/],
  ])('refuses %s, naming where, and writes nothing', async (_what, bad, message) => {
    const index = [
      'a negative count',
      'a string where a number goes',
      'an unknown component',
      'an unknown project',
      'a truncated file',
    ].indexOf(_what)
    const before = await checksum(t.db)
    const outcomes = await collectHd4devopsCounts(t.db, [doc(`counts-bad-${index}.json`, bad)])
    expect(outcomes).toHaveLength(1)
    const outcome = outcomes[0]!
    expect(outcome.status).toBe('refused')
    if (outcome.status !== 'refused') return
    expect(outcome.error).toBeInstanceOf(ImportRefused)
    expect(outcome.error.message).toMatch(message)
    expect(await checksum(t.db)).toEqual(before)
  })

  it('names the exact line of the offending value', async () => {
    const text = JSON.stringify(
      {
        ...countsDoc(1, 1),
        projects: [
          { project: 'BCFR', records: 1 },
          { project: 'ORTHOPRIDE-HIP', records: -3 },
        ],
      },
      null,
      2,
    )
    const line = text.split('\n').findIndex((l) => l.includes('-3')) + 1
    const [outcome] = await collectHd4devopsCounts(t.db, [doc('counts-line.json', text)])
    expect(outcome!.status === 'refused' && outcome!.error.message).toContain(`counts-line.json:${line} at $.projects[1].records`)
  })

  it('reads documents from an HTTP address template, one per component and day', async () => {
    const { default: Fastify } = await import('fastify')
    const server = Fastify()
    const asked: string[] = []
    server.get<{ Params: { component: string; day: string } }>('/counts/:component/:day', async (request, reply) => {
      asked.push(`${request.params.component}/${request.params.day}`)
      if (request.params.component !== 'HD4DP_V2_WEB') return reply.code(404).send({ error: 'no such document' })
      return { ...countsDoc(321, 123), component: 'HD4DP_V2_WEB', day: request.params.day.replace('.json', '') }
    })
    const base = await server.listen({ port: 0, host: '127.0.0.1' })
    try {
      const { urlDocuments } = await import('../collectors/input.js')
      const outcomes = await collectHd4devopsCounts(
        t.db,
        urlDocuments(`${base}/counts/{component}/{day}.json`, ['HD4DP_V2_WEB', 'HERA'], [DAY], { maxRetries: 0 }),
      )
      expect(asked.sort()).toEqual([`HD4DP_V2_WEB/${DAY}.json`, `HERA/${DAY}.json`])
      expect(outcomes.map((o) => o.status)).toEqual(['imported', 'refused'])
      expect(outcomes[1]!.status === 'refused' && outcomes[1]!.error.message).toMatch(/GET .*HERA.* answered 404/)
      const [row] = await t.db.query<{ records: number }>(
        `SELECT records FROM records.study_record_counts WHERE project_id = 'prj-0001' AND component_id = 'HD4DP_V2_WEB' AND day = $1`,
        [DAY],
      )
      expect(row!.records).toBe(321)
    } finally {
      await server.close()
    }
  })

  it('imports a day of availability checks and refuses a check from another day', async () => {
    const checks = Array.from({ length: 288 }, (_, i) => ({
      at: new Date(Date.parse(`${DAY}T00:00:00Z`) + i * 300_000).toISOString(),
      up: i !== 100,
      ...(i !== 100 ? { responseTimeMs: 100 + i } : {}),
    }))
    const [ok] = await collectHd4devopsAvailability(t.db, [
      doc('avail.json', { format: 'hd4devops-availability/1', component: 'HERA', day: DAY, checks }),
    ])
    expect(ok!.status === 'imported' && ok!.result.rows).toBe(288)
    const [bad] = await collectHd4devopsAvailability(t.db, [
      doc('avail-bad.json', {
        format: 'hd4devops-availability/1',
        component: 'HERA',
        day: DAY,
        checks: [{ at: '2026-11-23T00:00:00Z', up: true, responseTimeMs: 1 }],
      }),
    ])
    expect(bad!.status === 'refused' && bad!.error.message).toMatch(
      /avail-bad\.json:\d+ at \$\.checks\[0\]\.at: check time 2026-11-23T00:00:00Z is not on 2026-11-22/,
    )
    const [down] = await collectHd4devopsAvailability(t.db, [
      doc('avail-missing.json', {
        format: 'hd4devops-availability/1',
        component: 'HERA',
        day: DAY,
        checks: [{ at: `${DAY}T01:00:00Z`, up: true }],
      }),
    ])
    expect(down!.status === 'refused' && down!.error.message).toMatch(/missing property "responseTimeMs"/)
  })

  it('flags a count that falls by more than the set share, and imports it', async () => {
    const previous = { ...countsDoc(1000, 500), day: '2026-11-23', generatedAt: '2026-11-23T23:00:00Z' }
    const fallen = { ...countsDoc(600, 300), day: '2026-11-24', generatedAt: '2026-11-24T23:00:00Z' }
    await collectHd4devopsCounts(t.db, [doc('prev.json', previous)])
    const [outcome] = await collectHd4devopsCounts(t.db, [doc('fallen.json', fallen)], { dropWarningShare: 0.25 })
    expect(outcome!.status).toBe('imported')
    if (outcome!.status !== 'imported') return
    expect(outcome!.result.outcome).toBe('warning')
    expect(outcome!.result.warnings[0]).toMatch(/prj-0001 fell from 1000 to 600/)
    const [logged] = await t.db.query<{ outcome: string; message: string }>(
      `SELECT outcome, message FROM ops.import_runs ORDER BY id DESC LIMIT 1`,
    )
    expect(logged).toEqual({ outcome: 'warning', message: expect.stringMatching(/fell from 1000 to 600/) })
  })

  it('imports a ServiceNow extract, plain and {display_value, value} alike; an update in ServiceNow updates the ticket here', async () => {
    const record = (state: unknown, updated: string, project = 'BCFR') => ({
      sys_id: 'ab'.repeat(16),
      number: 'INC0999001',
      short_description: { display_value: 'Échec de l’envoi vers HD Integration', value: 'Échec de l’envoi vers HD Integration' },
      state,
      priority: { display_value: '2 - High', value: '2' },
      opened_at: '2026-11-21 08:00:00',
      sys_updated_on: updated,
      closed_at: '',
      u_project: project,
    })
    const file = (name: string, records: unknown[]) => {
      const p = path.join(dir, name)
      writeFileSync(p, JSON.stringify({ result: records }, null, 2))
      return p
    }
    const first = await collectServiceNow(t.db, [
      { kind: 'file', table: 'incident', file: file('sn-1.json', [record('1', '2026-11-21 08:00:00')]) },
    ])
    expect(first.rows).toBe(1)
    const find = async () =>
      (
        await t.query(
          `{ project(id: "prj-0001") { incidents(filter: { search: "INC0999001" }) { ... on IncidentConnection { totalCount edges { node { number state priority shortDescription } } } } } }`,
        )
      ).body.data!.project.incidents
    expect((await find()).edges[0].node).toEqual({
      number: 'INC0999001',
      state: 'NEW',
      priority: 'HIGH',
      shortDescription: 'Échec de l’envoi vers HD Integration',
    })
    const before = await checksum(t.db)
    await collectServiceNow(t.db, [{ kind: 'file', table: 'incident', file: file('sn-1b.json', [record('1', '2026-11-21 08:00:00')]) }])
    expect(await checksum(t.db)).toEqual(before)
    // Later in ServiceNow: in progress and moved to another project; an older copy on the same page loses.
    await collectServiceNow(t.db, [
      {
        kind: 'file',
        table: 'incident',
        file: file('sn-2.json', [
          record({ display_value: 'In Progress', value: '2' }, '2026-11-22 09:00:00', 'ORTHOPRIDE-HIP'),
          record('1', '2026-11-21 08:00:00'),
        ]),
      },
    ])
    expect((await find()).totalCount).toBe(0)
    const moved = await t.query(
      `{ project(id: "prj-0002") { incidents(filter: { search: "INC0999001" }) { ... on IncidentConnection { edges { node { state } } } } } }`,
    )
    expect(moved.body.data!.project.incidents.edges).toEqual([{ node: { state: 'IN_PROGRESS' } }])
  })

  it('refuses a ServiceNow extract with an unknown state whole, naming the record', async () => {
    const p = path.join(dir, 'sn-bad.json')
    const good = {
      sys_id: 'cd'.repeat(16),
      number: 'INC0999002',
      short_description: 'fine',
      state: '1',
      priority: '3',
      opened_at: '2026-11-21 08:00:00',
      u_project: 'BCFR',
    }
    writeFileSync(p, JSON.stringify({ result: [good, { ...good, sys_id: 'ef'.repeat(16), number: 'INC0999003', state: '42' }] }, null, 2))
    const before = await checksum(t.db)
    await expect(collectServiceNow(t.db, [{ kind: 'file', table: 'incident', file: p }])).rejects.toThrow(
      /sn-bad\.json at \$\.result\[1\]\.state: unknown incident state "42"; add it to collectors\/servicenow\/mapping\.ts/,
    )
    expect(await checksum(t.db)).toEqual(before)
    const [failed] = await t.db.query<{ outcome: string; message: string; file: string; path: string }>(
      `SELECT outcome, message, file, path FROM ops.import_runs ORDER BY id DESC LIMIT 1`,
    )
    expect(failed!.outcome).toBe('refused')
    expect(failed!.message).toMatch(/unknown incident state "42"/)
    expect(failed!.file).toMatch(/sn-bad\.json$/)
    expect(failed!.path).toBe('$.result[1].state')
  })

  it('refuses a ticket whose number is stored under another sys_id, saying so', async () => {
    const p = path.join(dir, 'sn-clash.json')
    const existing = (await t.db.query<{ number: string }>(`SELECT number FROM support.tickets WHERE kind = 'incident' LIMIT 1`))[0]!.number
    writeFileSync(
      p,
      JSON.stringify({
        result: [
          {
            sys_id: '9f'.repeat(16),
            number: existing,
            short_description: 'x',
            state: '1',
            priority: '3',
            opened_at: '2026-11-21 08:00:00',
          },
        ],
      }),
    )
    await expect(collectServiceNow(t.db, [{ kind: 'file', table: 'incident', file: p }])).rejects.toThrow(
      `Ticket ${existing} (sys_id ${'9f'.repeat(16)}) is already stored under another sys_id`,
    )
  })

  it('shows the import log to operators only', async () => {
    const query = '{ collectorRuns(last: 5) { source day outcome rows message finishedAt } }'
    const researcher = await t.query(query)
    expect(researcher.body.errors![0]!.extensions!.code).toBe('FORBIDDEN')
    const operator = await t.query(query, {}, await t.tokenFor('ops-1', ['operator']))
    expect(operator.body.errors).toBeUndefined()
    expect(operator.body.data!.collectorRuns).toHaveLength(5)
    expect(operator.body.data!.collectorRuns[0]).toMatchObject({ source: 'servicenow', outcome: 'FAILED' })
    const bad = await t.query('{ collectorRuns(source: "fax") { day } }', {}, await t.tokenFor('ops-1', ['operator']))
    expect(bad.body.errors![0]!.message).toMatch(/"source" must be one of/)
  })

  it('updates Publication.lastCollectedAt from the import log', async () => {
    const res = await t.query('{ publications { id lastCollectedAt } }')
    const incidents = res.body.data!.publications.find((p: any) => p.id === 'INCIDENTS')
    expect(Date.parse(incidents.lastCollectedAt)).toBeGreaterThan(Date.now() - 10 * 60_000)
  })

  if (engine === 'postgres') {
    it('refuses a second import of the same source while one holds the lock, and waits when asked', async () => {
      const { default: pg } = await import('pg')
      // Hold the lock the way a running import does, on the test's own database.
      const [{ current_database: name }] = await t.db.query<{ current_database: string }>('SELECT current_database()')
      const url = new URL(process.env.DATABASE_URL!)
      url.pathname = `/${name}`
      const other = new pg.Client({ connectionString: url.toString() })
      await other.connect()
      await other.query('BEGIN')
      await other.query(`SELECT pg_advisory_xact_lock(hashtext('hd4res-collect-hd4devops-counts'))`)
      const [refused] = await collectHd4devopsCounts(t.db, [doc('locked.json', countsDoc(7000, 2500))])
      expect(refused!.status === 'refused' && refused!.error).toBeInstanceOf(ImportLocked)
      const waiting = collectHd4devopsCounts(t.db, [doc('locked-wait.json', countsDoc(7000, 2500))], { wait: true })
      await new Promise((r) => setTimeout(r, 300))
      await other.query('COMMIT')
      await other.end()
      const [waited] = await waiting
      expect(waited!.status).toBe('imported')
    })
  }
})
