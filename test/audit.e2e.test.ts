/**
 * The audit trail through the gateway: every answered operation, refused and
 * forbidden ones and answers from the response cache included, leaves a record
 * of who asked, what, which projects and publications the answer read, and how
 * it ended; operators read the records through the graph, researchers may not;
 * the table only grows, apart from the retention job.
 */
import { createHash, randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { gatewayIdentityHeader, IDENTITY_HEADER, signIdentity } from '../platform/identity.js'
import { loadPublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import { AUDIT_FORMAT } from '../platform/auditRecord.js'
import { purgeAuditLog, type AuditRow } from '../subgraphs/participants/auditStore.js'
import { AUDIT_LINES_TYPE, AUDIT_ROUTE } from '../platform/routes.js'
import { ENGINES, startTestGraph, type TestGraph } from './helpers/graph.js'

const OVERVIEW = `query Overview($id: ID!) { project(id: $id) { code studyRecordCounts { __typename } incidents(first: 1) { __typename } } }`
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

interface Answer {
  status: number
  text: string
  cache: string | null
  requestId: string
}

describe.each(ENGINES)('the audit trail (%s)', (engine) => {
  let t: TestGraph
  let operatorToken: string
  let member: [string, string]
  let stranger: string
  const startedAt = new Date(Date.now() - 1000).toISOString()
  /** Every answer the tests received, to check that none shows what the subgraphs reported reading. */
  const answers: Answer[] = []

  beforeAll(async () => {
    t = await startTestGraph({ engine, registry: loadPublicationRegistry({ available: 'ALL' }), env: { HD4RES_RESPONSE_CACHE: 'on' } })
    operatorToken = await t.tokenFor('operator-0001', ['operator'])
    const mine = (
      await t.db.query<{ project_id: string }>(
        `SELECT project_id FROM participants.memberships WHERE researcher_id = 'researcher-0001' ORDER BY project_id`,
      )
    ).map((r) => r.project_id)
    const others = await t.db.query<{ id: string }>(
      `SELECT id FROM participants.projects WHERE id NOT IN (SELECT project_id FROM participants.memberships WHERE researcher_id = 'researcher-0001') ORDER BY id`,
    )
    expect(mine.length).toBeGreaterThanOrEqual(2)
    member = [mine[0]!, mine[1]!]
    stranger = others[0]!.id
  })
  afterAll(async () => {
    await t?.close()
  })

  /** POSTs a body to the gateway under a request id of its own, with the demo researcher's token unless told otherwise. */
  async function ask(body: unknown, token: string | null = t.demoToken, headers: Record<string, string> = {}): Promise<Answer> {
    const requestId = `audit-test-${randomUUID()}`
    const response = await fetch(t.graph.graphqlUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': requestId,
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
    const answer = { status: response.status, text: await response.text(), cache: response.headers.get('x-hd4res-cache'), requestId }
    answers.push(answer)
    return answer
  }

  /** The records of one request, once the gateway has shipped its spool. */
  async function recordsOf(requestId: string): Promise<AuditRow[]> {
    expect(await t.graph.flushAudit()).toBe(true)
    return t.db.query<AuditRow>('SELECT * FROM ops.audit_log WHERE request_id = $1 ORDER BY batch_index NULLS FIRST', [requestId])
  }

  async function onlyRecordOf(requestId: string): Promise<AuditRow> {
    const records = await recordsOf(requestId)
    expect(records).toHaveLength(1)
    return records[0]!
  }

  it('records an answered operation: when, who, what, the projects and publications it read, and how it ended', async () => {
    const before = Date.now()
    const answer = await ask({ query: OVERVIEW, variables: { id: member[0] } })
    expect(answer.status).toBe(200)
    expect(JSON.parse(answer.text).errors).toBeUndefined()
    const record = await onlyRecordOf(answer.requestId)
    expect(record).toMatchObject({
      researcher_id: 'researcher-0001',
      claimed_researcher_id: null,
      roles: ['researcher'],
      operation_name: 'Overview',
      operation_hash: sha256(OVERVIEW),
      project_ids: [member[0]],
      denied_project_ids: [],
      publications: ['INCIDENTS', 'STUDY_RECORD_COUNTS'],
      outcome: 'ok',
      http_status: 200,
      error_codes: [],
      from_cache: false,
      batch_index: null,
      client_address: '127.0.0.1',
    })
    expect(new Date(record.at).getTime()).toBeGreaterThanOrEqual(before - 1000)
    expect(new Date(record.at).getTime()).toBeLessThanOrEqual(Date.now())
  })

  it('records the answer it gave from the response cache, with what that answer read', async () => {
    const query = `query Providers($id: ID!) { project(id: $id) { dataProviderOrganisations { __typename } } }`
    const first = await ask({ query, variables: { id: member[1] } })
    const second = await ask({ query, variables: { id: member[1] } })
    expect([first.cache, second.cache]).toEqual(['miss', 'hit'])
    expect(second.text).toBe(first.text)
    const [missed, hit] = [await onlyRecordOf(first.requestId), await onlyRecordOf(second.requestId)]
    expect(missed.from_cache).toBe(false)
    expect(hit).toMatchObject({
      from_cache: true,
      researcher_id: 'researcher-0001',
      operation_name: 'Providers',
      operation_hash: sha256(query),
      project_ids: [member[1]],
      publications: ['DATA_PROVIDER_ORGANISATIONS'],
      outcome: 'ok',
      http_status: 200,
    })
  })

  it('records a FORBIDDEN field with the project it refused', async () => {
    const query = `query Overlaps($id: ID!) { multiStudySubjectCounts { ... on MultiStudySubjectCounts { overlaps(projectId: $id) { sharedSubjects { __typename } } } } }`
    const answer = await ask({ query, variables: { id: stranger } })
    const body = JSON.parse(answer.text)
    expect(body.errors.map((e: any) => e.extensions.code)).toEqual(['FORBIDDEN'])
    const record = await onlyRecordOf(answer.requestId)
    expect(record).toMatchObject({
      researcher_id: 'researcher-0001',
      operation_name: 'Overlaps',
      project_ids: [],
      denied_project_ids: [stranger],
      publications: ['MULTI_STUDY_SUBJECT_COUNTS'],
      outcome: body.data ? 'partial' : 'error',
      error_codes: ['FORBIDDEN'],
      http_status: answer.status,
    })
  })

  it("records a project(id) that answered null because it is not the researcher's", async () => {
    const answer = await ask({ query: `{ project(id: "${stranger}") { code } }` })
    expect(JSON.parse(answer.text)).toEqual({ data: { project: null } })
    expect(await onlyRecordOf(answer.requestId)).toMatchObject({
      outcome: 'ok',
      project_ids: [],
      denied_project_ids: [stranger],
      operation_name: null,
    })
  })

  it('records each operation of a batch on its own, with what that operation read', async () => {
    const a = `query First { project(id: "${member[0]}") { incidents(first: 1) { __typename } } }`
    const b = `query Second { project(id: "${member[1]}") { requests(first: 1) { __typename } } }`
    const answer = await ask([{ query: a }, { query: b }])
    expect(answer.status).toBe(200)
    const records = await recordsOf(answer.requestId)
    expect(records.map((r) => [r.batch_index, r.operation_name, r.operation_hash, r.project_ids, r.publications])).toEqual([
      [0, 'First', sha256(a), [member[0]], ['INCIDENTS']],
      [1, 'Second', sha256(b), [member[1]], ['REQUESTS']],
    ])
    expect(new Set(records.map((r) => r.id)).size).toBe(2)
  })

  it('records requests refused before GraphQL ran, with their status and code, and no researcher', async () => {
    const unsigned = await ask({ query: OVERVIEW, variables: { id: member[0] } }, null)
    expect(unsigned.status).toBe(401)
    expect(await onlyRecordOf(unsigned.requestId)).toMatchObject({
      researcher_id: null,
      claimed_researcher_id: null,
      roles: [],
      operation_name: 'Overview',
      operation_hash: sha256(OVERVIEW),
      project_ids: [],
      publications: [],
      outcome: 'refused',
      http_status: 401,
      error_codes: ['UNAUTHENTICATED'],
    })

    // A token whose signature does not verify names a subject: kept as a lead, not as who asked.
    const forged = `${t.demoToken.slice(0, t.demoToken.lastIndexOf('.') + 1)}${'A'.repeat(86)}`
    const refusedSignIn = await ask({ query: '{ me { id } }' }, forged)
    expect(refusedSignIn.status).toBe(401)
    expect(await onlyRecordOf(refusedSignIn.requestId)).toMatchObject({
      researcher_id: null,
      claimed_researcher_id: 'researcher-0001',
      outcome: 'refused',
      error_codes: ['UNAUTHENTICATED'],
    })

    const tooLong = await ask({ query: `query Long { ${Array.from({ length: 2600 }, (_, i) => `a${i}: me { id }`).join(' ')} }` })
    expect(tooLong.status).toBe(400)
    expect(await onlyRecordOf(tooLong.requestId)).toMatchObject({
      researcher_id: null,
      claimed_researcher_id: 'researcher-0001',
      operation_name: 'Long',
      outcome: 'refused',
      http_status: 400,
      error_codes: ['QUERY_TOO_COMPLEX'],
    })

    const tooLarge = await ask(JSON.stringify({ query: `{ me { id } }`, variables: { pad: 'x'.repeat(120_000) } }))
    expect(tooLarge.status).toBe(413)
    expect(await onlyRecordOf(tooLarge.requestId)).toMatchObject({
      researcher_id: null,
      outcome: 'refused',
      http_status: 413,
      error_codes: ['PAYLOAD_TOO_LARGE'],
    })

    const batch = await ask(Array.from({ length: 11 }, () => ({ query: '{ me { id } }' })))
    expect(batch.status).toBe(400)
    expect(await onlyRecordOf(batch.requestId)).toMatchObject({ outcome: 'refused', error_codes: ['BATCH_TOO_LARGE'], batch_index: null })
  })

  it('records an operation that does not parse as an error, with who sent it', async () => {
    const answer = await ask({ query: '{ project(id: "prj-0001") { code ' })
    expect(answer.status).toBe(400)
    expect(await onlyRecordOf(answer.requestId)).toMatchObject({
      researcher_id: 'researcher-0001',
      outcome: 'error',
      http_status: 400,
      error_codes: ['GRAPHQL_PARSE_FAILED'],
    })
  })

  it('never shows a researcher what the subgraphs reported reading', () => {
    expect(answers.length).toBeGreaterThan(5)
    for (const answer of answers) expect(answer.text).not.toContain('hd4res')
  })

  describe('read through the graph', () => {
    const RECORDS = `query Audit($filter: AuditFilter, $first: Int, $after: String) {
      auditRecords(filter: $filter, first: $first, after: $after) {
        pageInfo { hasNextPage endCursor }
        edges { cursor node { id at requestId batchIndex researcherId claimedResearcherId roles operationName operationHash projectIds deniedProjectIds publications outcome httpStatus errorCodes fromCache clientAddress } }
      }
    }`
    const audit = async (variables: Record<string, unknown>, token = operatorToken) => {
      const answer = await ask({ query: RECORDS, variables }, token)
      return { status: answer.status, body: JSON.parse(answer.text) }
    }

    it('gives operators the records of one researcher, one project and a time range, newest first, page by page', async () => {
      const answered = await ask({ query: OVERVIEW, variables: { id: member[0] } })
      await recordsOf(answered.requestId)
      const filter = {
        researcherId: 'researcher-0001',
        projectId: member[0],
        from: startedAt,
        to: new Date(Date.now() + 60_000).toISOString(),
      }
      const first = await audit({ filter, first: 2 })
      expect(first.body.errors).toBeUndefined()
      const page = first.body.data.auditRecords
      expect(page.edges).toHaveLength(2)
      expect(page.pageInfo.hasNextPage).toBe(true)
      expect(page.edges[0].node).toMatchObject({
        requestId: answered.requestId,
        researcherId: 'researcher-0001',
        roles: ['researcher'],
        operationName: 'Overview',
        operationHash: sha256(OVERVIEW),
        projectIds: [member[0]],
        deniedProjectIds: [],
        publications: ['INCIDENTS', 'STUDY_RECORD_COUNTS'],
        outcome: 'OK',
        httpStatus: 200,
        errorCodes: [],
        batchIndex: null,
      })

      const rest = await audit({ filter, first: 100, after: page.pageInfo.endCursor })
      expect(rest.body.errors).toBeUndefined()
      const all = [...page.edges, ...rest.body.data.auditRecords.edges].map((e: any) => e.node)
      expect(rest.body.data.auditRecords.pageInfo.hasNextPage).toBe(false)
      expect(new Set(all.map((n: any) => n.id)).size).toBe(all.length)
      for (const node of all) {
        expect(node.researcherId).toBe('researcher-0001')
        expect([...node.projectIds, ...node.deniedProjectIds]).toContain(member[0])
      }
      const times = all.map((n: any) => Date.parse(n.at))
      expect([...times].sort((x, y) => y - x)).toEqual(times)
      // The batch's first operation read the project too; its second did not.
      expect(all.map((n: any) => n.operationName)).toEqual(expect.arrayContaining(['Overview', 'First']))
      expect(all.map((n: any) => n.operationName)).not.toContain('Second')

      // By the project's code, as operators know it: the same records.
      const [{ code }] = (await t.db.query<{ code: string }>('SELECT code FROM participants.projects WHERE id = $1', [member[0]])) as [
        { code: string },
      ]
      const byCode = await audit({
        filter: { researcherId: filter.researcherId, projectCode: code, from: filter.from, to: filter.to },
        first: 100,
      })
      expect(byCode.body.data.auditRecords.edges.map((e: any) => e.node.id)).toEqual(all.map((n: any) => n.id))
      const unknown = await audit({ filter: { projectCode: 'NO-SUCH-CODE' } })
      expect(unknown.body.errors[0]).toMatchObject({
        message: 'No research project has the code "NO-SUCH-CODE"',
        extensions: { code: 'BAD_USER_INPUT', argument: 'filter.projectCode' },
      })

      const later = await audit({ filter: { ...filter, from: new Date(Date.now() + 30_000).toISOString() } })
      expect(later.body.data.auditRecords).toEqual({ pageInfo: { hasNextPage: false, endCursor: null }, edges: [] })
    })

    it('finds refused requests by their outcome, and operations by the publication they read', async () => {
      const refused = await audit({ filter: { outcome: 'REFUSED' }, first: 100 })
      const nodes = refused.body.data.auditRecords.edges.map((e: any) => e.node)
      expect(nodes.length).toBeGreaterThanOrEqual(5)
      expect(nodes.every((n: any) => n.outcome === 'REFUSED')).toBe(true)
      expect(nodes.some((n: any) => n.researcherId === null && n.httpStatus === 401)).toBe(true)

      const providers = await audit({ filter: { publication: 'DATA_PROVIDER_ORGANISATIONS' }, first: 100 })
      const reads = providers.body.data.auditRecords.edges.map((e: any) => e.node)
      expect(reads.length).toBeGreaterThanOrEqual(2)
      expect(reads.some((n: any) => n.fromCache)).toBe(true)
      expect(reads.every((n: any) => n.publications.includes('DATA_PROVIDER_ORGANISATIONS'))).toBe(true)
    })

    it('records the operators’ own reading of the trail', async () => {
      const answer = await ask({ query: RECORDS, variables: { first: 1 } }, operatorToken)
      expect(await onlyRecordOf(answer.requestId)).toMatchObject({
        researcher_id: 'operator-0001',
        roles: ['operator'],
        operation_name: 'Audit',
        outcome: 'ok',
      })
    })

    it('refuses researchers without the operator role with FORBIDDEN', async () => {
      const { body } = await audit({ first: 5 }, t.demoToken)
      expect(body.data).toBeNull()
      expect(body.errors[0].extensions.code).toBe('FORBIDDEN')
      expect(body.errors[0].message).toMatch(/operator/)
    })

    it('says what is wrong with a bad cursor, page size or time range, without a database message', async () => {
      for (const [variables, argument, pattern] of [
        [{ after: 'not-a-cursor' }, 'after', /cursor/],
        [{ after: Buffer.from('a1|yesterday|x').toString('base64url') }, 'after', /cursor/],
        [{ first: 101 }, 'first', /between 0 and 100/],
        [{ filter: { from: '2026-11-21T00:00:00Z', to: '2026-11-20T00:00:00Z' } }, 'filter.from', /before/],
        [{ filter: { researcherId: '  ' } }, 'filter.researcherId', /empty/],
      ] as const) {
        const { body } = await audit(variables)
        expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument })
        expect(body.errors[0].message).toMatch(pattern)
        expect(body.errors[0].message).not.toMatch(/SQL|syntax|relation|column|uuid/i)
      }
      const { body } = await audit({ filter: { from: 'last week' } })
      expect(body.errors[0].extensions.code).toBe('BAD_USER_INPUT')
      expect(body.errors[0].message).toMatch(/DateTime/)
    })
  })

  describe('the table', () => {
    const row = (at: string) => [randomUUID(), at, `audit-test-${randomUUID()}`]
    const insert = (values: unknown[]) =>
      t.db.query(`INSERT INTO ops.audit_log (id, at, request_id, outcome, http_status) VALUES ($1, $2, $3, 'ok', 200)`, values)

    it('refuses every UPDATE, TRUNCATE and DELETE but the retention job’s', async () => {
      const recent = row(new Date().toISOString())
      await insert(recent)
      await expect(t.db.query(`UPDATE ops.audit_log SET outcome = 'refused' WHERE id = $1`, [recent[0]])).rejects.toThrow(/append-only/)
      await expect(t.db.query(`DELETE FROM ops.audit_log WHERE id = $1`, [recent[0]])).rejects.toThrow(/append-only/)
      await expect(t.db.query('TRUNCATE ops.audit_log')).rejects.toThrow(/append-only/)
      expect(await t.db.query('SELECT outcome FROM ops.audit_log WHERE id = $1', [recent[0]])).toEqual([{ outcome: 'ok' }])
    })

    it('lets the retention job delete the records older than the retention period, and only those', async () => {
      const old = row(new Date(Date.now() - 401 * 86_400_000).toISOString())
      const young = row(new Date(Date.now() - 399 * 86_400_000).toISOString())
      await insert(old)
      await insert(young)
      const total = async () => (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM ops.audit_log'))[0]!.n
      const before = await total()
      expect(await purgeAuditLog(t.db, 400)).toBe(1)
      expect(await t.db.query('SELECT id FROM ops.audit_log WHERE id = ANY($1::uuid[])', [[old[0], young[0]]])).toEqual([{ id: young[0] }])
      expect(await total()).toBe(before - 1)
      // Within the window of a shorter setting, the younger one goes too.
      expect(await purgeAuditLog(t.db, 30)).toBeGreaterThanOrEqual(1)
      expect(await t.db.query('SELECT id FROM ops.audit_log WHERE id = $1', [young[0]])).toEqual([])
    })
  })

  describe('the internal route', () => {
    const routeUrl = () => new URL(AUDIT_ROUTE, t.graph.subgraphUrls.participants).toString()
    const record = () => ({
      format: AUDIT_FORMAT,
      id: randomUUID(),
      at: new Date().toISOString(),
      requestId: `audit-test-${randomUUID()}`,
      batchIndex: null,
      researcherId: 'researcher-0002',
      claimedResearcherId: null,
      roles: ['researcher'],
      operationName: null,
      operationHash: null,
      projects: [],
      deniedProjects: [],
      publications: [],
      outcome: 'ok',
      httpStatus: 200,
      errorCodes: [],
      fromCache: false,
      clientAddress: null,
    })
    /** Records as the gateway ships them from its spool: one JSON line each. */
    const post = (records: unknown[], identity: string, lines = records.map((r) => `${JSON.stringify(r)}\n`).join('')) =>
      fetch(routeUrl(), { method: 'POST', headers: { 'content-type': AUDIT_LINES_TYPE, [IDENTITY_HEADER]: identity }, body: lines })

    it('takes records from the gateway only, each once, and names those it cannot read', async () => {
      const researcher = signIdentity(
        { sub: 'researcher-0001', name: 'An', roles: ['researcher', 'operator'], projects: [] },
        t.graph.identitySecret,
      )
      expect((await post([record()], researcher)).status).toBe(403)

      const good = record()
      const bad = { ...record(), httpStatus: 999 }
      const gateway = gatewayIdentityHeader(t.graph.identitySecret)
      const answer = await post([], gateway, [good, bad, good].map((r) => JSON.stringify(r)).join('\n') + '\n{"torn": \n')
      expect(answer.status).toBe(200)
      expect(await answer.json()).toEqual({
        accepted: 2,
        rejected: [
          { index: 1, problem: expect.stringMatching(/^httpStatus: /) },
          { index: 3, problem: 'not JSON' },
        ],
      })
      expect((await post([good], gateway)).status).toBe(200)
      expect(await t.db.query('SELECT researcher_id FROM ops.audit_log WHERE id = $1', [good.id])).toEqual([
        { researcher_id: 'researcher-0002' },
      ])
      expect(await t.db.query('SELECT id FROM ops.audit_log WHERE id = $1', [bad.id])).toEqual([])
      const asJson = await fetch(routeUrl(), {
        method: 'POST',
        headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: gateway },
        body: JSON.stringify({ records: [record()] }),
      })
      expect(asJson.status).toBe(415)
    })
  })
})
