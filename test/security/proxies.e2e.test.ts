/**
 * The client's address behind proxies (HD4RES_TRUSTED_PROXIES): the
 * per-address rate limit and the audit record take it from X-Forwarded-For
 * through trusted hops only, read from the right; without trusted proxies,
 * or from a peer that is not one, the header changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readSettings } from '../../platform/settings.js'
import { startTestGraph, type TestGraph } from '../helpers/graph.js'

const LIMIT = 3

interface Answer {
  status: number
  code?: string
  message?: string
}

/** One operation as a frontend behind a proxy sends it, with this X-Forwarded-For (none when undefined). */
async function ask(t: TestGraph, forwardedFor: string | undefined, requestId?: string): Promise<Answer> {
  const response = await fetch(t.graph.graphqlUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${t.demoToken}`,
      ...(forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }),
      ...(requestId ? { 'x-request-id': requestId } : {}),
    },
    body: JSON.stringify({ query: '{ me { id } }' }),
  })
  const body = (await response.json()) as { errors?: { message: string; extensions?: { code?: string } }[] }
  return { status: response.status, code: body.errors?.[0]?.extensions?.code, message: body.errors?.[0]?.message }
}

/** The address the audit trail recorded for each of these requests. */
async function recordedAddresses(t: TestGraph, requestIds: string[]): Promise<(string | null)[]> {
  expect(await t.graph.flushAudit()).toBe(true)
  const rows = await t.db.query<{ request_id: string; client_address: string | null }>(
    'SELECT request_id, client_address FROM ops.audit_log WHERE request_id = ANY($1)',
    [requestIds],
  )
  const byId = new Map(rows.map((r) => [r.request_id, r.client_address]))
  return requestIds.map((id) => byId.get(id) ?? null)
}

const addressLimited = (answer: Answer) => {
  expect(answer.status).toBe(429)
  expect(answer.code).toBe('RATE_LIMITED')
  expect(answer.message).toMatch(/from this address/)
}

describe('behind a trusted proxy (the gateway’s peer, 127.0.0.1, is trusted)', { timeout: 60_000 }, () => {
  let t: TestGraph
  beforeAll(async () => {
    t = await startTestGraph({ env: { HD4RES_TRUSTED_PROXIES: '10.0.0.0/8, 127.0.0.1, fd00::/8', HD4RES_RATE_PER_ADDRESS: String(LIMIT) } })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('gives each client named in X-Forwarded-For its own allowance', async () => {
    for (let i = 0; i < LIMIT; i++) {
      expect((await ask(t, '203.0.113.1')).status).toBe(200)
      expect((await ask(t, '203.0.113.2')).status).toBe(200)
    }
    addressLimited(await ask(t, '203.0.113.1'))
    addressLimited(await ask(t, '203.0.113.2'))
    // An IPv6 client has its own too, and one more client is not held back by the two before it.
    expect((await ask(t, '2001:db8::7')).status).toBe(200)
    expect((await ask(t, '203.0.113.3')).status).toBe(200)
  })

  it('takes the client from the right of a chain: a forged entry on the left gets no fresh allowance', async () => {
    const ids = Array.from({ length: LIMIT + 1 }, (_, i) => `proxies-chain-${i}-${Date.now()}`)
    const answers: Answer[] = []
    // Each request forges another address on the left; the proxy appended the real one on the right.
    for (const [i, id] of ids.entries()) answers.push(await ask(t, `198.51.100.${i + 1}, 203.0.113.50`, id))
    expect(answers.slice(0, LIMIT).map((a) => a.status)).toEqual(Array(LIMIT).fill(200))
    addressLimited(answers[LIMIT]!)
    // Through two trusted hops (an inner proxy at 10.1.2.3) the client is still the first untrusted address from the right.
    addressLimited(await ask(t, '198.51.100.99, 203.0.113.50, 10.1.2.3'))
    // The audit trail names the same client, refusal included.
    expect(await recordedAddresses(t, ids)).toEqual(Array(LIMIT + 1).fill('203.0.113.50'))
  })

  it('without X-Forwarded-For, the peer itself is the client', async () => {
    const id = `proxies-direct-${Date.now()}`
    expect((await ask(t, undefined, id)).status).toBe(200)
    expect(await recordedAddresses(t, [id])).toEqual(['127.0.0.1'])
  })
})

describe.each([
  ['no trusted proxies (the default)', {}],
  ['trusted proxies that do not include the gateway’s peer', { HD4RES_TRUSTED_PROXIES: '10.0.0.0/8,fd00::/8' }],
])('with %s', (_name, env: Record<string, string>) => {
  let t: TestGraph
  beforeAll(async () => {
    t = await startTestGraph({ env: { ...env, HD4RES_RATE_PER_ADDRESS: String(LIMIT) } })
  }, 60_000)
  afterAll(async () => {
    await t?.close()
  })

  it('ignores X-Forwarded-For: a forged address gets no fresh allowance, and the record names the socket’s address', async () => {
    const ids = Array.from({ length: LIMIT + 2 }, (_, i) => `proxies-forged-${i}-${Date.now()}`)
    const answers: Answer[] = []
    for (const [i, id] of ids.entries()) answers.push(await ask(t, `203.0.113.${i + 1}`, id))
    expect(answers.slice(0, LIMIT).map((a) => a.status)).toEqual(Array(LIMIT).fill(200))
    addressLimited(answers[LIMIT]!)
    addressLimited(answers[LIMIT + 1]!)
    expect(await recordedAddresses(t, ids)).toEqual(Array(LIMIT + 2).fill('127.0.0.1'))
  }, 30_000)
})

describe('HD4RES_TRUSTED_PROXIES', () => {
  it('takes IPv4 and IPv6 addresses and CIDR ranges, comma-separated', () => {
    expect(readSettings({ HD4RES_TRUSTED_PROXIES: ' 10.0.0.0/8, 192.0.2.10 ,fd00::/8,::1,' }).trustedProxies).toEqual([
      '10.0.0.0/8',
      '192.0.2.10',
      'fd00::/8',
      '::1',
    ])
    expect(readSettings({}).trustedProxies).toEqual([])
  })

  it('refuses each entry that is not one, naming it', () => {
    const refusal = (value: string) => {
      try {
        readSettings({ HD4RES_TRUSTED_PROXIES: value })
      } catch (error) {
        return (error as Error).message
      }
      throw new Error(`${value} was accepted`)
    }
    expect(refusal('10.0.0.0/8,proxy.internal')).toMatch(/HD4RES_TRUSTED_PROXIES: "proxy.internal" is not an IP address or a CIDR range/)
    expect(refusal('10.0.0.0/33')).toMatch(/"10.0.0.0\/33" has a prefix length that is not a whole number from 1 to 32/)
    expect(refusal('fd00::/129')).toMatch(/"fd00::\/129" has a prefix length that is not a whole number from 1 to 128/)
    expect(refusal('0.0.0.0/0')).toMatch(/"0.0.0.0\/0" trusts every address/)
    expect(refusal('::/0')).toMatch(/"::\/0" trusts every address/)
    expect(refusal('10.0.0.1/8/8')).toMatch(/"10.0.0.1\/8\/8" is not an IP address/)
    const both = refusal('300.1.1.1, 10.0.0.0/x')
    expect(both).toMatch(/"300.1.1.1"/)
    expect(both).toMatch(/"10.0.0.0\/x"/)
  })
})
