/**
 * Tickets as a researcher reads them: a request's type, the component a ticket
 * is about, its page on the HD Service and Support portal and the SLAs
 * ServiceNow runs on it, imported from Table API extracts (files and pull),
 * with bad values stored weaker and warned about, malformed ones refused.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectServiceNow } from '../collectors/servicenow/collect.js'
import { readSettings } from '../platform/settings.js'
import { loadPublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import { checksum } from './helpers/checksum.js'
import { ENGINES, startTestGraph, type TestGraph } from './helpers/graph.js'
import { startServiceNowStandin } from './helpers/servicenowStandin.js'

const dir = mkdtempSync(path.join(tmpdir(), 'hd4res-tickets-'))
const extract = (name: string, records: unknown[]) => {
  const file = path.join(dir, name)
  writeFileSync(file, JSON.stringify({ result: records }, null, 2))
  return file
}
const pair = (value: string, display: string) => ({ value, display_value: display })
const sysId = (c: string) => c.repeat(32).slice(0, 32)

const INCIDENT = {
  sys_id: sysId('1'),
  number: 'INC0990001',
  short_description: 'Upload BCFR mislukt: "Ongeldige datum" in veld geboortedatum',
  state: '2',
  priority: '2',
  category: 'data_quality',
  opened_at: '2026-11-20 09:14:37',
  sys_updated_on: '2026-11-20 10:02:11',
  closed_at: '',
  u_project: 'BCFR',
  cmdb_ci: pair(sysId('c'), 'HD4DP v2 Local'),
}
const REQUEST = {
  sys_id: sysId('2'),
  number: 'REQ0990001',
  short_description: 'Request for the data dictionary of BCFR',
  request_state: 'in_process',
  state: '2',
  priority: '4',
  opened_at: '2026-11-19 14:03:52',
  sys_updated_on: '2026-11-19 14:03:52',
  closed_at: '',
  u_project: 'BCFR',
  u_request_type: pair('request_for_information', 'Request for information about HD'),
  // A plain extract: the reference's value is a sys_id, the dot-walked name says which item it is.
  cmdb_ci: sysId('d'),
  'cmdb_ci.name': 'HD DWH Exploitation',
}
const SLAS = [
  {
    sys_id: sysId('a'),
    task: pair(INCIDENT.sys_id, INCIDENT.number),
    sla: pair(sysId('e'), 'Incident response (8 hours)'),
    stage: pair('completed', 'Completed'),
    has_breached: 'false',
    start_time: '2026-11-20 09:14:37',
    planned_end_time: '2026-11-20 17:14:37',
    end_time: '2026-11-20 09:40:05',
    sys_updated_on: '2026-11-20 09:40:05',
  },
  {
    sys_id: sysId('b'),
    task: INCIDENT.sys_id,
    sla: pair(sysId('f'), 'Incident resolution - Priority 2 (1 day)'),
    stage: 'in_progress',
    has_breached: 'true',
    start_time: '2026-11-20 09:14:37',
    planned_end_time: '2026-11-21 09:14:37',
    end_time: '',
    sys_updated_on: '2026-11-21 09:14:38',
  },
]

const TICKET_FIELDS = `id number portalUrl affectedComponent { id name location }
  sla { name stage startedAt dueAt stoppedAt breached } slas { name stage breached }`
const find = async (t: TestGraph, number: string) => {
  const field = number.startsWith('INC') ? 'incidents' : 'requests'
  const connection = number.startsWith('INC') ? 'IncidentConnection' : 'ServiceRequestConnection'
  const extra = number.startsWith('INC') ? 'category' : 'requestType'
  const res = await t.query(
    `{ project(id: "prj-0001") { ${field}(filter: { search: "${number}" }) { ... on ${connection} { edges { node { __typename ${extra} ${TICKET_FIELDS} } } } } } }`,
  )
  expect(res.body.errors).toBeUndefined()
  return res.body.data!.project[field].edges.map((e: any) => e.node)
}

describe.each(ENGINES)('tickets from ServiceNow on %s', (engine) => {
  let t: TestGraph
  beforeAll(async () => {
    t = await startTestGraph({ engine, registry: loadPublicationRegistry({ available: 'ALL' }) })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('imports the request type, the affected component and the SLAs, and the API answers them with the portal link', async () => {
    const result = await collectServiceNow(t.db, [
      { kind: 'file', table: 'incident', file: extract('incident.json', [INCIDENT]) },
      { kind: 'file', table: 'sc_request', file: extract('sc_request.json', [REQUEST]) },
      { kind: 'file', table: 'task_sla', file: extract('task_sla.json', SLAS) },
    ])
    expect(result).toMatchObject({ rows: 4, warnings: [], outcome: 'succeeded' })

    const [incident] = await find(t, 'INC0990001')
    expect(incident).toEqual({
      __typename: 'Incident',
      id: INCIDENT.sys_id,
      number: 'INC0990001',
      category: 'data_quality',
      portalUrl: `https://sciensano.service-now.com/sp?id=ticket&table=incident&sys_id=${INCIDENT.sys_id}`,
      affectedComponent: { id: 'HD4DP_V2_LOCAL', name: 'HD4DP v2 Local', location: 'EXTERNAL' },
      // The running SLA governs; the completed response SLA is in the list.
      sla: {
        name: 'Incident resolution - Priority 2 (1 day)',
        stage: 'IN_PROGRESS',
        startedAt: '2026-11-20T09:14:37.000Z',
        dueAt: '2026-11-21T09:14:37.000Z',
        stoppedAt: null,
        breached: true,
      },
      slas: [
        { name: 'Incident response (8 hours)', stage: 'COMPLETED', breached: false },
        { name: 'Incident resolution - Priority 2 (1 day)', stage: 'IN_PROGRESS', breached: true },
      ],
    })
    const [request] = await find(t, 'REQ0990001')
    expect(request).toMatchObject({
      __typename: 'ServiceRequest',
      id: REQUEST.sys_id,
      requestType: 'REQUEST_FOR_INFORMATION',
      portalUrl: `https://sciensano.service-now.com/sp?id=ticket&table=sc_request&sys_id=${REQUEST.sys_id}`,
      affectedComponent: { id: 'HD_DWH_EXPLOITATION', name: 'HD DWH Exploitation' },
      sla: null,
      slas: [],
    })
  })

  it('stores an unknown request type as OTHER and an unknown configuration item as none, with a warning each', async () => {
    const result = await collectServiceNow(t.db, [
      {
        kind: 'file',
        table: 'sc_request',
        file: extract('sc_request-odd.json', [
          {
            ...REQUEST,
            sys_id: sysId('3'),
            number: 'REQ0990002',
            u_request_type: pair('u_hardware_loan', 'Laptop loan'),
            cmdb_ci: pair(sysId('9'), 'Email (Exchange)'),
            'cmdb_ci.name': 'Email (Exchange)',
          },
        ]),
      },
    ])
    expect(result.outcome).toBe('warning')
    expect(result.warnings).toEqual([
      expect.stringMatching(/1 ticket\(s\) name configuration item "Email \(Exchange\)" in cmdb_ci, which is no HD4RES component/),
      expect.stringMatching(/1 request\(s\) have request type "Laptop loan" in u_request_type, .*stored as OTHER/),
    ])
    const [request] = await find(t, 'REQ0990002')
    expect(request).toMatchObject({ requestType: 'OTHER', affectedComponent: null })
  })

  it('refuses a task_sla extract whose breach flag is no boolean, naming the record, and writes nothing of it', async () => {
    const before = await checksum(t.db)
    const file = extract('task_sla-bad.json', [SLAS[0], { ...SLAS[1], sys_id: sysId('4'), has_breached: 'maybe' }])
    await expect(collectServiceNow(t.db, [{ kind: 'file', table: 'task_sla', file }])).rejects.toThrow(
      /task_sla-bad\.json at \$\.result\[1\]\.has_breached: "maybe" is not true or false/,
    )
    expect(await checksum(t.db)).toEqual(before)
  })

  it('keeps the latest version of an SLA: a later extract moves its stage forward, an older one does not move it back', async () => {
    const completed = { ...SLAS[1], stage: 'completed', end_time: '2026-11-21 11:00:00', sys_updated_on: '2026-11-21 11:00:00' }
    await collectServiceNow(t.db, [{ kind: 'file', table: 'task_sla', file: extract('task_sla-2.json', [completed]) }])
    await collectServiceNow(t.db, [{ kind: 'file', table: 'task_sla', file: extract('task_sla-3.json', [SLAS[1]]) }])
    const [incident] = await find(t, 'INC0990001')
    expect(incident.sla).toMatchObject({
      name: 'Incident resolution - Priority 2 (1 day)',
      stage: 'COMPLETED',
      stoppedAt: '2026-11-21T11:00:00.000Z',
    })
  })

  it('gives every ticket a distinct id, incidents and requests together', async () => {
    const res = await t.query(`{ projects {
      incidents(first: 100) { ... on IncidentConnection { edges { node { id } } } }
      requests(first: 100) { ... on ServiceRequestConnection { edges { node { id } } } } } }`)
    const ids = res.body.data!.projects.flatMap((p: any) => [...p.incidents.edges, ...p.requests.edges].map((e: any) => e.node.id))
    expect(ids.length).toBeGreaterThan(10)
    expect(new Set(ids).size).toBe(ids.length)
  })
})

describe('pulling tickets and their SLAs from the Table API', () => {
  let t: TestGraph
  beforeAll(async () => {
    t = await startTestGraph({ registry: loadPublicationRegistry({ available: 'ALL' }) })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('names the component from the display value and reads task_sla as a table of its own', async () => {
    const standin = await startServiceNowStandin({
      tables: { incident: [{ ...INCIDENT, cmdb_ci: pair(sysId('c'), 'HD Integration') }], task_sla: SLAS },
    })
    try {
      const result = await collectServiceNow(
        t.db,
        (['incident', 'task_sla'] as const).map((table) => ({ kind: 'pull' as const, table, baseUrl: standin.url })),
      )
      expect(result).toMatchObject({ rows: 3, warnings: [] })
      expect(standin.requests.map((r) => r.path)).toEqual(['/api/now/table/incident', '/api/now/table/task_sla'])
    } finally {
      await standin.close()
    }
    const [incident] = await find(t, 'INC0990001')
    expect(incident.affectedComponent).toMatchObject({ id: 'HD_INTEGRATION' })
    expect(incident.slas).toHaveLength(2)
  })
})

describe('the portal link', () => {
  it('follows HD4RES_SERVICE_PORTAL_URL_TEMPLATE, and links to none when it is off', async () => {
    const t = await startTestGraph({
      registry: loadPublicationRegistry({ available: 'ALL' }),
      env: { HD4RES_SERVICE_PORTAL_URL_TEMPLATE: 'https://support.example.org/tickets/{number}?table={table}' },
    })
    try {
      const res = await t.query(`{ project(id: "prj-0001") {
        incidents(first: 1) { ... on IncidentConnection { edges { node { number portalUrl } } } }
        requests(first: 1) { ... on ServiceRequestConnection { edges { node { number portalUrl } } } } } }`)
      const incident = res.body.data!.project.incidents.edges[0].node
      const request = res.body.data!.project.requests.edges[0].node
      expect(incident.portalUrl).toBe(`https://support.example.org/tickets/${incident.number}?table=incident`)
      expect(request.portalUrl).toBe(`https://support.example.org/tickets/${request.number}?table=sc_request`)
    } finally {
      await t.close()
    }
    const off = await startTestGraph({ env: { HD4RES_SERVICE_PORTAL_URL_TEMPLATE: 'off' } })
    try {
      const res = await off.query(
        `{ project(id: "prj-0001") { incidents(first: 1) { ... on IncidentConnection { edges { node { portalUrl } } } } } }`,
      )
      expect(res.body.data!.project.incidents.edges[0].node.portalUrl).toBeNull()
    } finally {
      await off.close()
    }
  })

  it('refuses a template that names no ticket or is no web address, saying what to write', () => {
    expect(() => readSettings({ HD4RES_SERVICE_PORTAL_URL_TEMPLATE: 'https://support.example.org/tickets' })).toThrow(
      /HD4RES_SERVICE_PORTAL_URL_TEMPLATE: .*names no ticket: put \{sys_id\} or \{number\} in it/,
    )
    expect(() => readSettings({ HD4RES_SERVICE_PORTAL_URL_TEMPLATE: 'ftp://support.example.org/{number}' })).toThrow(
      /HD4RES_SERVICE_PORTAL_URL_TEMPLATE: .*is not an http or https address/,
    )
  })
})

describe('the demo tickets', () => {
  let t: TestGraph
  let incidents: any[]
  let requests: any[]
  beforeAll(async () => {
    t = await startTestGraph({ registry: loadPublicationRegistry({ available: 'ALL' }) })
    const res = await t.query(`{ projects {
      incidents(first: 100) { ... on IncidentConnection { edges { node { shortDescription category openedAt affectedComponent { id } sla { stage } slas { stage } } } } }
      requests(first: 100) { ... on ServiceRequestConnection { edges { node { shortDescription requestType openedAt affectedComponent { id } sla { stage } } } } } } }`)
    expect(res.body.errors).toBeUndefined()
    incidents = res.body.data!.projects.flatMap((p: any) => p.incidents.edges.map((e: any) => e.node))
    requests = res.body.data!.projects.flatMap((p: any) => p.requests.edges.map((e: any) => e.node))
  })
  afterAll(async () => {
    await t?.close()
  })

  it('file each text under its own component: hospital-side texts under HD4DP, warehouse texts under the DWH', () => {
    const filed = [...incidents, ...requests].filter((n) => n.affectedComponent)
    expect(filed.length).toBeGreaterThan(20)
    for (const n of filed) {
      const id = n.affectedComponent.id as string
      if (id.startsWith('HD4DP')) expect(n.shortDescription).not.toMatch(/DWH|HD Integration: batch|HD MDM/)
      if (id.startsWith('HD_DWH')) expect(n.shortDescription).toMatch(/DWH/)
      if (id === 'HD_INTEGRATION') expect(n.shortDescription).toMatch(/HD Integration/)
    }
  })

  it("use ServiceNow's category values, request types for every request, and times to the second", () => {
    const categories = new Set(incidents.map((n) => n.category))
    for (const c of categories) expect(['inquiry', 'software', 'network', 'database', 'data_quality', 'access']).toContain(c)
    expect(categories.size).toBeGreaterThan(3)
    expect(requests.every((n) => n.requestType)).toBe(true)
    expect(new Set(requests.map((n) => n.requestType)).size).toBeGreaterThan(2)
    const times = [...incidents, ...requests].map((n) => n.openedAt as string)
    expect(times.filter((time) => !time.endsWith(':00.000Z')).length).toBeGreaterThan(times.length / 2)
  })

  it('run SLAs in every stage', () => {
    const stages = new Set([...incidents.flatMap((n) => n.slas.map((s: any) => s.stage)), ...requests.map((n) => n.sla?.stage)])
    for (const stage of ['IN_PROGRESS', 'COMPLETED']) expect(stages).toContain(stage)
    expect(incidents.every((n) => n.slas.length > 0)).toBe(true)
  })
})
