/**
 * The gateway's edges, through real HTTP and raw sockets: what a client can
 * make it spend without sending anything GraphQL would refuse. A batch costs
 * each of its operations against the rate limits; headers or a body trickled
 * a byte at a time, and an idle kept-alive connection, lose their socket
 * within their configured time; variables nested 20,000 deep are refused as
 * the client's mistake, never a 500; a NUL or a lone surrogate is refused at
 * the edge, naming where it is. Each asserts the status, the code and what
 * the message names, and that the graph answers a good query afterwards.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadPublicationRegistry } from '../../subgraphs/kit/catalogue/publications.js'
import { startTestGraph, type TestGraph } from '../helpers/graph.js'

/** POSTs a body written out as JSON text; the answer's body parsed. */
async function post(t: TestGraph, body: string, token: string) {
  const response = await fetch(t.graph.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body,
  })
  return { status: response.status, headers: response.headers, body: (await response.json()) as any }
}

/** POSTs a batch of operations; the body is the list of answers, or a refusal's one error. */
const postBatch = (t: TestGraph, operations: unknown[], token: string) => post(t, JSON.stringify(operations), token)

const ME = { query: '{ me { id } }' }
const batchOf = (size: number) => Array.from({ length: size }, () => ME)

function expectRefused(res: { status: number; body: any }, status: number, code: string, message?: RegExp) {
  expect(res.status, JSON.stringify(res.body)).toBe(status)
  const errors = res.body.errors as { message: string; extensions: { code: string } }[]
  expect(errors, JSON.stringify(res.body)).toHaveLength(1)
  expect(errors[0]!.extensions.code).toBe(code)
  if (message) expect(errors[0]!.message).toMatch(message)
}

describe('a batch against the rate limits', () => {
  let t: TestGraph
  const RATE_PER_ADDRESS = 30
  beforeAll(async () => {
    t = await startTestGraph({
      env: {
        NODE_ENV: 'production',
        HD4RES_IDENTITY_SECRET: 'x'.repeat(40),
        HD4RES_RATE_PER_RESEARCHER: '8',
        HD4RES_RATE_PER_ADDRESS: String(RATE_PER_ADDRESS),
      },
    })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('counts each operation of a batch against the researcher, with 429 and Retry-After past the limit', async () => {
    const token = await t.tokenFor('batching-researcher')
    const first = await postBatch(t, batchOf(5), token)
    expect(first.status, JSON.stringify(first.body)).toBe(200)
    expect(first.body).toHaveLength(5)
    // Two requests, ten operations: past the limit of 8.
    const second = await postBatch(t, batchOf(5), token)
    expectRefused(second, 429, 'RATE_LIMITED', /researcher/)
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(0)
    expectRefused(await t.query('{ me { id } }', {}, token), 429, 'RATE_LIMITED')
  })

  it('refuses at once a batch that holds more operations than the researcher may ask for', async () => {
    const res = await postBatch(t, batchOf(9), await t.tokenFor('big-batch-researcher'))
    expectRefused(res, 429, 'RATE_LIMITED', /researcher/)
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  // Last in this graph: it spends the address's whole minute.
  it('counts each operation of a batch against the client address, whatever the tokens', async () => {
    const statuses: number[] = []
    let refusal: Awaited<ReturnType<typeof postBatch>> | undefined
    // Batches of 5, each from a researcher of their own, so only the address's limit can be met.
    for (let i = 0; i < RATE_PER_ADDRESS && !refusal; i++) {
      const res = await postBatch(t, batchOf(5), await t.tokenFor(`address-batcher-${i}`))
      statuses.push(res.status)
      if (res.status === 429) refusal = res
      else expect(res.status, JSON.stringify(res.body)).toBe(200)
    }
    expect(refusal, `statuses: ${statuses.join(',')}`).toBeDefined()
    expectRefused(refusal!, 429, 'RATE_LIMITED', /address/)
    expect(Number(refusal!.headers.get('retry-after'))).toBeGreaterThan(0)
    // At most 30 operations answered, 6 batches, whatever the tests before spent; counting requests, 25 or more would pass.
    const answered = statuses.filter((s) => s === 200).length
    expect(answered * 5).toBeLessThanOrEqual(RATE_PER_ADDRESS)
  })
})

/** Where a socket to the gateway connects. */
function addressOf(t: TestGraph): { host: string; port: number } {
  const url = new URL(t.graph.url)
  return { host: url.hostname, port: Number(url.port) }
}

interface SocketEnd {
  /** Milliseconds from `from` until the gateway closed the socket; null when it was still open at the deadline. */
  closedAfterMs: number | null
  /** What the gateway wrote before closing. */
  received: string
}

/**
 * Opens a socket, writes `start`, then `trickle` a byte every 200 ms until the
 * gateway closes the socket or `deadlineMs` passes (then the test closes it).
 * Times from the connection, or from the first answer when `fromAnswer`.
 */
function slowClient(
  t: TestGraph,
  { start, trickle = '', deadlineMs, fromAnswer = false }: { start: string; trickle?: string; deadlineMs: number; fromAnswer?: boolean },
): Promise<SocketEnd> {
  return new Promise((resolve) => {
    const socket = net.connect(addressOf(t))
    let from = 0
    let received = ''
    let sent = 0
    let timer: NodeJS.Timeout | undefined
    const finish = (closedAfterMs: number | null) => {
      clearInterval(timer)
      clearTimeout(deadline)
      socket.destroy()
      resolve({ closedAfterMs, received })
    }
    const deadline = setTimeout(() => finish(null), deadlineMs)
    socket.on('connect', () => {
      from = Date.now()
      socket.write(start)
      if (trickle) {
        timer = setInterval(() => {
          if (!socket.writable) return
          socket.write(trickle[sent % trickle.length]!)
          sent++
        }, 200)
      }
    })
    socket.on('data', (chunk) => {
      if (fromAnswer && received === '') from = Date.now()
      received += chunk.toString('latin1')
    })
    // Writing into a socket the gateway has just closed may fail: the close is what is measured.
    socket.on('error', () => undefined)
    socket.on('close', () => finish(Date.now() - from))
  })
}

describe('the edges of one gateway', () => {
  let t: TestGraph
  const HEADERS_TIMEOUT_MS = 1000
  const REQUEST_TIMEOUT_MS = 2000
  const KEEP_ALIVE_TIMEOUT_MS = 1000
  /** Far more than any timeout here plus Node's checking interval: a machine under load still closes within it. */
  const GENEROUS_MS = 10_000

  const expectHealthy = async () => {
    const res = await t.query('{ me { id } }')
    expect(res.status).toBe(200)
    expect(res.body.data).toEqual({ me: { id: 'researcher-0001' } })
  }

  beforeAll(async () => {
    t = await startTestGraph({
      registry: loadPublicationRegistry({ available: 'ALL' }),
      env: {
        HD4RES_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
        HD4RES_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
        HD4RES_KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_TIMEOUT_MS),
        // Room for a body nested 20,000 deep: the nesting is refused, not the size.
        HD4RES_MAX_BODY_BYTES: '500000',
        // The response cache keys the variables: it must meet no body nested too deep.
        HD4RES_RESPONSE_CACHE: 'on',
      },
    })
  })
  afterAll(async () => {
    await t?.close()
  })

  describe('slow clients', () => {
    it('closes a socket that trickles its headers within the headers timeout', { timeout: 30_000 }, async () => {
      const end = await slowClient(t, {
        start: 'POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ',
        trickle: 'abcdefgh',
        deadlineMs: GENEROUS_MS,
      })
      expect(end.closedAfterMs, 'still open at the deadline').not.toBeNull()
      expect(end.closedAfterMs!).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50)
      expect(end.closedAfterMs!).toBeLessThan(GENEROUS_MS)
      expect(end.received).toMatch(/^HTTP\/1\.1 408/)
      await expectHealthy()
    })

    it('closes a socket that trickles its body within the request timeout', { timeout: 30_000 }, async () => {
      const end = await slowClient(t, {
        start: [
          'POST /graphql HTTP/1.1',
          'Host: 127.0.0.1',
          'Content-Type: application/json',
          `Authorization: Bearer ${t.demoToken}`,
          'Content-Length: 1000',
          '',
          '{"query":"',
        ].join('\r\n'),
        trickle: ' ',
        deadlineMs: GENEROUS_MS,
      })
      expect(end.closedAfterMs, 'still open at the deadline').not.toBeNull()
      // Well past the headers' timeout: the headers were complete, the body was not.
      expect(end.closedAfterMs!).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50)
      expect(end.closedAfterMs!).toBeLessThan(GENEROUS_MS)
      expect(end.received).toMatch(/^HTTP\/1\.1 408/)
      await expectHealthy()
    })

    it('closes an idle kept-alive connection within the keep-alive timeout', { timeout: 30_000 }, async () => {
      const end = await slowClient(t, {
        start: 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n',
        deadlineMs: GENEROUS_MS,
        fromAnswer: true,
      })
      expect(end.received).toMatch(/^HTTP\/1\.1 200/)
      expect(end.received).toMatch(/keep-alive/i)
      expect(end.closedAfterMs, 'still open at the deadline').not.toBeNull()
      expect(end.closedAfterMs!).toBeGreaterThanOrEqual(KEEP_ALIVE_TIMEOUT_MS - 50)
      expect(end.closedAfterMs!).toBeLessThan(GENEROUS_MS)
      await expectHealthy()
    })
  })

  describe('nested inputs', () => {
    /** { and: { and: … } }, `levels` objects deep. */
    const nested = (levels: number) => {
      let value: unknown = 'bottom'
      for (let i = 0; i < levels; i++) value = { and: value }
      return value
    }
    /** The same as JSON text, written out by hand: JSON.stringify itself overflows the stack on it. */
    const nestedText = (levels: number) => `${'{"and":'.repeat(levels)}"bottom"${'}'.repeat(levels)}`

    it('refuses variables nested 20,000 deep with 400, naming the limit and where, never 500', async () => {
      const res = await post(t, `{"query":"{ me { id } }","variables":{"filter":${nestedText(20_000)}}}`, t.demoToken)
      expectRefused(res, 400, 'BAD_USER_INPUT', /^variables\.filter\.and\.and.*…/)
      expect(res.body.errors[0].message).toMatch(/more than 32 levels deep.*HD4RES_MAX_INPUT_DEPTH/)
      expect(res.body.errors[0].message.length).toBeLessThan(300)
      await expectHealthy()
    })

    it('refuses extensions nested too deep, and lists as well as objects', async () => {
      const lists = `${'['.repeat(20_000)}1${']'.repeat(20_000)}`
      const res = await post(t, `{"query":"{ me { id } }","extensions":{"trace":${lists}}}`, t.demoToken)
      expectRefused(res, 400, 'BAD_USER_INPUT', /^extensions\.trace\[0\]\[0\]/)
      await expectHealthy()
    })

    it('answers variables nested within the limit, from the cache the second time', async () => {
      // variables, filter and its 30 objects: 32 levels.
      const first = await t.query('{ me { id } }', { filter: nested(31) })
      expect(first.status, JSON.stringify(first.body)).toBe(200)
      expect(first.body.data).toEqual({ me: { id: 'researcher-0001' } })
      expect(first.headers.get('x-hd4res-cache')).toBe('miss')
      const again = await t.query('{ me { id } }', { filter: nested(31) })
      expect(again.headers.get('x-hd4res-cache')).toBe('hit')
      expectRefused(await t.query('{ me { id } }', { filter: nested(32) }), 400, 'BAD_USER_INPUT', /HD4RES_MAX_INPUT_DEPTH/)
    })
  })

  describe('NUL and invalid Unicode', () => {
    const SEARCH = `query Search($search: String) {
      project(id: "prj-0001") { incidents(first: 2, filter: { search: $search }) { ... on IncidentConnection { totalCount } } }
    }`

    it.each([
      ['a NUL', 'abc\u0000def', /NUL character \(U\+0000\)/],
      ['a lone surrogate', 'abc\ud800def', /lone surrogate \(U\+D800\).*not valid Unicode/],
      ['a lone low surrogate at the end', 'abc\udfff', /lone surrogate \(U\+DFFF\)/],
    ])('refuses %s in a variable with 400, naming the variable', async (_what, search, message) => {
      const res = await t.query(SEARCH, { search })
      expectRefused(res, 400, 'BAD_USER_INPUT', /^variables\.search holds/)
      expect(res.body.errors![0]!.message).toMatch(message)
      await expectHealthy()
    })

    it('names a NUL deep in the variables, and the operation of a batch it is in', async () => {
      const deep = await t.query('{ me { id } }', { filter: { terms: ['ok', 'a\u0000'] } })
      expectRefused(deep, 400, 'BAD_USER_INPUT', /^variables\.filter\.terms\[1\] holds a NUL/)
      const batch = await postBatch(t, [ME, { query: SEARCH, variables: { search: 'a\u0000' } }], t.demoToken)
      expectRefused(batch, 400, 'BAD_USER_INPUT', /^Operation 2 of the batch: variables\.search holds a NUL/)
    })

    it('refuses a NUL in a variable sent by GET', async () => {
      const address = new URL(t.graph.graphqlUrl)
      address.searchParams.set('query', SEARCH)
      address.searchParams.set('variables', JSON.stringify({ search: 'a\u0000b' }))
      const response = await fetch(address, { headers: { authorization: `Bearer ${t.demoToken}` } })
      expectRefused({ status: response.status, body: await response.json() }, 400, 'BAD_USER_INPUT', /^variables\.search holds a NUL/)
    })

    it('lets a well-formed string through: accents, a pair of surrogates', async () => {
      const res = await t.query(SEARCH, { search: 'caf\u00e9 \ud83d\ude00' })
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      expect(res.body.errors).toBeUndefined()
    })

    it.each([
      ['a raw NUL', '{ project(id: "prj-\u0000") { id } }', /query text holds a NUL character \(U\+0000\) at line 1, column 20/],
      ['a NUL escape', '{ project(id: "prj-\\u0000") { id } }', /string at line 1, column 15 of the query text holds a NUL/],
      ['a raw lone surrogate', '{ project(id: "prj-\ud800") { id } }', /query text holds a lone surrogate \(U\+D800\)/],
    ])('refuses %s in an inline string literal with 400, saying where', async (_what, query, message) => {
      const res = await t.query(query)
      expectRefused(res, 400, 'BAD_USER_INPUT', message)
      await expectHealthy()
    })

    it('answers an escaped lone surrogate in a literal with a 400 from the parser', async () => {
      const res = await t.query('{ project(id: "prj-\\ud800") { id } }')
      expectRefused(res, 400, 'GRAPHQL_PARSE_FAILED', /Invalid Unicode escape sequence/)
    })
  })
})
