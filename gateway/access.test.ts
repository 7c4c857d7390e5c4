/**
 * Memberships asked of the participants registry: one question per
 * researcher however many requests arrive at once, and one frozen identity
 * per signed-in token while the memberships it was made from are kept. While
 * participants cannot answer, the last memberships it gave answer for a
 * bounded time, the same identity as before; then a 503 with Retry-After.
 */
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { ASK_AGAIN_AFTER_MS, createAccessResolver } from './access.js'
import { GatewayError } from './errors.js'

let server: http.Server
let base: string
const asked: string[] = []
let projects = ['prj-0002', 'prj-0001']
let answerAfterMs = 0
/** What participants answers instead of memberships: a status, or 'cut' for a connection closed without an answer. */
let failing: number | 'cut' | null = null

beforeAll(async () => {
  server = http.createServer((request, response) => {
    asked.push(request.url!)
    if (failing === 'cut') return request.socket.destroy()
    if (failing !== null) return response.writeHead(failing, { 'content-type': 'application/json' }).end('{"error":"no"}')
    // What a slow answer holds is what the registry held when it was asked.
    const held = projects
    response.setHeader('content-type', 'application/json')
    setTimeout(() => response.end(JSON.stringify({ id: 'researcher-0001', displayName: 'Alice', projects: held })), answerAfterMs)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`
})
afterAll(() => server.close())

describe('the access resolver', () => {
  it('asks once for a burst, and gives one token one frozen identity', async () => {
    const access = createAccessResolver({ participantsUrl: base, secret: 's'.repeat(32) })
    const claims = { sub: 'researcher-0001', name: 'alice', roles: ['researcher', 'gateway'] }
    const burst = await Promise.all(Array.from({ length: 5 }, () => access.identityFor(claims)))
    expect(asked).toEqual(['/internal/access?researcher=researcher-0001'])
    expect(new Set(burst).size).toBe(1)
    const identity = burst[0]!
    // The registry's name wins; the gateway's own role is never a researcher's.
    expect(identity).toEqual({ sub: 'researcher-0001', name: 'Alice', roles: ['researcher'], projects: ['prj-0002', 'prj-0001'] })
    expect(Object.isFrozen(identity) && Object.isFrozen(identity.projects) && Object.isFrozen(identity.roles)).toBe(true)

    // Another token of the same researcher: its own identity, from the same memberships.
    const other = await access.identityFor({ ...claims, roles: ['researcher'] })
    expect(other).not.toBe(identity)
    expect(asked).toHaveLength(1)

    // Memberships forgotten and changed: the same token gets a new identity with the new projects.
    projects = ['prj-0003']
    access.clear()
    const after = await access.identityFor(claims)
    expect(after).not.toBe(identity)
    expect(after.projects).toEqual(['prj-0003'])
    expect(asked).toHaveLength(2)
  })

  it('does not keep memberships asked for before they were forgotten', async () => {
    const access = createAccessResolver({ participantsUrl: base, secret: 's'.repeat(32) })
    const claims = { sub: 'researcher-0001', name: 'alice', roles: ['researcher'] }
    asked.length = 0
    projects = ['prj-0001']
    answerAfterMs = 100
    // Asked before an import that changes the memberships; forgotten while the answer is on its way.
    const early = access.identityFor(claims)
    await new Promise((resolve) => setTimeout(resolve, 20))
    projects = ['prj-0004']
    access.clear()
    expect((await early).projects).toEqual(['prj-0001'])
    answerAfterMs = 0
    // The early answer was not kept: the next request asks again and sees the change.
    expect((await access.identityFor(claims)).projects).toEqual(['prj-0004'])
    expect(asked).toHaveLength(2)
  })

  describe('while participants cannot answer', () => {
    const claims = { sub: 'researcher-0001', name: 'alice', roles: ['researcher'] }
    // The clock moves only when a test moves it (timers stay real): no assertion hangs on how busy the machine is.
    const later = (ms: number) => vi.setSystemTime(Date.now() + ms)
    beforeAll(() => {
      vi.useFakeTimers({ toFake: ['Date'] })
    })
    afterAll(() => {
      vi.useRealTimers()
    })
    afterEach(() => {
      failing = null
    })
    const refusal = (error: unknown) => {
      expect(error).toBeInstanceOf(GatewayError)
      return { code: (error as GatewayError).code, status: (error as GatewayError).status, headers: (error as GatewayError).headers }
    }

    it('answers the last known memberships, the same identity, until they are too old; then refuses 503 with Retry-After', async () => {
      const access = createAccessResolver({ participantsUrl: base, secret: 's'.repeat(32) })
      const windows = { freshMs: 50, staleMs: 10_000, onStale: (ageMs: number) => stale.push(ageMs) }
      const stale: number[] = []
      failing = null
      projects = ['prj-0001']
      asked.length = 0
      const known = await access.identityFor(claims, windows)
      try {
        for (const cause of [503, 'cut', 502] as const) {
          failing = cause
          later(ASK_AGAIN_AFTER_MS + 10)
          // Asked again (the fresh time is over), not answered: the very identity participants last confirmed.
          const before = asked.length
          expect(await access.identityFor(claims, windows)).toBe(known)
          expect(asked.length).toBe(before + 1)
        }
        // Right after a failure participants is not asked again: a hanging one would hold every request.
        later(ASK_AGAIN_AFTER_MS / 2)
        const before = asked.length
        expect(await access.identityFor(claims, windows)).toBe(known)
        expect(asked.length).toBe(before)
        expect(stale).toHaveLength(4)
        // Projects granted meanwhile are not seen until participants answers again: the state is the last one known.
        projects = ['prj-0001', 'prj-0009']
        later(10_000)
        const error = await access.identityFor(claims, windows).catch((e: unknown) => e)
        expect(refusal(error)).toEqual({ code: 'SERVICE_UNAVAILABLE', status: 503, headers: { 'retry-after': '15' } })
        expect((error as Error).message).toMatch(/membership service \(participants\)/)
      } finally {
        failing = null
      }
      // Back, and asked again once the pause after the last failure is over: answered afresh.
      later(ASK_AGAIN_AFTER_MS + 10)
      expect((await access.identityFor(claims, windows)).projects).toEqual(['prj-0001', 'prj-0009'])
    })

    it('refuses a researcher it never saw, and forgets what it knew when memberships are cleared', async () => {
      const access = createAccessResolver({ participantsUrl: base, secret: 's'.repeat(32) })
      const windows = { freshMs: 0, staleMs: 60_000 }
      failing = null
      await access.identityFor(claims, windows)
      failing = 500
      try {
        await expect(access.identityFor(claims, windows)).resolves.toMatchObject({ sub: 'researcher-0001' })
        const stranger = await access.identityFor({ ...claims, sub: 'researcher-0002' }, windows).catch((e: unknown) => e)
        expect(refusal(stranger).code).toBe('SERVICE_UNAVAILABLE')
        // A new data version may have changed the memberships: what was known before it does not answer.
        access.clear()
        expect(refusal(await access.identityFor(claims, windows).catch((e: unknown) => e)).code).toBe('SERVICE_UNAVAILABLE')
      } finally {
        failing = null
      }
    })

    it('does not hide a refusal of participants’ own behind the last known memberships', async () => {
      const access = createAccessResolver({ participantsUrl: base, secret: 's'.repeat(32) })
      const windows = { freshMs: 0, staleMs: 60_000 }
      failing = null
      await access.identityFor(claims, windows)
      failing = 403
      try {
        const error = await access.identityFor(claims, windows).catch((e: unknown) => e)
        expect(error).not.toBeInstanceOf(GatewayError)
        expect((error as Error).message).toBe('participants answered 403 for memberships')
      } finally {
        failing = null
      }
    })
  })
})
