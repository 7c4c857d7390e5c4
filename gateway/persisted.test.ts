import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { InMemoryCache } from '@apollo/client'
import { print } from 'graphql'
import { describe, expect, it } from 'vitest'
import { ProjectOverviewDocument, RecordCountHistoryDocument } from '../client/generated/graphql.js'
import { GatewayError } from './errors.js'
import { loadPersistedOperations, normalisedDocument, persistedOperationsFrom, resolvePersisted } from './persisted.js'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const mine = 'query Mine { me { id displayName } }'
const apollo = (operations: unknown[], extra: Record<string, unknown> = {}) => ({
  format: 'apollo-persisted-query-manifest',
  version: 1,
  operations,
  ...extra,
})
const manifestError = (data: unknown) => {
  try {
    persistedOperationsFrom('ops.json', data, 'safelist')
  } catch (error) {
    return (error as Error).message
  }
  throw new Error('the manifest was accepted')
}

describe('the normal form of a document', () => {
  it('is the same whatever the white space, comments, order of definitions, selections and arguments', () => {
    const a =
      'query A($b: Int, $a: Int) { me { id displayName } x: project(id: "p", first: $a) { ...F } } fragment F on ResearchProject { code name }'
    const b = `fragment F on ResearchProject {
      name
      code
    }
    # the same question, laid out otherwise
    query A($a: Int, $b: Int) {
      x: project(first: $a, id: "p") { ...F }
      me { displayName id }
    }`
    expect(normalisedDocument(a)).toBe(normalisedDocument(b))
  })

  it('ignores the __typename a client adds, but not an alias or a different field', () => {
    const plain = '{ me { id } projects { code } }'
    expect(normalisedDocument('{ me { __typename id } projects { code __typename } }')).toBe(normalisedDocument(plain))
    expect(normalisedDocument('{ me { id kind: __typename } projects { code } }')).not.toBe(normalisedDocument(plain))
    expect(normalisedDocument('{ me { id displayName } projects { code } }')).not.toBe(normalisedDocument(plain))
    // A selection of __typename alone is kept: dropping it would leave an empty selection.
    expect(normalisedDocument('{ me { __typename } }')).not.toBe(normalisedDocument('{ me }'))
  })

  it("keeps the order of a mutation's top-level fields, which run in order", () => {
    expect(normalisedDocument('mutation { a b }')).not.toBe(normalisedDocument('mutation { b a }'))
    expect(normalisedDocument('mutation { a { y x } }')).toBe(normalisedDocument('mutation { a { x y } }'))
  })

  it('is null for a text that does not parse', () => {
    expect(normalisedDocument('{ me { id }')).toBeNull()
  })

  it("agrees between the client preset's persisted documents and what Apollo Client or a plain print sends", () => {
    const manifest = JSON.parse(readFileSync('client/generated/persisted-documents.json', 'utf8')) as Record<string, string>
    const cache = new InMemoryCache()
    for (const document of [ProjectOverviewDocument, RecordCountHistoryDocument]) {
      const hash = (document as { __meta__?: { hash?: string } }).__meta__!.hash!
      // Apollo Client prints the document after its cache added __typename to every selection.
      const sent = print(cache.transformDocument(document))
      expect(sent).not.toBe(manifest[hash])
      expect(normalisedDocument(sent)).toBe(normalisedDocument(manifest[hash]!))
      // graphql-request and client/request.ts send the document printed as it is.
      expect(print(document)).not.toBe(manifest[hash])
      expect(normalisedDocument(print(document))).toBe(normalisedDocument(manifest[hash]!))
    }
  })
})

describe('reading a manifest', () => {
  it("reads Apollo's manifest and the client preset's map, by id, by hash and by text", () => {
    const fromApollo = persistedOperationsFrom('ops.json', apollo([{ id: 'mine-v1', name: 'Mine', type: 'query', body: mine }]), 'safelist')
    expect(fromApollo.document('mine-v1')).toBe(mine)
    expect(fromApollo.document(sha256(mine))).toBe(mine)
    expect(fromApollo.document(`sha256:${sha256(mine)}`)).toBe(mine)
    expect(fromApollo.lists('query Mine {\n  me {\n    __typename\n    displayName\n    id\n  }\n}')).toBe(true)
    expect(fromApollo.lists('query Mine { me { id } }')).toBe(false)
    expect(fromApollo.lists(undefined)).toBe(false)
    const fromMap = persistedOperationsFrom('ops.json', { [`sha256:${sha256(mine)}`]: mine }, 'allow')
    expect(fromMap.document(sha256(mine))).toBe(mine)
    expect(fromMap.document(`sha256:${sha256(mine).toUpperCase()}`)).toBe(mine)
    expect(fromMap.size).toBe(1)
    expect(fromMap.mode).toBe('allow')
  })

  it('names the file and the entry in every error', () => {
    expect(manifestError([])).toMatch(/^The persisted operations manifest ops\.json \(HD4RES_SAFELIST_FILE\): expected Apollo's/)
    expect(manifestError(apollo([], { format: 'relay' }))).toMatch(
      /ops\.json.*"format" is "relay"; expected "apollo-persisted-query-manifest"/,
    )
    expect(manifestError(apollo([], { version: 2 }))).toMatch(/"version" is 2; expected 1/)
    expect(manifestError({ format: 'apollo-persisted-query-manifest', version: 1 })).toMatch(/"operations" is not a list/)
    expect(manifestError(apollo([]))).toMatch(/lists no operation/)
    expect(manifestError(apollo(['x']))).toMatch(/operations\[0\] is not an object with "id" and "body"/)
    expect(manifestError(apollo([{ name: 'Mine', body: mine }]))).toMatch(/operations\[0\] \("Mine"\) has no "id"/)
    expect(
      manifestError(
        apollo([
          { id: 'a', body: mine },
          { id: 'b', name: 'B' },
        ]),
      ),
    ).toMatch(/operations\[1\] \("B"\) has no "body"/)
    expect(manifestError(apollo([{ id: 'a', type: 'read', body: mine }]))).toMatch(/operations\[0\]: "type" is "read"; expected "query"/)
    expect(manifestError(apollo([{ id: 'a', name: 'Mine', body: '{ me { id }' }]))).toMatch(
      /operations\[0\] \("Mine"\) is not a GraphQL document: Syntax Error/,
    )
    expect(manifestError(apollo([{ id: 'a', body: 'type Me { id: ID }' }]))).toMatch(/holds a ObjectTypeDefinition where only operations/)
    expect(manifestError(apollo([{ id: 'a', body: 'fragment F on Me { id }' }]))).toMatch(/operations\[0\] holds no operation/)
    expect(
      manifestError(
        apollo([
          { id: 'a', body: mine },
          { id: 'a', body: '{ me { id } }' },
        ]),
      ),
    ).toMatch(/operations\[1\] has the id of operations\[0\] and another document/)
    expect(manifestError({ 'sha256:abc': 42 })).toMatch(/the entry "sha256:abc" is not a document's text/)
    expect(manifestError({ [`sha256:${'0'.repeat(64)}`]: mine })).toMatch(
      new RegExp(`the entry "sha256:0{64}" is listed under sha256:0{64}, but the SHA-256 of its text is ${sha256(mine)}`),
    )
  })

  it('names a file it cannot read or parse', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hd4res-persisted-'))
    expect(() => loadPersistedOperations(path.join(dir, 'missing.json'))).toThrow(
      /Cannot read the persisted operations manifest .*missing\.json .*ENOENT/,
    )
    writeFileSync(path.join(dir, 'broken.json'), '{"operations": [')
    expect(() => loadPersistedOperations(path.join(dir, 'broken.json'))).toThrow(/broken\.json \(HD4RES_SAFELIST_FILE\): .*JSON/)
  })
})

describe('an operation named by id or hash', () => {
  const persisted = persistedOperationsFrom('ops.json', apollo([{ id: 'mine-v1', name: 'Mine', body: mine }]), 'safelist')
  const codeOf = (error: GatewayError | null) => error && [error.code, error.status]

  it('gets the manifest’s document, by documentId, doc_id or id', () => {
    for (const field of ['documentId', 'doc_id', 'id']) {
      const operation: Record<string, unknown> = { [field]: 'mine-v1' }
      expect(resolvePersisted(operation, persisted)).toBeNull()
      expect(operation.query).toBe(mine)
    }
  })

  it('is answered PERSISTED_QUERY_NOT_FOUND when no document has the id, with or without a manifest', () => {
    const unknown = resolvePersisted({ documentId: 'other' }, persisted)
    expect(codeOf(unknown)).toEqual(['PERSISTED_QUERY_NOT_FOUND', 200])
    expect(unknown!.message).toMatch(
      /No operation has the id "other" in this deployment's persisted operations manifest \(HD4RES_SAFELIST_FILE\)/,
    )
    expect(resolvePersisted({ documentId: 'other' }, undefined)!.message).toMatch(/has no persisted operations manifest/)
  })

  it('refuses a documentId sent with a text', () => {
    expect(codeOf(resolvePersisted({ documentId: 'mine-v1', query: mine }, persisted))).toEqual(['BAD_REQUEST', 400])
  })

  it('by hash alone gets the document, and a hash nobody registered asks for the text as Apollo does', () => {
    const operation = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(mine) } } } as Record<string, any>
    expect(resolvePersisted(operation, persisted)).toBeNull()
    expect(operation.query).toBe(mine)
    // The hash is the text's own: Apollo may check it.
    expect(operation.extensions.persistedQuery.sha256Hash).toBe(sha256(mine))
    const missing = resolvePersisted({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } }, persisted)
    expect(codeOf(missing)).toEqual(['PERSISTED_QUERY_NOT_FOUND', 200])
    expect(missing!.message).toBe('PersistedQueryNotFound')
    expect(missing!.headers['cache-control']).toMatch(/no-cache/)
    // The text automatic persisted queries registered; and in a batch, an unknown hash left for Apollo to answer in its place.
    const registered = { extensions: { persistedQuery: { version: 1, sha256Hash: sha256('{ me { id } }') } } } as Record<string, any>
    expect(
      resolvePersisted(registered, persisted, {
        text: (hash) => (hash === sha256('{ me { id } }') ? '{ me { id } }' : undefined),
        unknownHash: 'refuse',
      }),
    ).toBeNull()
    expect(registered.query).toBe('{ me { id } }')
    const inBatch = { extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } } as Record<string, any>
    expect(resolvePersisted(inBatch, persisted, { text: () => undefined, unknownHash: 'leave' })).toBeNull()
    expect(inBatch.query).toBeUndefined()
  })

  it('by an id that is not its hash loses the persistedQuery extension Apollo would check against the text', () => {
    const operation = { extensions: { persistedQuery: { version: 1, sha256Hash: 'mine-v1' } } } as Record<string, any>
    expect(resolvePersisted(operation, persisted)).toBeNull()
    expect(operation.query).toBe(mine)
    expect(operation.extensions.persistedQuery).toBeUndefined()
  })

  it("sent with a text beside a manifest's hash must be that document", () => {
    const printed = {
      query: 'query Mine {\n  me {\n    id\n    displayName\n  }\n}',
      extensions: { persistedQuery: { version: 1, sha256Hash: 'mine-v1' } },
    }
    expect(resolvePersisted(printed, persisted)).toBeNull()
    const other = { query: '{ me { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'mine-v1' } } }
    expect(codeOf(resolvePersisted(other, persisted))).toEqual(['BAD_REQUEST', 400])
  })

  it('leaves a plain text, or no operation at all, as it is', () => {
    const plain = { query: '{ me { id } }' }
    expect(resolvePersisted(plain, persisted)).toBeNull()
    expect(plain).toEqual({ query: '{ me { id } }' })
    expect(resolvePersisted(null, persisted)).toBeNull()
    expect(resolvePersisted({}, persisted)).toBeNull()
  })
})
