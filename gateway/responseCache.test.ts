/**
 * The response cache's key: who asks and what they ask, at which data
 * version. Two researchers never share a key, however alike their requests;
 * the same researcher's requests do, however their projects are ordered.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import type { Identity } from '../platform/identity.js'
import { cacheKey } from './responseCache.js'

const query = 'query Dashboard($id: ID!) { project(id: $id) { code } }'
const ask = { query, operationName: 'Dashboard', variables: { id: 'prj-0001' } }
const alice: Identity = { sub: 'researcher-0001', name: 'Alice', roles: ['researcher'], projects: ['prj-0001', 'prj-0002'] }

describe('the response cache key', () => {
  it('differs for researchers who differ in id, projects or roles', () => {
    const keys = [
      cacheKey(ask, alice, '7'),
      cacheKey(ask, { ...alice, sub: 'researcher-0002' }, '7'),
      cacheKey(ask, { ...alice, projects: ['prj-0001'] }, '7'),
      cacheKey(ask, { ...alice, roles: ['researcher', 'data-manager'] }, '7'),
    ]
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('differs with the data version, the variables and the operation', () => {
    const keys = [
      cacheKey(ask, alice, '7'),
      cacheKey(ask, alice, '8'),
      cacheKey({ ...ask, variables: { id: 'prj-0002' } }, alice, '7'),
      cacheKey({ ...ask, operationName: null }, alice, '7'),
      cacheKey({ ...ask, query: `${query} ` }, alice, '7'),
    ]
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('cannot be forged by a variable that spells out another researcher', () => {
    // Whatever a caller puts in the variables stays inside the operation's JSON part.
    const bob: Identity = { sub: 'bob', name: 'Bob', roles: [], projects: [] }
    const forged = { ...ask, variables: { id: `"]\n${JSON.stringify(['bob', [], []])}` } }
    expect(cacheKey(forged, alice, '7')).not.toBe(cacheKey(ask, bob, '7'))
    expect(cacheKey(forged, alice, '7')!.split('\n')).toHaveLength(2)
  })

  it('is the same for the same researcher whatever the order of their projects, frozen or not', () => {
    const reordered = Object.freeze({ ...alice, projects: Object.freeze(['prj-0002', 'prj-0001']) as string[] })
    expect(cacheKey(ask, reordered, '7')).toBe(cacheKey(ask, alice, '7'))
    // Asked again, the frozen identity's remembered part gives the same key.
    expect(cacheKey(ask, reordered, '7')).toBe(cacheKey(ask, alice, '7'))
  })

  it('is null for what must not be cached', () => {
    expect(cacheKey({ query: 'mutation { forget }' }, alice, '7')).toBeNull()
    expect(cacheKey({ query: '{ a } subscription S { b }' }, alice, '7')).toBeNull()
    expect(cacheKey({}, alice, '7')).toBeNull()
  })

  it('is null, never a stack overflow, for variables nested deeper than any the gateway lets through', () => {
    let deep: unknown = 'bottom'
    for (let i = 0; i < 20_000; i++) deep = { and: deep }
    expect(() => cacheKey({ ...ask, variables: { filter: deep } }, alice, '7')).not.toThrow()
    expect(cacheKey({ ...ask, variables: { filter: deep } }, alice, '7')).toBeNull()
    let shallow: unknown = 'bottom'
    for (let i = 0; i < 30; i++) shallow = [shallow]
    expect(cacheKey({ ...ask, variables: { filter: shallow } }, alice, '7')).not.toBeNull()
  })

  it('is null for an operation name that is not a string, and for a body that is no operation', () => {
    let deep: unknown = null
    for (let i = 0; i < 20_000; i++) deep = [deep]
    expect(cacheKey({ ...ask, operationName: deep }, alice, '7')).toBeNull()
    expect(cacheKey(null as never, alice, '7')).toBeNull()
    expect(cacheKey(7 as never, alice, '7')).toBeNull()
  })

  it('keeps an operation sent by hash alone only once its text was seen and only reads', () => {
    const read = '{ publications { id state } }'
    const write = 'mutation Forget { forget(id: "prj-0001") }'
    const byHash = (text: string) => ({ extensions: { persistedQuery: { sha256Hash: createHash('sha256').update(text).digest('hex') } } })
    expect(cacheKey(byHash(read), alice, '7')).toBeNull()
    expect(cacheKey(byHash(write), alice, '7')).toBeNull()
    // The text arrives (as a persisted query's first request does), then the hash alone.
    expect(cacheKey({ query: read }, alice, '7')).not.toBeNull()
    expect(cacheKey({ query: write }, alice, '7')).toBeNull()
    expect(cacheKey(byHash(read), alice, '7')).toContain(byHash(read).extensions.persistedQuery.sha256Hash)
    expect(cacheKey(byHash(write), alice, '7')).toBeNull()
  })
})
