/**
 * Pulling ServiceNow page by page from the Table API stand-in: it survives a
 * 429 (honouring Retry-After), a 500 and a page slower than the timeout, and
 * imports every record exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serviceNowRecords } from '../demo/sources.js'
import { collectServiceNow } from '../collectors/servicenow/collect.js'
import { startServiceNowStandin, type ServiceNowStandin } from './helpers/servicenowStandin.js'
import { startTestGraph, type TestGraph } from './helpers/graph.js'

const fixture = { size: 'small' as const, seed: 42, endDate: '2026-11-21' }

describe('pulling from the ServiceNow Table API', () => {
  let t: TestGraph
  let standin: ServiceNowStandin
  const incidents = serviceNowRecords('incident', { ...fixture, count: 230 })
  const requests = serviceNowRecords('sc_request', { ...fixture, count: 70 })

  beforeAll(async () => {
    t = await startTestGraph()
    await t.db.query('DELETE FROM support.tickets')
    standin = await startServiceNowStandin({
      tables: { incident: incidents, sc_request: requests },
      auth: { user: 'hd4res', password: 's3cret' },
      faults: [
        { status: 429, onRequest: 2, retryAfterSeconds: 1 },
        { status: 500, onRequest: 4 },
      ],
      // Far longer than the timeout, so it is still unanswered when the import ends.
      slow: [{ onRequest: 6, delayMs: 5000 }],
    })
  })
  afterAll(async () => {
    await standin?.close()
    await t?.close()
  })

  it('imports every record exactly once despite a 429, a 500 and a slow page', async () => {
    const started = Date.now()
    const result = await collectServiceNow(
      t.db,
      (['incident', 'sc_request'] as const).map((table) => ({
        kind: 'pull' as const,
        table,
        baseUrl: standin.url,
        pageSize: 50,
        auth: { user: 'hd4res', password: 's3cret' },
        http: { timeoutMs: 700, minBackoffMs: 50, maxRetries: 4 },
      })),
    )
    expect(result.rows).toBe(300)
    // Every configuration item and request type in the fixtures is known: nothing stored weaker.
    expect(result.warnings).toEqual([])
    const [counts] = await t.db.query<{ incidents: number; requests: number; distinct_numbers: number }>(
      `SELECT count(*) FILTER (WHERE kind = 'incident')::int AS incidents, count(*) FILTER (WHERE kind = 'request')::int AS requests,
              count(DISTINCT number)::int AS distinct_numbers FROM support.tickets`,
    )
    expect(counts).toEqual({ incidents: 230, requests: 70, distinct_numbers: 300 })
    const statuses = standin.requests.map((r) => r.status)
    expect(statuses).toContain(429)
    expect(statuses).toContain(500)
    // 5 incident pages and 2 request pages answered; the 429, the 500 and the page that
    // outlasted the timeout (never answered: status 0) were each asked for again.
    expect(standin.requests.filter((r) => r.status === 200)).toHaveLength(5 + 2)
    expect(standin.requests).toHaveLength(5 + 2 + 3)
    const slow = standin.requests[5]!
    expect(slow.status).toBe(0)
    expect(standin.requests[6]!.query.sysparm_offset).toBe(slow.query.sysparm_offset)
    // Retry-After: 1 was honoured.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    for (const r of standin.requests) expect(r.query.sysparm_display_value).toBe('all')
  })

  it('refuses wrong credentials with the answer it got, and writes nothing', async () => {
    const before = await t.db.query('SELECT count(*)::int AS n FROM support.tickets')
    await expect(
      collectServiceNow(t.db, [
        { kind: 'pull', table: 'incident', baseUrl: standin.url, auth: { user: 'hd4res', password: 'wrong' }, http: { maxRetries: 0 } },
      ]),
    ).rejects.toThrow(/answered 401/)
    expect(await t.db.query('SELECT count(*)::int AS n FROM support.tickets')).toEqual(before)
  })

  it('serves the pulled incidents through the gateway', async () => {
    const code = (await t.db.query<{ code: string }>(`SELECT code FROM participants.projects WHERE id = 'prj-0001'`))[0]!.code
    const expected = incidents.filter((r) => r.u_project === code).length
    const res = await t.query('{ project(id: "prj-0001") { incidents(first: 0) { ... on IncidentConnection { totalCount } } } }')
    expect(res.body.data!.project.incidents.totalCount).toBe(expected)
    expect(expected).toBeGreaterThan(0)
  })

  it("names each pulled ticket's component from the configuration item's display value", async () => {
    const [counts] = await t.db.query<{ named: number; typed: number }>(
      `SELECT count(affected_component)::int AS named, count(request_type)::int AS typed FROM support.tickets`,
    )
    const named = [...incidents, ...requests].filter((r) => r['cmdb_ci.name'] !== '').length
    expect(named).toBeGreaterThan(0)
    expect(counts).toMatchObject({ named, typed: requests.length })
  })
})
