/**
 * Automatic persisted queries: once the gateway has seen a query, a frontend
 * can send its SHA-256 alone.
 */
import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGraph, type TestGraph } from './helpers/graph.js'

describe('automatic persisted queries', () => {
  let t: TestGraph
  beforeAll(async () => {
    t = await startTestGraph()
  })
  afterAll(async () => {
    await t?.close()
  })

  const post = (body: unknown) =>
    fetch(t.graph.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.demoToken}` },
      body: JSON.stringify(body),
    }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] },
    }))

  it('asks for the text of an unknown hash, then answers the hash alone', async () => {
    const query = '{ me { id displayName } }'
    const sha256Hash = createHash('sha256').update(query).digest('hex')
    const extensions = { persistedQuery: { version: 1, sha256Hash } }
    const unknown = await post({ extensions })
    expect(unknown.body.errors![0]!.extensions!.code).toBe('PERSISTED_QUERY_NOT_FOUND')
    const registered = await post({ query, extensions })
    expect(registered.body.data).toEqual({ me: { id: 'researcher-0001', displayName: 'An Peeters' } })
    const byHash = await post({ extensions })
    expect(byHash.status).toBe(200)
    expect(byHash.body.data).toEqual(registered.body.data)
  })

  it('refuses a hash that does not match its text', async () => {
    const res = await post({ query: '{ me { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } })
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body)).toMatch(/provided sha does not match query/i)
  })
})
