/**
 * Automatic persisted queries: once the gateway has seen a query, a frontend
 * can send its SHA-256 alone; Apollo Client's PersistedQueryLink does so by
 * itself. A request sent by hash alone is answered as its text would be: the
 * response cache and the audit see the document it runs.
 */
import { createHash, randomUUID } from 'node:crypto'
import { gql } from '@apollo/client'
import { print } from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apolloClient } from './helpers/apolloClient.js'
import { startTestGraph, type TestGraph } from './helpers/graph.js'

describe('automatic persisted queries', () => {
  let t: TestGraph
  beforeAll(async () => {
    t = await startTestGraph({ env: { HD4RES_RESPONSE_CACHE: 'on' } })
  })
  afterAll(async () => {
    await t?.close()
  })

  const post = (body: unknown, requestId = `apq-${randomUUID()}`) =>
    fetch(t.graph.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.demoToken}`, 'x-request-id': requestId },
      body: JSON.stringify(body),
    }).then(async (r) => ({
      status: r.status,
      cache: r.headers.get('x-hd4res-cache'),
      body: (await r.json()) as { data?: unknown; errors?: { message?: string; extensions?: { code?: string } }[] },
    }))

  it('asks for the text of an unknown hash, then answers the hash alone', async () => {
    const query = '{ me { id displayName } }'
    const sha256Hash = createHash('sha256').update(query).digest('hex')
    const extensions = { persistedQuery: { version: 1, sha256Hash } }
    const unknown = await post({ extensions })
    // As Apollo Server answers it: 200, the message and the code the clients' links look for.
    expect(unknown.status).toBe(200)
    expect(unknown.body.errors).toEqual([{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }])
    const registered = await post({ query, extensions })
    expect(registered.body.data).toEqual({ me: { id: 'researcher-0001', displayName: 'An Peeters' } })
    const byHash = await post({ extensions })
    expect(byHash.status).toBe(200)
    expect(byHash.body.data).toEqual(registered.body.data)
  })

  it('answers an unknown hash in a batch in its place, and the rest of the batch', async () => {
    const query = '{ me { id } }'
    const unknown = { extensions: { persistedQuery: { version: 1, sha256Hash: 'b'.repeat(64) } } }
    const res = await post([{ query }, unknown])
    expect(res.status).toBe(200)
    expect(res.body).toEqual([
      { data: { me: { id: 'researcher-0001' } } },
      { errors: [{ message: 'PersistedQueryNotFound', extensions: expect.objectContaining({ code: 'PERSISTED_QUERY_NOT_FOUND' }) }] },
    ])
  })

  it('refuses a hash that does not match its text', async () => {
    const res = await post({ query: '{ me { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } })
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body)).toMatch(/provided sha does not match query/i)
  })

  it("lets Apollo Client's PersistedQueryLink send the hash, then the text when asked, and the hash alone from then on", async () => {
    const query = gql`
      query ApqLink {
        me {
          id
          displayName
        }
      }
    `
    const first = apolloClient(t.graph.graphqlUrl, t.demoToken, true)
    const answer = await first.client.query({ query, fetchPolicy: 'network-only' })
    expect(answer.data).toEqual({ me: { __typename: 'Researcher', id: 'researcher-0001', displayName: 'An Peeters' } })
    // The link's hash is of the text Apollo Client prints (with the __typename its cache adds).
    const printed = first.sent[1]!.query!
    expect(printed).toMatch(/__typename/)
    const hash = createHash('sha256').update(printed).digest('hex')
    expect(first.sent).toEqual([
      { method: 'POST', query: undefined, sha256Hash: hash },
      { method: 'POST', query: printed, sha256Hash: hash },
    ])
    const second = apolloClient(t.graph.graphqlUrl, t.demoToken, true)
    expect((await second.client.query({ query, fetchPolicy: 'network-only' })).data).toEqual(answer.data)
    expect(second.sent).toEqual([{ method: 'POST', query: undefined, sha256Hash: hash }])
    // Sent by GET, the hash alone is answered too.
    const byGet = apolloClient(t.graph.graphqlUrl, t.demoToken, { useGETForHashedQueries: true })
    expect((await byGet.client.query({ query, fetchPolicy: 'network-only' })).data).toEqual(answer.data)
    expect(byGet.sent).toEqual([{ method: 'GET', query: undefined, sha256Hash: hash }])
  })

  it('answers a hash sent alone from the response cache and audits it as the text it names', async () => {
    const query = print(gql`
      query ApqAudited {
        projects {
          id
          incidents(first: 1) {
            __typename
          }
        }
      }
    `)
    const extensions = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } }
    const [textId, hashId] = [`apq-${randomUUID()}`, `apq-${randomUUID()}`]
    const registered = await post({ query, extensions }, textId)
    expect(registered.cache).toBe('miss')
    const byHash = await post({ extensions }, hashId)
    expect(byHash.cache).toBe('hit')
    expect(byHash.body).toEqual(registered.body)
    expect(await t.graph.flushAudit()).toBe(true)
    const records = await t.db.query<Record<string, unknown>>(
      'SELECT request_id, operation_name, operation_hash, project_ids, publications, from_cache FROM ops.audit_log WHERE request_id IN ($1, $2) ORDER BY at',
      [textId, hashId],
    )
    const projects = (registered.body.data as { projects: { id: string }[] }).projects.map((p) => p.id).sort()
    const audited = { operation_name: 'ApqAudited', operation_hash: extensions.persistedQuery.sha256Hash, project_ids: projects }
    expect(projects.length).toBeGreaterThan(0)
    expect(records).toEqual([
      { request_id: textId, ...audited, publications: ['INCIDENTS'], from_cache: false },
      { request_id: hashId, ...audited, publications: ['INCIDENTS'], from_cache: true },
    ])
  })
})
