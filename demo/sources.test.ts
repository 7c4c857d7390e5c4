import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { afterAll, describe, expect, it } from 'vitest'
import { projectDailyCounts } from './counts.js'
import { generatePlatform } from './platform.js'
import { addDays } from './random.js'
import {
  awkwardServiceNowCases,
  awkwardServiceNowRecords,
  corruptCountsDocuments,
  EXTERNAL_COMPONENTS,
  hd4devopsAvailabilityDocuments,
  hd4devopsCountsDocuments,
  serviceNowRecords,
  serviceNowRecordStream,
  writeFixtures,
  type CountsDocument,
} from './sources.js'
import { INCIDENT_STATES, lookup, PRIORITIES, REQUEST_STATES, REQUEST_TASK_STATES } from '../collectors/servicenow/mapping.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const schema = (name: string) => JSON.parse(readFileSync(path.join(here, '../collectors/schemas', `${name}.schema.json`), 'utf8'))
const ajv = new Ajv2020({ allErrors: true, strict: true })
;(addFormats as unknown as (a: Ajv2020) => void)(ajv)
const validateCounts = ajv.compile(schema('hd4devops-counts'))
const validateAvailability = ajv.compile(schema('hd4devops-availability'))

const END = '2026-11-21'
// The default platform: the small one has no BioIT, HERA or NRC project.
const OPTIONS = { size: 'default', seed: 4242, endDate: END, days: 3 } as const
const DAYS = [addDays(END, -2), addDays(END, -1), END]
const VALUE_DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/
const DISPLAY_DATE = /^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}:\d{2}$/

describe('HD4DevOps counts documents', () => {
  const files = hd4devopsCountsDocuments(OPTIONS)
  const platform = generatePlatform({ size: 'default', seed: 4242, endDate: END })
  const integration = new Set(
    platform.organisations.flatMap((o) => o.installations.filter((i) => i.environment === 'INTEGRATION').map((i) => i.host)),
  )
  const sum = (installations: { installation: string; records: number }[], hosts: Set<string>) =>
    installations.filter((i) => hosts.has(i.installation)).reduce((total, i) => total + i.records, 0)

  it('come one per external component and day, named after both, and valid against the schema', () => {
    expect(files.map((f) => f.fileName).sort()).toEqual(
      EXTERNAL_COMPONENTS.flatMap((c) => DAYS.map((d) => `hd4devops-counts-${c}-${d}.json`)).sort(),
    )
    for (const { fileName, document } of files) {
      const valid = validateCounts(document)
      expect(valid, `${fileName}: ${JSON.stringify(validateCounts.errors)}`).toBe(true)
      expect(document.generatedAt).toMatch(new RegExp(`^${addDays(document.day, 1)}T03:1\\d:00Z$`))
    }
    expect(new Set(files.map((f) => f.document.component))).toEqual(
      new Set(['HD4DP_V2_LOCAL', 'HD4DP_V2_WEB', 'HD4PATIENT', 'HERA', 'BIOIT', 'NRC']),
    )
  })

  it('hold exactly the demo counts of each project, component and day, by project code', () => {
    const expected = new Map<string, number>()
    for (const project of platform.projects) {
      for (const c of projectDailyCounts(platform, project)) {
        if (DAYS.includes(c.day) && EXTERNAL_COMPONENTS.includes(c.componentId)) {
          expected.set(`${c.componentId}|${c.day}|${project.code}`, c.records)
        }
      }
    }
    const actual = new Map<string, number>()
    for (const { document } of files) {
      // HD4DevOps' total counts the integration servers' test records too; the demo's counts are production's.
      for (const p of document.projects)
        actual.set(`${document.component}|${document.day}|${p.project}`, p.records - sum(p.installations ?? [], integration))
    }
    expect(actual.size).toBeGreaterThan(50)
    expect(actual).toEqual(expected)
  })

  it('leave uniqueSubjects out for BioIT always and elsewhere now and then', () => {
    const bioit = files.filter((f) => f.document.component === 'BIOIT').flatMap((f) => f.document.projects)
    expect(bioit.length).toBeGreaterThan(0)
    expect(bioit.every((p) => !('uniqueSubjects' in p))).toBe(true)
    const others = files.filter((f) => f.document.component !== 'BIOIT').flatMap((f) => f.document.projects)
    const missing = others.filter((p) => !('uniqueSubjects' in p)).length
    expect(missing).toBeGreaterThan(0)
    expect(missing).toBeLessThan(others.length * 0.2)
  })

  it('split HD4DP v2 Local counts across installations that add up to the project, integration servers included', () => {
    const hostsOf = new Map(
      platform.projects.map((p) => [
        p.code,
        new Set(
          p.providerOrganisationIds.flatMap(
            (id) => platform.organisations.find((o) => o.id === id)?.installations.map((i) => i.host) ?? [],
          ),
        ),
      ]),
    )
    let split = 0
    let tested = 0
    for (const { document } of files) {
      for (const p of document.projects) {
        if (document.component !== 'HD4DP_V2_LOCAL') {
          expect(p.installations).toBeUndefined()
          continue
        }
        if (!p.installations) continue
        split++
        expect(p.installations.reduce((sum, i) => sum + i.records, 0)).toBe(p.records)
        if (p.installations.some((i) => integration.has(i.installation))) tested++
        for (const i of p.installations) {
          expect(hostsOf.get(p.project)!.has(i.installation)).toBe(true)
          expect(i.release).toMatch(/^2\.\d+\.\d+$/)
          if (i.uniqueSubjects !== undefined) expect(i.uniqueSubjects).toBeLessThanOrEqual(i.records)
          expect('uniqueSubjects' in i).toBe('uniqueSubjects' in p)
        }
      }
    }
    expect(split).toBeGreaterThan(10)
    expect(tested).toBeGreaterThan(0)
  })
})

describe('HD4DevOps availability documents', () => {
  const files = hd4devopsAvailabilityDocuments(OPTIONS)

  it('cover all ten components every day with a check every five minutes, valid against the schema', () => {
    expect(files).toHaveLength(10 * DAYS.length)
    for (const { fileName, document } of files) {
      expect(fileName).toBe(`hd4devops-availability-${document.component}-${document.day}.json`)
      expect(validateAvailability(document), `${fileName}: ${JSON.stringify(validateAvailability.errors)}`).toBe(true)
      expect(document.checks).toHaveLength(288)
      const start = Date.parse(`${document.day}T00:00:00Z`)
      document.checks.forEach((check, i) => expect(Date.parse(check.at)).toBe(start + i * 300_000))
    }
  })

  it('have a few down checks, written both without responseTimeMs and with null, and plausible response times', () => {
    const checks = files.flatMap((f) => f.document.checks)
    const down = checks.filter((c) => !c.up)
    expect(down.length).toBeGreaterThan(0)
    expect(down.length).toBeLessThan(checks.length * 0.05)
    expect(down.some((c) => !('responseTimeMs' in c))).toBe(true)
    expect(down.some((c) => c.responseTimeMs === null)).toBe(true)
    const times = checks
      .filter((c) => c.up)
      .map((c) => c.responseTimeMs as number)
      .sort((a, b) => a - b)
    expect(times[0]).toBeGreaterThan(10)
    expect(times[Math.floor(times.length / 2)]).toBeGreaterThan(50)
    expect(times[Math.floor(times.length / 2)]).toBeLessThan(1000)
    expect(times[times.length - 1]).toBeLessThan(10_000)
  })
})

describe('ServiceNow records', () => {
  const incidents = serviceNowRecords('incident', OPTIONS)
  const requests = serviceNowRecords('sc_request', OPTIONS)
  const codes = new Set(generatePlatform({ size: 'default', seed: 4242, endDate: END }).projects.map((p) => p.code))

  it('split the platform tickets between incidents and requests, with unique sys_ids and rising numbers', () => {
    expect(incidents.length + requests.length).toBe(4000)
    for (const [records, prefix] of [
      [incidents, 'INC'],
      [requests, 'REQ'],
    ] as const) {
      expect(new Set(records.map((r) => r.sys_id)).size).toBe(records.length)
      records.forEach((r, i) => {
        expect(r.sys_id).toMatch(/^[0-9a-f]{32}$/)
        expect(r.number).toBe(`${prefix}${String(1_000_001 + i).padStart(7, '0')}`)
        if (i > 0) expect((r.opened_at as string) >= (records[i - 1]!.opened_at as string)).toBe(true)
        for (const key of ['opened_at', 'sys_updated_on']) expect(r[key]).toMatch(VALUE_DATE)
        expect((r.sys_updated_on as string) >= (r.opened_at as string)).toBe(true)
        expect((r.sys_updated_on as string) <= `${END} 23:59:59`).toBe(true)
        expect(lookup(PRIORITIES, r.priority as string)).toBeDefined()
        expect(r.u_project === '' || codes.has(r.u_project as string)).toBe(true)
      })
    }
  })

  it('have incident states, resolution and closing dates that agree', () => {
    const seen = new Set<string>()
    for (const r of incidents) {
      const state = r.state as string
      seen.add(state)
      expect(lookup(INCIDENT_STATES, state)).toBeDefined()
      expect(r.closed_at === '').toBe(['1', '2', '3', '6'].includes(state))
      expect(r.resolved_at === '').toBe(['1', '2', '3', '8'].includes(state))
      if (r.closed_at) expect(r.closed_at).toMatch(VALUE_DATE)
      if (r.resolved_at) expect((r.resolved_at as string) >= (r.opened_at as string)).toBe(true)
      expect(typeof r.category).toBe('string')
    }
    expect([...seen].sort()).toEqual(['1', '2', '3', '6', '7', '8'])
  })

  it('have request and task states from the mapping, and no incident-only fields', () => {
    for (const r of requests) {
      expect(lookup(REQUEST_STATES, r.request_state as string)).toBeDefined()
      expect(lookup(REQUEST_TASK_STATES, r.state as string)).toBeDefined()
      expect((r.request_state as string).startsWith('closed')).toBe(r.closed_at !== '')
      expect(r).not.toHaveProperty('resolved_at')
      expect(r).not.toHaveProperty('category')
    }
    expect(new Set(requests.map((r) => r.request_state))).toEqual(
      new Set(['requested', 'in_process', 'closed_complete', 'closed_incomplete', 'closed_cancelled', 'closed_rejected']),
    )
  })

  it('have realistic descriptions: accents, quotes, and a few without a project', () => {
    const all = [...incidents, ...requests]
    const descriptions = all.map((r) => r.short_description as string)
    expect(descriptions.some((d) => /[éèàüë]/.test(d))).toBe(true)
    expect(descriptions.some((d) => d.includes('"'))).toBe(true)
    expect(descriptions.some((d) => d.includes("'"))).toBe(true)
    const withoutProject = all.filter((r) => r.u_project === '').length
    expect(withoutProject).toBeGreaterThan(0)
    expect(withoutProject).toBeLessThan(all.length * 0.1)
  })

  it('wrap every field with display values on request, under the chosen project field', () => {
    const wrapped = serviceNowRecords('incident', { ...OPTIONS, displayValueAll: true, projectField: 'u_research_project' })
    expect(wrapped).toHaveLength(incidents.length)
    wrapped.forEach((record, i) => {
      const plain = incidents[i]!
      expect(Object.keys(record)).toEqual(Object.keys(plain).map((k) => (k === 'u_project' ? 'u_research_project' : k)))
      for (const [key, value] of Object.entries(record)) {
        expect(Object.keys(value as object).sort()).toEqual(['display_value', 'value'])
        expect((value as { value: unknown }).value).toBe(plain[key === 'u_research_project' ? 'u_project' : key])
      }
      const v = record as Record<string, { display_value: string; value: string }>
      expect(v.opened_at!.display_value).toMatch(DISPLAY_DATE)
      const [date, time] = v.opened_at!.value.split(' ')
      const [y, m, d] = date!.split('-')
      expect(v.opened_at!.display_value).toBe(`${d}/${m}/${y} ${time}`)
    })
    const inProgress = wrapped.find((r) => (r.state as { value: string }).value === '2')!
    expect((inProgress.state as { display_value: string }).display_value).toBe('In Progress')
    const high = wrapped.find((r) => (r.priority as { value: string }).value === '2')!
    expect((high.priority as { display_value: string }).display_value).toBe('2 - High')
  })

  it('stream lazily, so a huge extract starts at once', () => {
    const started = Date.now()
    const first: unknown[] = []
    for (const r of serviceNowRecordStream('incident', { ...OPTIONS, count: 50_000_000 })) {
      first.push(r)
      if (first.length === 3) break
    }
    expect(Date.now() - started).toBeLessThan(5_000)
    expect((first[2] as { number: string }).number).toBe('INC1000003')
    expect([...serviceNowRecordStream('sc_request', OPTIONS)]).toEqual(requests)
  })
})

describe('awkward ServiceNow records', () => {
  const cases = awkwardServiceNowCases(OPTIONS)
  const byName = (name: string) => cases.find((c) => c.name === name)!.records

  it('cover every awkward case, and are what awkwardServiceNowRecords returns', () => {
    expect(cases.map((c) => c.name).sort()).toEqual(
      ['duplicate-sys-id', 'missing-optional-fields', 'moved-project', 'non-ascii', 'unknown-state'].sort(),
    )
    expect(awkwardServiceNowRecords(OPTIONS)).toEqual(cases.flatMap((c) => c.records))
  })

  it('leave optional fields out entirely', () => {
    const [record] = byName('missing-optional-fields')
    expect(record).not.toHaveProperty('category')
    expect(record).not.toHaveProperty('resolved_at')
    expect(record).toHaveProperty('sys_id')
  })

  it('carry a state code no mapping knows', () => {
    const [record] = byName('unknown-state')
    expect(record!.state).toBe('42')
    expect(lookup(INCIDENT_STATES, '42')).toBeUndefined()
  })

  it('carry accents, umlauts and emoji', () => {
    const text = byName('non-ascii')
      .map((r) => r.short_description)
      .join(' ')
    expect(text).toMatch(/é/)
    expect(text).toMatch(/ü/)
    expect(text).toMatch(/\p{Extended_Pictographic}/u)
  })

  it('repeat a sys_id with a later update and another state', () => {
    const [older, newer] = byName('duplicate-sys-id')
    expect(newer!.sys_id).toBe(older!.sys_id)
    expect((newer!.sys_updated_on as string) > (older!.sys_updated_on as string)).toBe(true)
    expect(newer!.state).not.toBe(older!.state)
    expect(lookup(INCIDENT_STATES, newer!.state as string)).toBe('RESOLVED')
  })

  it('move a ticket to another project in its later version', () => {
    const [before, after] = byName('moved-project')
    expect(after!.sys_id).toBe(before!.sys_id)
    expect((after!.sys_updated_on as string) > (before!.sys_updated_on as string)).toBe(true)
    expect(after!.u_project).not.toBe(before!.u_project)
    expect(after!.u_project).not.toBe('')
  })

  it('keep optional fields out with display values too', () => {
    const [record] = awkwardServiceNowCases({ ...OPTIONS, displayValueAll: true }).find(
      (c) => c.name === 'missing-optional-fields',
    )!.records
    expect(record).not.toHaveProperty('category')
    expect(record).not.toHaveProperty('resolved_at')
    expect(record!.state).toEqual({ display_value: 'In Progress', value: '2' })
  })
})

describe('corrupt counts files', () => {
  const files = corruptCountsDocuments(OPTIONS)
  const text = (corruption: string) => files.find((f) => f.corruption === corruption)!.text
  const errorsOf = (value: unknown) => (validateCounts(value) ? [] : validateCounts.errors!)

  it('are four, each named as a JSON file', () => {
    expect(files.map((f) => f.corruption).sort()).toEqual(['negative-count', 'string-for-number', 'truncated', 'unknown-component'])
    for (const f of files) expect(f.name).toMatch(/^hd4devops-counts-[a-z-]+\.json$/)
  })

  it('hold a count of -3, and nothing else wrong', () => {
    const doc = JSON.parse(text('negative-count')) as CountsDocument
    const errors = errorsOf(doc)
    expect(errors.map((e) => e.keyword)).toEqual(['minimum'])
    const index = Number(/^\/projects\/(\d+)\/records$/.exec(errors[0]!.instancePath)![1])
    expect(doc.projects[index]!.records).toBe(-3)
    doc.projects[index]!.records = 3
    expect(errorsOf(doc)).toEqual([])
  })

  it('hold a string where a number goes, and nothing else wrong', () => {
    const doc = JSON.parse(text('string-for-number')) as { projects: Record<string, unknown>[] }
    const errors = errorsOf(doc)
    expect(errors.map((e) => e.keyword)).toEqual(['type'])
    const index = Number(/^\/projects\/(\d+)\/records$/.exec(errors[0]!.instancePath)![1])
    const value = doc.projects[index]!.records
    expect(typeof value).toBe('string')
    doc.projects[index]!.records = Number(value)
    expect(errorsOf(doc)).toEqual([])
  })

  it('hold a truncated file: the start of a real document, not JSON', () => {
    const truncated = text('truncated')
    expect(() => JSON.parse(truncated)).toThrow(SyntaxError)
    const whole = hd4devopsCountsDocuments(OPTIONS).map((f) => `${JSON.stringify(f.document, null, 2)}\n`)
    const original = whole.find((w) => w.startsWith(truncated))
    expect(original).toBeDefined()
    expect(truncated.length).toBeLessThan(original!.length)
    expect(truncated.length).toBeGreaterThan(100)
  })

  it('name a component that does not exist, and nothing else wrong', () => {
    const doc = JSON.parse(text('unknown-component'))
    const errors = errorsOf(doc)
    expect(errors.map((e) => [e.instancePath, e.keyword])).toEqual([['/component', 'enum']])
    doc.component = 'HD4DP_V2_WEB'
    expect(errorsOf(doc)).toEqual([])
  })
})

describe('writeFixtures', () => {
  const dirs: string[] = []
  const tempDir = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'hd4res-fixtures-'))
    dirs.push(dir)
    return dir
  }
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  })
  const small = { size: 'small', seed: 99, endDate: END, days: 2 } as const

  const contents = async (dir: string) => {
    const files = (await readdir(dir, { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile())
      .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
      .sort()
    return Object.fromEntries(await Promise.all(files.map(async (f) => [f, await readFile(path.join(dir, f), 'utf8')] as const)))
  }

  it('writes every kind of fixture, pretty-printed, and returns their paths', async () => {
    const dir = await tempDir()
    const written = await writeFixtures(dir, small)
    const files = await contents(dir)
    expect(written.map((f) => path.relative(dir, f)).sort()).toEqual(Object.keys(files))
    const names = Object.keys(files)
    expect(names.filter((n) => n.startsWith(`hd4devops${path.sep}counts${path.sep}`))).toHaveLength(6 * 2)
    expect(names.filter((n) => n.startsWith(`hd4devops${path.sep}availability${path.sep}`))).toHaveLength(10 * 2)
    expect(names.filter((n) => n.startsWith(`corrupt${path.sep}`))).toHaveLength(4)
    for (const table of ['incident', 'sc_request'] as const) {
      const text = files[path.join('servicenow', `${table}.json`)]!
      expect(text).toBe(`${JSON.stringify({ result: serviceNowRecords(table, small) }, null, 2)}\n`)
    }
    const awkward = JSON.parse(files[path.join('servicenow', 'awkward-incident.json')]!)
    expect(awkward.result).toEqual(awkwardServiceNowRecords(small))
    for (const [name, text] of Object.entries(files)) {
      if (name.endsWith('truncated.json')) continue
      expect(text, name).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`)
    }
  })

  it('writes the same files for the same options, and others for another seed', async () => {
    const [a, b, c] = [await tempDir(), await tempDir(), await tempDir()]
    await writeFixtures(a, small)
    await writeFixtures(b, small)
    await writeFixtures(c, { ...small, seed: 100 })
    const [first, second, other] = await Promise.all([contents(a), contents(b), contents(c)])
    expect(second).toEqual(first)
    expect(Object.keys(other)).toEqual(Object.keys(first))
    const incident = path.join('servicenow', 'incident.json')
    expect(other[incident]).not.toBe(first[incident])
  })

  it('writes an empty extract in the same layout', async () => {
    const dir = await tempDir()
    await writeFixtures(dir, { ...small, count: 0 })
    expect(await readFile(path.join(dir, 'servicenow', 'incident.json'), 'utf8')).toBe('{\n  "result": []\n}\n')
  })

  it('refuses options the platform cannot honour', () => {
    expect(() => hd4devopsCountsDocuments({ ...small, days: 61 })).toThrow(/days must be a whole number from 1 to 60/)
    expect(() => hd4devopsCountsDocuments({ ...small, endDate: '2026-02-30' })).toThrow(/endDate/)
    expect(() => serviceNowRecords('incident', { ...small, count: -1 })).toThrow(/count/)
  })
})
