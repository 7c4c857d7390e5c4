/**
 * Persisted operations through the gateway, with the manifests the
 * mainstream tools write (GraphQL Code Generator's client preset, Apollo's
 * persisted query manifest) and with Apollo Client as frontends run it: the
 * operations of the manifest are answered however the client prints them,
 * by documentId, or by hash alone; anything else is refused; and a document
 * named by id meets the same limits, cache and audit as its text.
 */
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { gql, InMemoryCache } from '@apollo/client'
import { print, type DocumentNode } from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from '../client/request.js'
import { ProjectIncidentsDocument, ProjectOverviewDocument, RecordCountHistoryDocument } from '../client/generated/graphql.js'
import { apolloClient, sha256 } from './helpers/apolloClient.js'
import { startTestGraph, type TestGraph } from './helpers/graph.js'

const NOT_IN_MANIFEST = gql`
  query NotInManifest {
    me {
      id
    }
  }
`
const hashOf = (document: DocumentNode) => (document as { __meta__?: { hash?: string } }).__meta__!.hash!

function manifestFile(name: string, content: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'hd4res-persisted-')), name)
  writeFileSync(file, JSON.stringify(content, null, 2))
  return file
}

interface Answer {
  status: number
  cache: string | null
  body: { data?: any; errors?: { message: string; extensions?: { code?: string } }[] }
}

function poster(t: () => TestGraph) {
  return async (body: unknown, requestId = `persisted-${randomUUID()}`): Promise<Answer> => {
    const response = await fetch(t().graph.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t().demoToken}`, 'x-request-id': requestId },
      body: JSON.stringify(body),
    })
    return { status: response.status, cache: response.headers.get('x-hd4res-cache'), body: (await response.json()) as Answer['body'] }
  }
}

/** What Apollo Client shows for an answer it takes as an error: the error's text, with the status where the gateway refused. */
async function refusalSeenBy(query: Promise<unknown>): Promise<string> {
  const error = await query.then(
    () => null,
    (e: unknown) => e as Error & { statusCode?: number; bodyText?: string },
  )
  expect(error).not.toBeNull()
  return `${error!.statusCode ?? ''} ${error!.message} ${error!.bodyText ?? ''}`
}

describe("a deployment whose manifest is the client preset's persisted-documents.json (safelist)", () => {
  let t: TestGraph
  const post = poster(() => t)
  const manifest = JSON.parse(readFileSync('client/generated/persisted-documents.json', 'utf8')) as Record<string, string>
  let projectId: string

  beforeAll(async () => {
    const file = manifestFile('persisted-documents.json', manifest)
    t = await startTestGraph({ env: { HD4RES_SAFELIST_FILE: file, HD4RES_RESPONSE_CACHE: 'on' } })
    const { client } = apolloClient(t.graph.graphqlUrl, t.demoToken)
    projectId = (await client.query({ query: ProjectOverviewDocument })).data!.projects[0]!.id
  })
  afterAll(async () => {
    await t?.close()
  })

  it('answers Apollo Client sending the document as it prints it, which is not the manifest’s text', async () => {
    const { client, sent } = apolloClient(t.graph.graphqlUrl, t.demoToken)
    const answer = await client.query({ query: ProjectIncidentsDocument, variables: { projectId, first: 2 } })
    expect(answer.data!.project!.incidents.__typename).toBe('IncidentConnection')
    expect(sent).toHaveLength(1)
    expect(sent[0]!.query).not.toBe(manifest[hashOf(ProjectIncidentsDocument)])
    expect(sent[0]!.query).toMatch(/__typename/)
  })

  it('answers the typed client, which sends the generated document printed as graphql-request does', async () => {
    const answer = await request(t.graph.graphqlUrl, t.demoToken, ProjectOverviewDocument)
    expect(answer.me).toEqual({ id: 'researcher-0001', displayName: 'An Peeters' })
  })

  it('answers a documentId with the manifest’s document, and again from the response cache, audited both times', async () => {
    const [firstId, againId] = [`persisted-${randomUUID()}`, `persisted-${randomUUID()}`]
    const first = await post({ documentId: hashOf(ProjectOverviewDocument) }, firstId)
    expect(first.status).toBe(200)
    expect(first.body.errors).toBeUndefined()
    expect(first.body.data.me).toEqual({ displayName: 'An Peeters', id: 'researcher-0001' })
    expect(first.cache).toBe('miss')
    const again = await post({ documentId: hashOf(ProjectOverviewDocument) }, againId)
    expect(again.cache).toBe('hit')
    expect(again.body).toEqual(first.body)
    expect(await t.graph.flushAudit()).toBe(true)
    const records = await t.db.query<Record<string, unknown>>(
      'SELECT operation_name, operation_hash, from_cache, cardinality(project_ids) > 0 AS read_projects FROM ops.audit_log WHERE request_id IN ($1, $2) ORDER BY at',
      [firstId, againId],
    )
    const audited = { operation_name: 'ProjectOverview', operation_hash: hashOf(ProjectOverviewDocument).slice(7), read_projects: true }
    expect(records).toEqual([
      { ...audited, from_cache: false },
      { ...audited, from_cache: true },
    ])
  })

  it("answers the client preset's hash sent as Apollo's persisted query, at the first request", async () => {
    const { client, sent } = apolloClient(t.graph.graphqlUrl, t.demoToken, { generateHash: (document: DocumentNode) => hashOf(document) })
    const answer = await client.query({ query: RecordCountHistoryDocument, variables: { projectId, from: '2026-11-01', to: '2026-11-21' } })
    expect(answer.data!.project!.code).toEqual(expect.any(String))
    expect(sent).toEqual([{ method: 'POST', query: undefined, sha256Hash: hashOf(RecordCountHistoryDocument) }])
  })

  it('lets the PersistedQueryLink register a manifest operation under its own hash, and refuses one not in the manifest', async () => {
    const listed = apolloClient(t.graph.graphqlUrl, t.demoToken, true)
    await listed.client.query({ query: ProjectOverviewDocument })
    expect(listed.sent.map((s) => [s.query === undefined ? 'hash' : 'text', s.sha256Hash === sha256(listed.sent[1]!.query!)])).toEqual([
      ['hash', true],
      ['text', true],
    ])
    const stranger = apolloClient(t.graph.graphqlUrl, t.demoToken, true)
    const seen = await refusalSeenBy(stranger.client.query({ query: NOT_IN_MANIFEST }))
    expect(seen).toMatch(/403/)
    expect(seen).toMatch(/OPERATION_NOT_IN_SAFELIST/)
    // Asked for its text first, as for any hash the gateway does not know; the text is then refused.
    expect(stranger.sent.map((s) => (s.query === undefined ? 'hash' : 'text'))).toEqual(['hash', 'text'])
  })

  it('refuses a text not in the manifest, answers an unknown documentId and an unknown hash as not found', async () => {
    const plain = await post({ query: print(NOT_IN_MANIFEST) })
    expect(plain.status).toBe(403)
    expect(plain.body.errors![0]!.extensions!.code).toBe('OPERATION_NOT_IN_SAFELIST')
    const unknownId = await post({ documentId: `sha256:${'0'.repeat(64)}` })
    expect(unknownId.status).toBe(200)
    expect(unknownId.body.errors).toEqual([
      {
        message: expect.stringMatching(/^No operation has the id "sha256:0{64}" in this deployment's persisted operations manifest/),
        extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' },
      },
    ])
    const unknownHash = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(print(NOT_IN_MANIFEST)) } } })
    expect(unknownHash.body.errors).toEqual([{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }])
    // In a batch, the unknown hash is answered in its place and the rest runs.
    const batch = await post([
      { documentId: hashOf(ProjectOverviewDocument) },
      { extensions: { persistedQuery: { version: 1, sha256Hash: 'c'.repeat(64) } } },
    ])
    expect(batch.status).toBe(200)
    expect((batch.body as unknown as Answer['body'][]).map((answer) => answer.errors?.[0]?.extensions?.code ?? 'data')).toEqual([
      'data',
      'PERSISTED_QUERY_NOT_FOUND',
    ])
    const both = await post({ documentId: hashOf(ProjectOverviewDocument), query: manifest[hashOf(ProjectOverviewDocument)] })
    expect(both.status).toBe(400)
    expect(both.body.errors![0]!.message).toMatch(/either by its documentId or by its query text/)
  })
})

describe("a deployment whose manifest is Apollo's persisted query manifest (safelist)", () => {
  let t: TestGraph
  const post = poster(() => t)
  // As @apollo/generate-persisted-query-manifest writes it: the text Apollo Client sends, under its SHA-256.
  const printed = (document: DocumentNode) => print(new InMemoryCache().transformDocument(document))
  const incidents = printed(ProjectIncidentsDocument)
  const history = printed(RecordCountHistoryDocument)
  const mine = 'query Mine { me { id displayName } }'

  beforeAll(async () => {
    const file = manifestFile('persisted-query-manifest.json', {
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [
        { id: sha256(incidents), name: 'ProjectIncidents', type: 'query', body: incidents },
        { id: sha256(history), name: 'RecordCountHistory', type: 'query', body: history },
        // Written by hand, laid out otherwise than any client prints it.
        { id: 'mine-v1', name: 'Mine', type: 'query', body: mine },
        // Refused by the inputs check, as the same text would be.
        { id: 'nul-v1', name: 'Nul', type: 'query', body: 'query Nul { project(id: "prj\\u0000") { id } }' },
      ],
    })
    // RecordCountHistory holds over 100 tokens: a manifest's document meets the token limit as a text does.
    t = await startTestGraph({ env: { HD4RES_SAFELIST_FILE: file, HD4RES_MAX_TOKENS: '100' } })
  })
  afterAll(async () => {
    await t?.close()
  })

  it("answers Apollo Client's PersistedQueryLink at the first request, by POST and by GET", async () => {
    for (const useGETForHashedQueries of [false, true]) {
      const { client, sent } = apolloClient(t.graph.graphqlUrl, t.demoToken, { useGETForHashedQueries })
      const answer = await client.query({ query: ProjectIncidentsDocument, variables: { projectId: 'prj-0001', first: 1 } })
      expect(answer.data!.project!.incidents.__typename).toBe('IncidentConnection')
      expect(sent).toEqual([{ method: useGETForHashedQueries ? 'GET' : 'POST', query: undefined, sha256Hash: sha256(incidents) }])
    }
  })

  it('answers a hand-written entry as Apollo Client prints it, and by its id', async () => {
    const { client, sent } = apolloClient(t.graph.graphqlUrl, t.demoToken)
    const answer = await client.query({ query: gql(mine) })
    expect(answer.data).toEqual({ me: { __typename: 'Researcher', id: 'researcher-0001', displayName: 'An Peeters' } })
    expect(sent[0]!.query).not.toBe(mine)
    for (const field of ['documentId', 'doc_id', 'id']) {
      const byId = await post({ [field]: 'mine-v1' })
      expect(byId.body).toEqual({ data: { me: { id: 'researcher-0001', displayName: 'An Peeters' } } })
    }
  })

  it('refuses what is not in the manifest, and a manifest document over a limit however it is named', async () => {
    const { client } = apolloClient(t.graph.graphqlUrl, t.demoToken)
    expect(await refusalSeenBy(client.query({ query: NOT_IN_MANIFEST }))).toMatch(/403.*OPERATION_NOT_IN_SAFELIST/s)
    const unknown = await post({ documentId: 'theirs-v1' })
    expect(unknown.body.errors![0]!.extensions!.code).toBe('PERSISTED_QUERY_NOT_FOUND')
    for (const body of [{ documentId: sha256(history) }, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(history) } } }]) {
      const answer = await post(body)
      expect(answer.status).toBe(400)
      expect(answer.body.errors).toEqual([
        { message: 'Token limit of 100 exceeded (HD4RES_MAX_TOKENS)', extensions: { code: 'QUERY_TOO_COMPLEX' } },
      ])
    }
    const nul = await post({ documentId: 'nul-v1' })
    expect(nul.status).toBe(400)
    expect(nul.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT')
    expect(nul.body.errors![0]!.message).toMatch(/holds a NUL/)
  })
})

describe('a deployment whose manifest names documents without being a safelist (HD4RES_PERSISTED_OPERATIONS=allow)', () => {
  let t: TestGraph
  const post = poster(() => t)
  beforeAll(async () => {
    const file = manifestFile('persisted-documents.json', { [`sha256:${sha256('query Mine { me { id } }')}`]: 'query Mine { me { id } }' })
    t = await startTestGraph({ env: { HD4RES_SAFELIST_FILE: file, HD4RES_PERSISTED_OPERATIONS: 'allow' } })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('answers the manifest’s documents by id and any other text', async () => {
    expect((await post({ documentId: `sha256:${sha256('query Mine { me { id } }')}` })).body).toEqual({
      data: { me: { id: 'researcher-0001' } },
    })
    expect((await post({ query: print(NOT_IN_MANIFEST) })).body).toEqual({ data: { me: { id: 'researcher-0001' } } })
  })
})
