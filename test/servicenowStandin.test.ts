import { afterEach, describe, expect, it } from 'vitest'
import { serviceNowRecords } from '../demo/sources.js'
import { startServiceNowStandin, type ServiceNowStandin, type StandinOptions } from './helpers/servicenowStandin.js'

const FIXTURE = { size: 'small', seed: 11, endDate: '2026-11-21' } as const
const incidents = serviceNowRecords('incident', { ...FIXTURE, count: 57 })
const BASIC = { user: 'hd4res', password: 'pa:ss wörd' }
const basicHeader = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`

let standin: ServiceNowStandin | undefined
afterEach(async () => {
  await standin?.close()
  standin = undefined
})
async function start(options: Partial<StandinOptions> = {}): Promise<ServiceNowStandin> {
  standin = await startServiceNowStandin({ tables: { incident: incidents }, ...options })
  return standin
}

function nextLink(link: string | null): string | undefined {
  return link
    ?.split(',')
    .map((part) => /^<([^>]+)>;rel="(\w+)"$/.exec(part.trim()))
    .find((m) => m?.[2] === 'next')?.[1]
}

describe('ServiceNow stand-in', () => {
  it('listens on 127.0.0.1 and answers a whole table by default', async () => {
    const s = await start()
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    const res = await fetch(`${s.url}/api/now/table/incident`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    expect(res.headers.get('x-total-count')).toBe('57')
    expect(nextLink(res.headers.get('link'))).toBeUndefined()
    expect(((await res.json()) as any).result).toEqual(incidents)
  })

  it('pages with sysparm_limit and sysparm_offset over every record exactly once', async () => {
    const s = await start()
    const seen: string[] = []
    for (let offset = 0; ; offset += 10) {
      const res = await fetch(
        `${s.url}/api/now/table/incident?sysparm_limit=10&sysparm_offset=${offset}&sysparm_query=ORDERBYsys_updated_on`,
      )
      expect(res.headers.get('x-total-count')).toBe('57')
      const { result } = (await res.json()) as { result: { sys_id: string }[] }
      seen.push(...result.map((r) => r.sys_id))
      const next = nextLink(res.headers.get('link'))
      if (offset + 10 >= 57) {
        expect(result).toHaveLength(7)
        expect(next).toBeUndefined()
        break
      }
      expect(result).toHaveLength(10)
      expect(next).toBe(
        `${s.url}/api/now/table/incident?sysparm_limit=10&sysparm_offset=${offset + 10}&sysparm_query=ORDERBYsys_updated_on`,
      )
    }
    expect(seen).toEqual(incidents.map((r) => r.sys_id))
    expect(new Set(seen).size).toBe(57)
    expect(s.requests.map((r) => r.query.sysparm_offset)).toEqual(['0', '10', '20', '30', '40', '50'])
    expect(s.requests.every((r) => r.path === '/api/now/table/incident' && r.status === 200)).toBe(true)
  })

  it('pages by following the Link header', async () => {
    const s = await start()
    const seen: unknown[] = []
    let url: string | undefined = `${s.url}/api/now/table/incident?sysparm_limit=28`
    while (url) {
      const res: Response = await fetch(url)
      seen.push(...((await res.json()) as { result: unknown[] }).result)
      url = nextLink(res.headers.get('link'))
    }
    expect(seen).toEqual(incidents)
    expect(s.requests).toHaveLength(3)
  })

  it('wraps values with sysparm_display_value=all, once, and unwraps them otherwise', async () => {
    const wrapped = serviceNowRecords('incident', { ...FIXTURE, count: 5, displayValueAll: true }) as Record<string, any>[]
    const s = await start({ tables: { incident: incidents.slice(0, 5), wrapped } })
    const get = async (table: string, mode?: string) =>
      (
        (await (await fetch(`${s.url}/api/now/table/${table}${mode ? `?sysparm_display_value=${mode}` : ''}`)).json()) as {
          result: Record<string, any>[]
        }
      ).result

    const all = await get('incident', 'all')
    expect(all[0]!.number).toEqual({ display_value: incidents[0]!.number, value: incidents[0]!.number })
    for (const record of all) {
      for (const value of Object.values(record)) expect(Object.keys(value).sort()).toEqual(['display_value', 'value'])
    }
    expect(await get('wrapped', 'all')).toEqual(wrapped)

    const displayed = await get('wrapped', 'true')
    expect(displayed[0]!.opened_at).toBe(wrapped[0]!.opened_at.display_value)
    expect(displayed[0]!.opened_at).toMatch(/^\d{2}\/\d{2}\/\d{4} /)
    const values = await get('wrapped')
    expect(values[0]!.opened_at).toBe(wrapped[0]!.opened_at.value)
    expect(values[0]!.priority).toMatch(/^[1-5]$/)
    expect(await get('incident', 'false')).toEqual(incidents.slice(0, 5))
  })

  it('answers an injected fault once, with Retry-After on 429, then recovers', async () => {
    const s = await start({
      faults: [
        { status: 503, onRequest: 2 },
        { status: 429, onRequest: 3, retryAfterSeconds: 7 },
      ],
    })
    const url = `${s.url}/api/now/table/incident?sysparm_limit=5`
    const answers: Response[] = []
    for (let i = 0; i < 4; i++) answers.push(await fetch(url))
    expect(answers.map((r) => r.status)).toEqual([200, 503, 429, 200])
    expect(answers[2]!.headers.get('retry-after')).toBe('7')
    expect(answers[1]!.headers.get('retry-after')).toBeNull()
    expect(await answers[1]!.json()).toMatchObject({ status: 'failure', error: { message: expect.any(String) } })
    expect(((await answers[3]!.json()) as any).result).toHaveLength(5)
    expect(s.requests.map((r) => r.status)).toEqual([200, 503, 429, 200])
  })

  it('answers a chosen request late', async () => {
    const s = await start({ slow: [{ onRequest: 1, delayMs: 300 }] })
    let started = Date.now()
    expect((await fetch(`${s.url}/api/now/table/incident`)).status).toBe(200)
    expect(Date.now() - started).toBeGreaterThanOrEqual(290)
    started = Date.now()
    await fetch(`${s.url}/api/now/table/incident`)
    expect(Date.now() - started).toBeLessThan(290)
  })

  it('demands Basic credentials when told, with 401 otherwise', async () => {
    const s = await start({ auth: BASIC })
    const url = `${s.url}/api/now/table/incident?sysparm_limit=1`
    const none = await fetch(url)
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic /)
    expect(await none.json()).toEqual({
      error: { message: 'User Not Authenticated', detail: 'Required to provide Auth information' },
      status: 'failure',
    })
    expect((await fetch(url, { headers: { authorization: basicHeader(BASIC.user, 'wrong') } })).status).toBe(401)
    expect((await fetch(url, { headers: { authorization: 'Bearer pa:ss wörd' } })).status).toBe(401)
    expect((await fetch(url, { headers: { authorization: basicHeader(BASIC.user, BASIC.password) } })).status).toBe(200)
    expect(s.requests.map((r) => r.status)).toEqual([401, 401, 401, 200])
  })

  it('demands a bearer token when told', async () => {
    const s = await start({ auth: { token: 'tok-123' } })
    const url = `${s.url}/api/now/table/incident`
    expect((await fetch(url)).status).toBe(401)
    expect((await fetch(url, { headers: { authorization: 'Bearer tok-12' } })).status).toBe(401)
    expect((await fetch(url, { headers: { authorization: 'Bearer tok-123' } })).status).toBe(200)
  })

  it('answers an unknown table with 404 and a ServiceNow error body', async () => {
    const s = await start()
    const res = await fetch(`${s.url}/api/now/table/u_nothing`)
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: { message: 'Invalid table u_nothing', detail: null }, status: 'failure' })
    expect(s.requests).toEqual([{ path: '/api/now/table/u_nothing', query: {}, status: 404 }])
  })
})
