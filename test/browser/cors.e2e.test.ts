/**
 * Cross-origin frontends (HD4RES_CORS_ORIGINS), in headless Chromium and over
 * HTTP: a page from an allowed origin reads the API with a researcher's
 * token; a page from any other origin cannot, and the gateway's answer to its
 * preflight allows nothing. Preflights are answered before sign-in and leave
 * no audit record; a request a browser sends without a preflight still gets
 * nothing, and same-origin pages (GraphiQL) work as before.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, BrowserContext } from 'playwright-core'
import { request } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readSettings } from '../../platform/settings.js'
import { launchChromium } from '../helpers/browser.js'
import { startTestGraph, type TestGraph } from '../helpers/graph.js'

const MAX_AGE = '321'
const QUERY = '{ me { id } }'

/** A frontend's origin: a tiny page served on a port of its own. */
async function frontend(): Promise<{ origin: string; server: Server }> {
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>frontend</title><p>frontend</p>')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server }
}

interface PageFetch {
  ok: boolean
  status?: number
  body?: { data?: { me?: { id: string } } | null; errors?: unknown[] }
  requestId?: string | null
  error?: { name: string; message: string }
}

/** The gateway's answer to a request sent straight over HTTP (a browser would not let a page set Origin). */
async function send(url: string, method: 'OPTIONS' | 'POST' | 'GET', headers: Record<string, string>, body?: string) {
  const answer = await request(url, { method, headers, body })
  const text = await answer.body.text()
  return { status: answer.statusCode, headers: answer.headers, text }
}

const corsHeaders = (headers: Record<string, unknown>) => Object.keys(headers).filter((name) => name.startsWith('access-control-'))
const listed = (value: unknown) =>
  String(value)
    .split(',')
    .map((v) => v.trim().toLowerCase())

const preflight = (origin: string, extra: Record<string, string> = {}) => ({
  origin,
  'access-control-request-method': 'POST',
  'access-control-request-headers': 'authorization,content-type',
  ...extra,
})

describe('cross-origin frontends', { timeout: 120_000 }, () => {
  let t: TestGraph
  let allowed: Awaited<ReturnType<typeof frontend>>
  let other: Awaited<ReturnType<typeof frontend>>
  let browser: Browser | undefined
  let context: BrowserContext
  /** What the browser heard from the gateway for each preflight it sent: the answer's headers. */
  const preflights: { url: string; origin: string; status: number; headers: Record<string, string> }[] = []
  /** Every URL the browser asked for. */
  const requested: string[] = []

  beforeAll(async () => {
    ;[allowed, other] = await Promise.all([frontend(), frontend()])
    t = await startTestGraph({ env: { HD4RES_CORS_ORIGINS: allowed.origin, HD4RES_CORS_MAX_AGE: MAX_AGE, HD4RES_GRAPHIQL: 'on' } })
    browser = await launchChromium()
    context = await browser.newContext()
    // No request interception: a routed context answers preflights itself, and the gateway's answer is what is tested.
    // Every request is recorded instead, and the last test checks that none left these three origins.
    context.on('request', (request) => requested.push(request.url()))
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await t?.close()
    for (const f of [allowed, other]) f?.server.close()
  })

  /** Opens the page at `origin` and has it fetch the gateway's /graphql with the demo token, as a frontend would. */
  async function fetchFrom(origin: string): Promise<PageFetch> {
    const page = await context.newPage()
    // The browser's own record of the preflights it sends (DevTools' network log), with the answers' headers.
    const devtools = await context.newCDPSession(page)
    devtools.on('Network.responseReceived', (event) => {
      if (event.type !== 'Preflight') return
      preflights.push({ url: event.response.url, origin, status: event.response.status, headers: lowerCased(event.response.headers) })
    })
    await devtools.send('Network.enable')
    await page.goto(`${origin}/`)
    const result = await page.evaluate(
      async ({ url, token, query }) => {
        try {
          const response = await fetch(url, {
            method: 'POST',
            credentials: 'include',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ query }),
          })
          return { ok: true, status: response.status, body: await response.json(), requestId: response.headers.get('x-request-id') }
        } catch (error) {
          return { ok: false, error: { name: (error as Error).name, message: (error as Error).message } }
        }
      },
      { url: t.graph.graphqlUrl, token: t.demoToken, query: QUERY },
    )
    await page.close()
    return result as PageFetch
  }

  it('lets a page from the allowed origin read the API with a bearer token, the request id included', async () => {
    const expected = await t.query(QUERY)
    expect(expected.body.data!.me.id).toBeTruthy()
    const result = await fetchFrom(allowed.origin)
    expect(result.error).toBeUndefined()
    expect(result.status).toBe(200)
    expect(result.body).toEqual({ data: expected.body.data })
    // An exposed header: without Access-Control-Expose-Headers the page would read null.
    expect(result.requestId).toMatch(/^[\w.:-]{8,100}$/)
    const heard = preflights.filter((p) => p.origin === allowed.origin)
    expect(heard).toHaveLength(1)
    expect(heard[0]).toMatchObject({ status: 204, headers: { 'access-control-allow-origin': allowed.origin } })
  })

  it('leaves a page from another origin with a failed fetch, and its preflight answer allows nothing', async () => {
    const result = await fetchFrom(other.origin)
    expect(result.ok).toBe(false)
    expect(result.error!.name).toBe('TypeError')
    const heard = preflights.filter((p) => p.origin === other.origin)
    expect(heard).toHaveLength(1)
    expect(heard[0]!.status).toBe(403)
    expect(corsHeaders(heard[0]!.headers)).toEqual([])
  })

  it('answers a preflight from the allowed origin without a token: 204 with what a frontend needs, not 401', async () => {
    const answer = await send(t.graph.graphqlUrl, 'OPTIONS', preflight(allowed.origin))
    expect(answer.status).toBe(204)
    expect(answer.headers['access-control-allow-origin']).toBe(allowed.origin)
    expect(answer.headers['access-control-allow-credentials']).toBe('true')
    expect(listed(answer.headers['access-control-allow-methods'])).toEqual(['get', 'post', 'options'])
    expect(listed(answer.headers['access-control-allow-headers'])).toEqual(
      expect.arrayContaining([
        'authorization',
        'content-type',
        'x-request-id',
        'apollographql-client-name',
        'apollographql-client-version',
        'apollo-require-preflight',
        'x-apollo-operation-name',
      ]),
    )
    expect(answer.headers['access-control-max-age']).toBe(MAX_AGE)
    expect(listed(answer.headers.vary)).toContain('origin')
  })

  it('refuses a preflight from another origin in words, with no Access-Control-Allow-* header', async () => {
    const answer = await send(t.graph.graphqlUrl, 'OPTIONS', preflight(other.origin))
    expect(answer.status).toBe(403)
    expect(corsHeaders(answer.headers)).toEqual([])
    expect(listed(answer.headers.vary)).toContain('origin')
    const body = JSON.parse(answer.text) as { errors: { message: string; extensions: { code: string } }[] }
    expect(body.errors[0]!.extensions.code).toBe('FORBIDDEN')
    expect(body.errors[0]!.message).toContain(other.origin)
    expect(body.errors[0]!.message).toContain('HD4RES_CORS_ORIGINS')
  })

  it('leaves no audit record of a preflight: it is no request of a researcher', async () => {
    const id = `cors-preflight-${Date.now()}`
    expect((await send(t.graph.graphqlUrl, 'OPTIONS', preflight(allowed.origin, { 'x-request-id': id }))).status).toBe(204)
    const asked = `cors-request-${Date.now()}`
    const answered = await send(
      t.graph.graphqlUrl,
      'POST',
      { origin: allowed.origin, 'content-type': 'application/json', authorization: `Bearer ${t.demoToken}`, 'x-request-id': asked },
      JSON.stringify({ query: QUERY }),
    )
    expect(answered.status).toBe(200)
    expect(await t.graph.flushAudit()).toBe(true)
    const rows = await t.db.query<{ request_id: string }>('SELECT request_id FROM ops.audit_log WHERE request_id = ANY($1)', [[id, asked]])
    expect(rows.map((r) => r.request_id)).toEqual([asked])
  })

  it('lets the allowed origin read answers and refusals alike, with the headers it may read listed', async () => {
    const answer = await send(
      t.graph.graphqlUrl,
      'POST',
      { origin: allowed.origin, 'content-type': 'application/json', authorization: `Bearer ${t.demoToken}` },
      JSON.stringify({ query: QUERY }),
    )
    expect(answer.status).toBe(200)
    expect(answer.headers['access-control-allow-origin']).toBe(allowed.origin)
    expect(answer.headers['access-control-allow-credentials']).toBe('true')
    expect(listed(answer.headers['access-control-expose-headers'])).toEqual(
      expect.arrayContaining(['x-request-id', 'x-hd4res-cache', 'retry-after']),
    )
    // A refusal too: the frontend can tell the researcher to sign in again.
    const refused = await send(
      t.graph.graphqlUrl,
      'POST',
      { origin: allowed.origin, 'content-type': 'application/json' },
      JSON.stringify({ query: QUERY }),
    )
    expect(refused.status).toBe(401)
    expect(refused.headers['access-control-allow-origin']).toBe(allowed.origin)
    // Another origin's request is answered (a browser would hide it from the page) but allows nothing.
    const elsewhere = await send(
      t.graph.graphqlUrl,
      'POST',
      { origin: other.origin, 'content-type': 'application/json', authorization: `Bearer ${t.demoToken}` },
      JSON.stringify({ query: QUERY }),
    )
    expect(corsHeaders(elsewhere.headers)).toEqual([])
  })

  it('answers no request a browser would send without a preflight, from the allowed origin or another', async () => {
    // A simple GET or form POST carries no Authorization header, which every answer needs (and which Apollo's CSRF
    // prevention takes as the sign of a preflight): sign-in refuses it before Apollo runs.
    const url = `${t.graph.graphqlUrl}?query=${encodeURIComponent('{ me { id } }')}`
    const simple = await send(url, 'GET', { origin: allowed.origin })
    expect(simple.status).toBe(401)
    expect(simple.text).not.toContain('"data"')
    const form = await send(
      t.graph.graphqlUrl,
      'POST',
      { origin: other.origin, 'content-type': 'text/plain' },
      JSON.stringify({ query: QUERY }),
    )
    expect(form.status).toBeGreaterThanOrEqual(400)
    expect(form.status).toBeLessThan(500)
    expect(form.text).not.toContain('"data"')
  })

  it('leaves same-origin pages as they were: GraphiQL’s page queries its own gateway', async () => {
    const page = await context.newPage()
    await page.goto(`${t.graph.url}/graphiql`)
    const result = await page.evaluate(
      async ({ token, query }) => {
        const response = await fetch('/graphql', {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ query }),
        })
        return { status: response.status, body: await response.json() }
      },
      { token: t.demoToken, query: QUERY },
    )
    await page.close()
    expect(result.status).toBe(200)
    expect(result.body.data.me.id).toBeTruthy()
  })

  it('asked nothing of any origin but the two pages and the gateway', () => {
    const known = new Set([allowed.origin, other.origin, new URL(t.graph.url).origin])
    expect(requested).toContain(`${t.graph.graphqlUrl}`)
    expect(requested.filter((url) => !/^(data|blob|about):/.test(url) && !known.has(new URL(url).origin))).toEqual([])
  })
})

describe('without HD4RES_CORS_ORIGINS (the default)', { timeout: 60_000 }, () => {
  let t: TestGraph
  beforeAll(async () => {
    t = await startTestGraph()
  })
  afterAll(async () => {
    await t?.close()
  })

  it('answers no cross-origin request: a preflight gets no Access-Control-Allow-* header', async () => {
    const answer = await send(t.graph.graphqlUrl, 'OPTIONS', preflight('https://app.example.org'))
    expect(answer.status).toBe(404)
    expect(corsHeaders(answer.headers)).toEqual([])
    const asked = await send(
      t.graph.graphqlUrl,
      'POST',
      { origin: 'https://app.example.org', 'content-type': 'application/json', authorization: `Bearer ${t.demoToken}` },
      JSON.stringify({ query: QUERY }),
    )
    expect(asked.status).toBe(200)
    expect(corsHeaders(asked.headers)).toEqual([])
  })
})

describe('HD4RES_CORS_ORIGINS and HD4RES_CORS_MAX_AGE', () => {
  const refusal = (env: Record<string, string>) => {
    try {
      readSettings(env)
    } catch (error) {
      return (error as Error).message
    }
    throw new Error(`${JSON.stringify(env)} was accepted`)
  }

  it('takes exact origins, comma-separated; none and 600 s by default', () => {
    expect(readSettings({ HD4RES_CORS_ORIGINS: 'https://app.example.org, http://localhost:5173', HD4RES_CORS_MAX_AGE: '60' }).cors).toEqual(
      {
        origins: ['https://app.example.org', 'http://localhost:5173'],
        maxAgeSeconds: 60,
      },
    )
    expect(readSettings({}).cors).toEqual({ origins: [], maxAgeSeconds: 600 })
  })

  it('refuses each entry that is not an origin as a browser sends it, naming it and saying what to write', () => {
    expect(refusal({ HD4RES_CORS_ORIGINS: 'https://app.example.org,*' })).toMatch(/HD4RES_CORS_ORIGINS: "\*": no wildcards/)
    expect(refusal({ HD4RES_CORS_ORIGINS: 'https://*.example.org' })).toMatch(/"https:\/\/\*\.example\.org": no wildcards/)
    expect(refusal({ HD4RES_CORS_ORIGINS: 'https://app.example.org/' })).toMatch(
      /"https:\/\/app.example.org\/" .* write https:\/\/app.example.org /,
    )
    expect(refusal({ HD4RES_CORS_ORIGINS: 'https://app.example.org/portal' })).toMatch(/write https:\/\/app.example.org /)
    expect(refusal({ HD4RES_CORS_ORIGINS: 'https://app.example.org:443' })).toMatch(/write https:\/\/app.example.org /)
    expect(refusal({ HD4RES_CORS_ORIGINS: 'HTTPS://App.Example.org' })).toMatch(/write https:\/\/app.example.org /)
    expect(refusal({ HD4RES_CORS_ORIGINS: 'app.example.org' })).toMatch(/"app.example.org" is not an origin/)
    expect(refusal({ HD4RES_CORS_ORIGINS: 'ftp://files.example.org' })).toMatch(
      /"ftp:\/\/files.example.org" is not an http or https origin/,
    )
    expect(refusal({ HD4RES_CORS_MAX_AGE: '-1' })).toMatch(/HD4RES_CORS_MAX_AGE/)
    expect(refusal({ HD4RES_CORS_MAX_AGE: '90000' })).toMatch(/HD4RES_CORS_MAX_AGE/)
  })
})

function lowerCased(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)]))
}
