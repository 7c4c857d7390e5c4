/**
 * CSV export through the gateway, as a researcher downloads it: the histories,
 * a day's counts and the ticket lists hold exactly what the API answers the
 * same researcher, row for row; another project's data never appear, and a
 * project the researcher may not see is refused as one that does not exist;
 * long exports stream page by page, each page audited; bad parameters are
 * refused in words; a page that fails after the first cuts the download
 * rather than ending it as if it were whole.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseCsv } from '../gateway/csv.js'
import { HISTORY_CHUNK_DAYS } from '../gateway/export/exports.js'
import { loadPublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import type { AuditRow } from '../subgraphs/participants/auditStore.js'
import { ENGINES, startTestGraph, TEST_END_DATE, type GraphQLResponse, type TestGraph } from './helpers/graph.js'

const COUNT = `__typename ... on ExactCount { value lowerBound upperBound } ... on SuppressedCount { threshold } ... on NotCollected { reason }`

interface Download {
  status: number
  headers: Headers
  text: string
  /** How many pieces the body arrived in. */
  pieces: number
  requestId: string
}

type Count = { __typename: string; value?: number; lowerBound?: number; upperBound?: number; threshold?: number; reason?: string }

/** A count as the export writes it: status, value, lower_bound, upper_bound, threshold, reason. */
function countCells(count: Count): string[] {
  if (count.__typename === 'ExactCount')
    return ['PUBLISHED', String(count.value), String(count.lowerBound), String(count.upperBound), '', '']
  if (count.__typename === 'SuppressedCount') return ['SUPPRESSED', '', '', '', String(count.threshold), '']
  return ['NOT_COLLECTED', '', '', '', '', count.reason!]
}

/** A text as the export writes it: one that a spreadsheet would run as a formula keeps a leading quote. */
const asWritten = (text: string | null) => (text === null ? '' : /^[=+\-@\t\r]/.test(text) ? `'${text}` : text)

const daysBefore = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10)

async function download(base: string, path: string, token: string | null, headers: Record<string, string> = {}): Promise<Download> {
  const requestId = `export-test-${randomUUID()}`
  const response = await fetch(`${base}${path}`, {
    headers: { 'x-request-id': requestId, ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  })
  const decoder = new TextDecoder()
  let text = ''
  let pieces = 0
  const reader = response.body!.getReader()
  for (let piece = await reader.read(); !piece.done; piece = await reader.read()) {
    pieces++
    text += decoder.decode(piece.value, { stream: true })
  }
  return { status: response.status, headers: response.headers, text: text + decoder.decode(), pieces, requestId }
}

describe.each(ENGINES)('CSV export (%s)', (engine) => {
  let t: TestGraph
  let base: string
  let mine: string
  let mineCode: string
  let stranger: string
  const get = (path: string, token: string | null = t.demoToken, headers?: Record<string, string>) => download(base, path, token, headers)

  beforeAll(async () => {
    t = await startTestGraph({ engine, registry: loadPublicationRegistry({ available: 'ALL' }) })
    base = t.graph.url
    const projects = await t.db.query<{ project_id: string }>(
      `SELECT project_id FROM participants.memberships WHERE researcher_id = 'researcher-0001' ORDER BY project_id`,
    )
    const others = await t.db.query<{ id: string }>(
      `SELECT id FROM participants.projects WHERE id NOT IN (SELECT project_id FROM participants.memberships WHERE researcher_id = 'researcher-0001') ORDER BY id`,
    )
    mine = projects[0]!.project_id
    stranger = others[0]!.id
    const answer = await t.query(`query ($id: ID!) { project(id: $id) { code } }`, { id: mine })
    mineCode = answer.body.data!.project.code
  })
  afterAll(async () => {
    await t?.close()
  })

  /** The API's history for the same range, as the rows the export must hold: day by day, components in the API's order. */
  async function historyFromApi(field: string, from: string, to: string, components?: string[]): Promise<string[][]> {
    const answer = await t.query(
      `query ($id: ID!, $from: Date!, $to: Date!, $components: [ComponentId!]) {
        project(id: $id) { ${field}(from: $from, to: $to, components: $components) {
          __typename ... on ${field === 'studyRecordCountHistory' ? 'StudyRecordCountHistory' : 'UniqueSubjectCountHistory'} {
            series { component { id name } points { date count { ${COUNT} } } }
          }
        } }
      }`,
      { id: mine, from, to, components },
    )
    expect(answer.body.errors).toBeUndefined()
    const history = answer.body.data!.project[field]
    const rows: string[][] = []
    const dates = [
      ...new Set(history.series.flatMap((s: { points: { date: string }[] }) => s.points.map((p) => p.date))),
    ].sort() as string[]
    for (const date of dates) {
      for (const { component, points } of history.series) {
        const point = points.find((p: { date: string }) => p.date === date)
        if (point) rows.push([mine, mineCode, date, component.id, component.name, ...countCells(point.count)])
      }
    }
    return rows
  }

  /** The API's history asked in the export's chunks of HISTORY_CHUNK_DAYS days. */
  async function chunkedHistoryFromApi(field: string, from: string, to: string, components?: string[]): Promise<string[][]> {
    const rows: string[][] = []
    for (let start = from; start <= to; start = daysBefore(start, -HISTORY_CHUNK_DAYS)) {
      const end = daysBefore(start, -(HISTORY_CHUNK_DAYS - 1))
      rows.push(...(await historyFromApi(field, start, end < to ? end : to, components)))
    }
    return rows
  }

  it('exports the record-count history with the API numbers, row by row, across several chunks', async () => {
    const from = daysBefore(TEST_END_DATE, 199)
    const csv = await get(`/export/projects/${mine}/record-count-history.csv?from=${from}&to=${TEST_END_DATE}`)
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="${mine}-record-count-history-${from}-${TEST_END_DATE}.csv"`)
    expect(csv.text.endsWith('\r\n')).toBe(true)
    const [header, ...rows] = parseCsv(csv.text)
    expect(header).toEqual([
      'project_id',
      'project_code',
      'date',
      'component_id',
      'component_name',
      'status',
      'value',
      'lower_bound',
      'upper_bound',
      'threshold',
      'reason',
    ])
    // The numbers, row by row, as one query of the whole range answers them.
    const expected = await historyFromApi('studyRecordCountHistory', from, TEST_END_DATE)
    expect(expected.length).toBeGreaterThan(200)
    const withoutReason = (r: string[]) => r.slice(0, 10)
    expect(rows.map(withoutReason)).toEqual(expected.map(withoutReason))
    // Whole rows as the API answers the chunks the export asks for: a NotCollected reason may depend on the range asked.
    expect(rows).toEqual(await chunkedHistoryFromApi('studyRecordCountHistory', from, TEST_END_DATE))
    // Every day of the range, three chunks of 92 days at most among them.
    expect(new Set(rows.map((r) => r[2])).size).toBe(200)
    expect(rows.some((r) => r[5] === 'PUBLISHED' && Number(r[8]) > Number(r[7]))).toBe(true)
  })

  it('exports the unique-subject history of the components asked for, suppressed as the API suppresses it', async () => {
    const from = daysBefore(TEST_END_DATE, 99)
    const components = ['HD4DP_V2_LOCAL', 'HD_INTEGRATION', 'HD_DWH_EXPLOITATION']
    const csv = await get(
      `/export/projects/${mine}/subject-count-history.csv?from=${from}&to=${TEST_END_DATE}&components=${components.join(',')}`,
    )
    expect(csv.status).toBe(200)
    const [, ...rows] = parseCsv(csv.text)
    expect(rows).toEqual(await chunkedHistoryFromApi('uniqueSubjectCountHistory', from, TEST_END_DATE, components))
    expect(new Set(rows.map((r) => r[3]))).toEqual(new Set(components))
    // A withheld count never shows a value; a published one shows its band.
    for (const row of rows) {
      if (row[5] === 'PUBLISHED') expect(row[6]).toBe(row[7])
      else expect(row[6]).toBe('')
      if (row[5] === 'SUPPRESSED') expect(Number(row[9])).toBeGreaterThanOrEqual(2)
      if (row[5] === 'NOT_COLLECTED') expect(row[10]).not.toBe('')
    }
  })

  it("exports a day's counts per component and per installation as the API answers them", async () => {
    const date = daysBefore(TEST_END_DATE, 20)
    const csv = await get(`/export/projects/${mine}/record-counts.csv?date=${date}`)
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="${mine}-record-counts-${date}.csv"`)
    const [header, ...rows] = parseCsv(csv.text)
    expect(header.slice(0, 8)).toEqual([
      'project_id',
      'project_code',
      'date',
      'component_id',
      'component_name',
      'installation',
      'source',
      'collected_at',
    ])
    const answer = await t.query(
      `query ($id: ID!, $date: Date) { project(id: $id) { studyRecordCounts(date: $date) { ... on StudyRecordCounts {
        date components { component { id name } source collectedAt count { ${COUNT} } installations { installation count { ${COUNT} } } }
      } } } }`,
      { id: mine, date },
    )
    const day = answer.body.data!.project.studyRecordCounts
    const expected: string[][] = []
    for (const c of day.components) {
      const start = [mine, mineCode, day.date, c.component.id, c.component.name]
      expected.push([...start, '', c.source, c.collectedAt ?? '', ...countCells(c.count)])
      for (const i of c.installations) expected.push([...start, i.installation, c.source, c.collectedAt ?? '', ...countCells(i.count)])
    }
    expect(rows).toEqual(expected)
    // The installations are listed, their counts withheld, as the API withholds them.
    const installations = rows.filter((r) => r[5] !== '')
    expect(installations.length).toBeGreaterThan(0)
    for (const row of installations) expect(row[8]).toBe('NOT_COLLECTED')
  })

  it('exports the latest day when no date is given, named by that day', async () => {
    const csv = await get(`/export/projects/${mine}/subject-counts.csv`)
    expect(csv.status).toBe(200)
    const [, ...rows] = parseCsv(csv.text)
    const date = rows[0]![2]
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="${mine}-subject-counts-${date}.csv"`)
    const answer = await t.query(`query ($id: ID!) { project(id: $id) { uniqueSubjectCounts { ... on UniqueSubjectCounts { date } } } }`, {
      id: mine,
    })
    expect(date).toBe(answer.body.data!.project.uniqueSubjectCounts.date)
  })

  const TICKET_FIELDS =
    'id number shortDescription state priority openedAt updatedAt closedAt affectedComponent { id } sla { name stage dueAt breached } portalUrl'

  /** Every ticket of a list as the API pages it, 100 at a time, as the export writes them. */
  async function ticketsFromApi(field: 'incidents' | 'requests', orderBy = 'NEWEST_FIRST'): Promise<string[][]> {
    const rows: string[][] = []
    let after: string | null = null
    for (;;) {
      const answer: GraphQLResponse = await t.query(
        `query ($id: ID!, $after: String, $orderBy: TicketOrder) { project(id: $id) { ${field}(first: 100, after: $after, orderBy: $orderBy) {
          ... on ${
            field === 'incidents'
              ? `IncidentConnection { pageInfo { hasNextPage endCursor } edges { node { ${TICKET_FIELDS} resolvedAt category } } }`
              : `ServiceRequestConnection { pageInfo { hasNextPage endCursor } edges { node { ${TICKET_FIELDS} requestType } } }`
          }
        } } }`,
        { id: mine, after, orderBy },
      )
      expect(answer.body.errors).toBeUndefined()
      const page = answer.body.data!.project[field]
      for (const { node } of page.edges) {
        const cells = [
          mine,
          mineCode,
          node.id,
          node.number,
          asWritten(node.shortDescription),
          node.state,
          node.priority,
          node.openedAt,
          node.updatedAt,
          node.closedAt ?? '',
          node.affectedComponent?.id ?? '',
          node.sla?.name ?? '',
          node.sla?.stage ?? '',
          node.sla?.dueAt ?? '',
          node.sla ? String(node.sla.breached) : '',
          node.portalUrl ?? '',
        ]
        if (field === 'incidents') cells.push(node.resolvedAt ?? '', asWritten(node.category))
        else cells.push(node.requestType ?? '')
        rows.push(cells)
      }
      if (!page.pageInfo.hasNextPage) return rows
      after = page.pageInfo.endCursor
    }
  }

  it.each(['incidents', 'requests'] as const)('exports every %s over several pages, equal to the API list', async (field) => {
    const expected = await ticketsFromApi(field, 'OLDEST_FIRST')
    expect(expected.length).toBeGreaterThanOrEqual(3)
    const pageSize = Math.ceil(expected.length / 3)
    const csv = await get(`/export/projects/${mine}/${field}.csv?pageSize=${pageSize}&orderBy=OLDEST_FIRST`)
    expect(csv.status).toBe(200)
    expect(csv.headers.get('content-disposition')).toBe(`attachment; filename="${mine}-${field}.csv"`)
    const [header, ...rows] = parseCsv(csv.text)
    expect(header).toContain('short_description')
    expect(rows).toEqual(expected)
    // What a ticket is about and where its SLA stands travel too, and each ticket is keyed once by its id.
    expect(header.slice(2, 4)).toEqual(['id', 'number'])
    expect(header).toEqual(expect.arrayContaining(['affected_component', 'sla_stage', 'sla_due_at', 'sla_breached', 'portal_url']))
    expect(new Set(rows.map((r) => r[2])).size).toBe(rows.length)
    expect(rows.some((r) => r[header.indexOf('affected_component')] !== '')).toBe(true)
    // One operation per page, each in the audit trail under the export's request id.
    expect(await t.graph.flushAudit()).toBe(true)
    const records = await t.db.query<AuditRow>('SELECT * FROM ops.audit_log WHERE request_id = $1', [csv.requestId])
    expect(records.length).toBe(Math.ceil(expected.length / pageSize))
  })

  it('filters tickets as the API filters them', async () => {
    const csv = await get(`/export/projects/${mine}/incidents.csv?states=NEW,IN_PROGRESS&states=ON_HOLD`)
    expect(csv.status).toBe(200)
    const [header, ...rows] = parseCsv(csv.text)
    const state = header.indexOf('state')
    const all = await ticketsFromApi('incidents')
    expect(rows).toEqual(all.filter((r) => ['NEW', 'IN_PROGRESS', 'ON_HOLD'].includes(r[state]!)))
  })

  it("holds none of another project's rows", async () => {
    const exports = [
      `record-count-history.csv?from=${daysBefore(TEST_END_DATE, 30)}&to=${TEST_END_DATE}`,
      'record-counts.csv',
      'incidents.csv',
      'requests.csv',
    ]
    for (const path of exports) {
      const csv = await get(`/export/projects/${mine}/${path}`)
      expect(csv.status).toBe(200)
      const [, ...rows] = parseCsv(csv.text)
      expect(rows.length).toBeGreaterThan(0)
      for (const row of rows) expect(row.slice(0, 2)).toEqual([mine, mineCode])
    }
  })

  it('refuses a project the researcher may not see exactly as one that does not exist, and audits the attempt', async () => {
    const path = (id: string) => `/export/projects/${id}/record-count-history.csv?from=2026-11-01&to=${TEST_END_DATE}`
    const refused = await get(path(stranger))
    const missing = await get(path('prj-does-not-exist'))
    for (const answer of [refused, missing]) {
      expect(answer.status).toBe(404)
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/)
      expect(answer.headers.get('content-disposition')).toBeNull()
      expect(JSON.parse(answer.text).errors[0].extensions.code).toBe('NOT_FOUND')
    }
    expect(refused.text.replace(stranger, 'ID')).toBe(missing.text.replace('prj-does-not-exist', 'ID'))
    // The operation ran as the researcher, and the audit trail has it.
    expect(await t.graph.flushAudit()).toBe(true)
    const [record] = await t.db.query<AuditRow>('SELECT * FROM ops.audit_log WHERE request_id = $1', [refused.requestId])
    expect(record!.operation_name).toBe('CsvExportStudyRecordCountHistory')
    expect(record!.researcher_id).toBe('researcher-0001')
    expect(record!.project_ids).not.toContain(stranger)
  })

  it('refuses an export without a valid token, as the API does', async () => {
    const answer = await get(`/export/projects/${mine}/incidents.csv`, null)
    expect(answer.status).toBe(401)
    expect(JSON.parse(answer.text).errors[0].extensions.code).toBe('UNAUTHENTICATED')
    const forged = await get(`/export/projects/${mine}/incidents.csv`, 'not-a-token')
    expect(forged.status).toBe(401)
  })

  it.each([
    ['from=2026-13-01&to=2026-11-21', 'from', /not a calendar date/],
    ['to=2026-11-21', 'from', /"from" is required/],
    ['from=2026-11-21&to=2026-11-01', 'from', /is after "to"/],
    ['from=2020-01-01&to=2026-11-21', 'to', /at most 1096 days/],
    ['from=2026-11-01&to=2026-11-21&components=HD4DP_V2_LOCAL,NOPE', 'components', /"NOPE" is not one of HD4DP_V2_LOCAL/],
    ['from=2026-11-01&to=2026-11-21&form=2026-01-01', 'form', /Unknown parameter "form"/],
    ['from=2026-11-01&from=2026-11-02&to=2026-11-21', 'from', /more than once/],
  ])('refuses %s with 400 and what is wrong', async (query, parameter, message) => {
    const answer = await get(`/export/projects/${mine}/record-count-history.csv?${query}`)
    expect(answer.status).toBe(400)
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/)
    const [error] = JSON.parse(answer.text).errors
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', parameter })
    expect(error.message).toMatch(message)
  })

  it('refuses a ticket page size outside 1 to 100', async () => {
    for (const size of ['0', '101', 'ten']) {
      const answer = await get(`/export/projects/${mine}/requests.csv?pageSize=${size}`)
      expect(answer.status).toBe(400)
      expect(JSON.parse(answer.text).errors[0].message).toMatch(/from 1 to 100/)
    }
  })

  it("says what is wrong in the researcher's language", async () => {
    const dutch = await get(`/export/projects/${stranger}/incidents.csv`, t.demoToken, { 'accept-language': 'nl-BE, fr;q=0.5' })
    expect(dutch.status).toBe(404)
    expect(JSON.parse(dutch.text).errors[0].message).toMatch(/^Geen project/)
    const german = await get(`/export/projects/${mine}/record-counts.csv?date=gestern`, t.demoToken, { 'accept-language': 'de' })
    expect(JSON.parse(german.text).errors[0].message).toMatch(/kein Kalenderdatum/)
  })

  it('streams a long history in chunks, one audited operation per 92 days', async () => {
    const from = daysBefore(TEST_END_DATE, 1095)
    const csv = await get(`/export/projects/${mine}/record-count-history.csv?from=${from}&to=${TEST_END_DATE}`)
    expect(csv.status).toBe(200)
    expect(csv.headers.get('transfer-encoding')).toBe('chunked')
    expect(csv.headers.get('content-length')).toBeNull()
    expect(csv.pieces).toBeGreaterThan(1)
    const [, ...rows] = parseCsv(csv.text)
    expect(new Set(rows.map((r) => r[2])).size).toBe(1096)
    expect(await t.graph.flushAudit()).toBe(true)
    const records = await t.db.query<AuditRow>('SELECT * FROM ops.audit_log WHERE request_id = $1 ORDER BY at', [csv.requestId])
    expect(records).toHaveLength(Math.ceil(1096 / 92))
    for (const record of records) {
      expect(record.operation_name).toBe('CsvExportStudyRecordCountHistory')
      expect(record.researcher_id).toBe('researcher-0001')
      expect(record.project_ids).toEqual([mine])
      expect(record.publications).toEqual(['STUDY_RECORD_COUNTS'])
      expect(record.outcome).toBe('ok')
    }
  })
})

describe('CSV export under the default registry and a tight rate limit', () => {
  let t: TestGraph
  let mine: string

  beforeAll(async () => {
    t = await startTestGraph({ env: { HD4RES_RATE_PER_RESEARCHER: '4' } })
    const projects = await t.db.query<{ project_id: string }>(
      `SELECT project_id FROM participants.memberships WHERE researcher_id = 'researcher-0001' ORDER BY project_id`,
    )
    mine = projects[0]!.project_id
  })
  afterAll(async () => {
    await t?.close()
  })

  it('answers 409 with the publication message for a publication under development', async () => {
    const answer = await download(t.graph.url, `/export/projects/${mine}/record-counts.csv`, t.demoToken)
    expect(answer.status).toBe(409)
    const [error] = JSON.parse(answer.text).errors
    expect(error.extensions.code).toBe('PUBLICATION_UNDER_DEVELOPMENT')
    expect(error.extensions.publication).toBe('STUDY_RECORD_COUNTS')
    expect(error.message).toMatch(/under development/)
  })

  it('cuts the download when a later page is refused, and refuses the next export whole', async () => {
    // Three operations are left this minute: pages of one incident each run out before the list does.
    const response = await fetch(`${t.graph.url}/export/projects/${mine}/incidents.csv?pageSize=1`, {
      headers: { authorization: `Bearer ${t.demoToken}` },
    })
    expect(response.status).toBe(200)
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    let received = ''
    const readAll = async () => {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return
        received += decoder.decode(value, { stream: true })
      }
    }
    // The body ends in an error, not as a whole file: what arrived is the header and the three pages answered.
    await expect(readAll()).rejects.toThrow()
    const rows = parseCsv(received)
    expect(rows[0]![0]).toBe('project_id')
    expect(rows).toHaveLength(4)

    const next = await download(t.graph.url, `/export/projects/${mine}/incidents.csv`, t.demoToken)
    expect(next.status).toBe(429)
    expect(next.headers.get('retry-after')).not.toBeNull()
    expect(JSON.parse(next.text).errors[0].extensions.code).toBe('RATE_LIMITED')
  })
})
