/**
 * Memberships asked of the participants registry: one question per
 * researcher however many requests arrive at once, and one frozen identity
 * per signed-in token while the memberships it was made from are kept.
 */
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createAccessResolver } from './access.js'

let server: http.Server
let base: string
const asked: string[] = []
let projects = ['prj-0002', 'prj-0001']
let answerAfterMs = 0

beforeAll(async () => {
  server = http.createServer((request, response) => {
    asked.push(request.url!)
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
})
