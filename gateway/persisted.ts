/**
 * Persisted operations: the operations a deployment's frontends registered
 * ahead of time, in a manifest (HD4RES_SAFELIST_FILE). Two formats are read,
 * as the mainstream tools write them: Apollo's persisted query manifest
 * ({"format": "apollo-persisted-query-manifest", "version": 1, "operations":
 * [{id, name, type, body}]}) and GraphQL Code Generator's client preset
 * persisted-documents.json ({"sha256:<hex>": "<document>"}).
 *
 * A request names an operation by its text, by an id (`documentId`, as
 * GraphQL over HTTP's persisted documents send it; `doc_id` and `id` too), or
 * by the SHA-256 of its text (extensions.persistedQuery.sha256Hash, Apollo's
 * automatic persisted queries). Before any other stage runs, an id or a hash
 * the gateway knows is turned back into its document (the manifest's, or the
 * text automatic persisted queries registered), so the token limit, the
 * inputs check, the response cache, the cost limits and the audit all see the
 * document that runs; a hash it does not know is answered
 * PERSISTED_QUERY_NOT_FOUND, which tells Apollo's and urql's links to send
 * the text.
 *
 * Clients print a document their own way (Apollo Client and urql add
 * __typename to every selection; the client preset sorts selections and
 * squeezes white space), so a text is matched against the manifest by a
 * normal form (normalisedDocument) rather than byte for byte. In safelist
 * mode (HD4RES_PERSISTED_OPERATIONS=safelist, the default with a manifest) a
 * text whose normal form is not the manifest's is refused; in allow mode it
 * runs, and the manifest only names documents.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import {
  Kind,
  parse,
  print,
  type ArgumentNode,
  type DefinitionNode,
  type DocumentNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql'
import { persistedIdAndText, persistedQueryNotFound, textNotOfHash, unknownDocumentId, type GatewayError } from './errors.js'
import { queryFacts } from './queryText.js'

export type PersistedMode = 'safelist' | 'allow'

export interface PersistedOperations {
  readonly mode: PersistedMode
  /** How many operations the manifest lists. */
  readonly size: number
  /** The document the manifest lists under an id or hash (with or without "sha256:"), if any. */
  document(id: string): string | undefined
  /** True when a text is one of the manifest's documents, as any client prints it. */
  lists(text: unknown): boolean
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')
const SHA256_ID = /^(?:sha256:)?([0-9a-f]{64})$/i

// The normal form.

const byPrint = <T extends Parameters<typeof print>[0]>(nodes: readonly T[]): T[] =>
  nodes
    .map((node) => [print(node), node] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, node]) => node)
const byName = (args: readonly ArgumentNode[] | undefined) => args && [...args].sort((a, b) => (a.name.value < b.name.value ? -1 : 1))

/** A selection of __typename as a client adds it: no alias, no arguments, no directives. */
const addedTypename = (s: SelectionNode) =>
  s.kind === Kind.FIELD && s.name.value === '__typename' && !s.alias && !s.arguments?.length && !s.directives?.length

/**
 * A selection set in its normal form: without the __typename a client adds
 * (unless it is all there is), each selection's own set normalised, sorted,
 * except where order is meaning (a mutation's top level, which runs in order).
 */
function normalSelections(set: SelectionSetNode, ordered: boolean, orderedFragments: Set<string>): SelectionSetNode {
  const kept = set.selections.some((s) => !addedTypename(s)) ? set.selections.filter((s) => !addedTypename(s)) : set.selections
  const selections = kept.map((selection): SelectionNode => {
    if (selection.kind === Kind.FIELD) {
      const selectionSet = selection.selectionSet && normalSelections(selection.selectionSet, false, orderedFragments)
      return { ...selection, arguments: byName(selection.arguments), selectionSet }
    }
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      return { ...selection, selectionSet: normalSelections(selection.selectionSet, ordered, orderedFragments) }
    }
    if (ordered) orderedFragments.add(selection.name.value)
    return selection
  })
  return { ...set, selections: ordered ? selections : byPrint(selections) }
}

function normalForm(document: DocumentNode): DocumentNode {
  const orderedFragments = new Set<string>()
  const operations: DefinitionNode[] = []
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue
    const selectionSet = normalSelections(definition.selectionSet, definition.operation === 'mutation', orderedFragments)
    operations.push({ ...definition, variableDefinitions: byPrint(definition.variableDefinitions ?? []), selectionSet })
  }
  const fragments: DefinitionNode[] = []
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.FRAGMENT_DEFINITION) continue
    const ordered = orderedFragments.has(definition.name.value)
    fragments.push({ ...definition, selectionSet: normalSelections(definition.selectionSet, ordered, orderedFragments) })
  }
  return { ...document, definitions: byPrint([...operations, ...fragments]) }
}

/**
 * A document's normal form: printed as graphql-js prints it, after sorting
 * what order does not change (definitions, variables, arguments, and
 * selections outside a mutation's top level) and dropping the __typename
 * selections clients add; null when the text is not a GraphQL document. Two
 * texts with the same normal form ask the same of the graph, and answer the
 * same fields. Remembered with the text's other facts.
 */
export function normalisedDocument(text: string): string | null {
  const facts = queryFacts(text)
  if (facts.normalised === undefined) {
    try {
      facts.normalised = print(normalForm(parse(text, { noLocation: true })))
    } catch {
      facts.normalised = null
    }
  }
  return facts.normalised
}

// The manifests.

interface Entry {
  id: string
  body: string
  /** Where the entry is in its file, for errors. */
  where: string
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

const APOLLO_FORMAT = 'apollo-persisted-query-manifest'
const OPERATION_TYPES = new Set(['query', 'mutation', 'subscription'])

function apolloEntry(op: unknown, i: number): Entry {
  const at = `operations[${i}]`
  if (!isObject(op)) throw new Error(`${at} is not an object with "id" and "body"`)
  const where = typeof op.name === 'string' ? `${at} ("${op.name}")` : at
  if (typeof op.id !== 'string' || op.id === '') throw new Error(`${where} has no "id" (a non-empty string)`)
  if (typeof op.body !== 'string') throw new Error(`${where} has no "body" (the operation's text)`)
  if ('name' in op && op.name !== null && typeof op.name !== 'string') throw new Error(`${where}: "name" is not a string`)
  if ('type' in op && !OPERATION_TYPES.has(op.type as string)) {
    throw new Error(`${where}: "type" is ${JSON.stringify(op.type)}; expected "query", "mutation" or "subscription"`)
  }
  return { id: op.id, body: op.body, where }
}

/** Apollo's manifest (@apollo/generate-persisted-query-manifest, GraphOS): its format and version, when given, must be the ones read here. */
function apolloEntries(manifest: Record<string, unknown>): Entry[] {
  if ('format' in manifest && manifest.format !== APOLLO_FORMAT) {
    throw new Error(`"format" is ${JSON.stringify(manifest.format)}; expected "${APOLLO_FORMAT}"`)
  }
  if ('version' in manifest && manifest.version !== 1) throw new Error(`"version" is ${JSON.stringify(manifest.version)}; expected 1`)
  if (!Array.isArray(manifest.operations)) throw new Error('"operations" is not a list')
  return manifest.operations.map(apolloEntry)
}

/** The client preset's persisted-documents.json: each document's text under its hash. */
function documentMapEntries(map: Record<string, unknown>): Entry[] {
  return Object.entries(map).map(([id, body]) => {
    const where = `the entry "${id}"`
    if (id === '') throw new Error('an entry has an empty hash')
    if (typeof body !== 'string') throw new Error(`${where} is not a document's text`)
    return { id, body, where }
  })
}

/** What is wrong with an entry's document, if anything: it must parse, hold only operations and fragments, and match a SHA-256 id. */
function documentProblem({ id, body }: Entry): string | null {
  let document: DocumentNode
  try {
    document = parse(body, { noLocation: true })
  } catch (error) {
    return `is not a GraphQL document: ${(error as Error).message}`
  }
  const other = document.definitions.find((d) => d.kind !== Kind.OPERATION_DEFINITION && d.kind !== Kind.FRAGMENT_DEFINITION)
  if (other) return `holds a ${other.kind} where only operations and fragments may be`
  if (!document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION)) return 'holds no operation'
  if (id.toLowerCase().startsWith('sha256:') && id.slice(7).toLowerCase() !== sha256(body)) {
    return `is listed under ${id}, but the SHA-256 of its text is ${sha256(body)}`
  }
  return null
}

/** The entries of a manifest, each checked; an Error naming the entry otherwise. */
export function manifestEntries(data: unknown): Entry[] {
  if (!isObject(data)) throw new Error("expected Apollo's persisted query manifest or a map of hash to document (persisted-documents.json)")
  const entries = 'operations' in data || 'format' in data ? apolloEntries(data) : documentMapEntries(data)
  if (entries.length === 0) throw new Error('the manifest lists no operation, so nothing could be answered')
  const seen = new Map<string, Entry>()
  for (const entry of entries) {
    const problem = documentProblem(entry)
    if (problem) throw new Error(`${entry.where} ${problem}`)
    const twin = seen.get(entry.id)
    if (twin && twin.body !== entry.body) throw new Error(`${entry.where} has the id of ${twin.where} and another document`)
    seen.set(entry.id, entry)
  }
  return entries
}

/** Every name an entry answers to: its id, its SHA-256 with and without "sha256:", and the SHA-256 of its text. */
function namesOf({ id, body }: Entry): string[] {
  const hash = SHA256_ID.exec(id)?.[1]?.toLowerCase()
  const ofText = sha256(body)
  return [id, ...(hash ? [hash, `sha256:${hash}`] : []), ofText, `sha256:${ofText}`]
}

/** The persisted operations of a manifest already read; `file` names it in errors. */
export function persistedOperationsFrom(file: string, data: unknown, mode: PersistedMode): PersistedOperations {
  let entries: Entry[]
  try {
    entries = manifestEntries(data)
  } catch (error) {
    throw new Error(`The persisted operations manifest ${file} (HD4RES_SAFELIST_FILE): ${(error as Error).message}`)
  }
  const byName = new Map<string, string>()
  for (const entry of entries) for (const name of namesOf(entry)) if (!byName.has(name)) byName.set(name, entry.body)
  const forms = new Set(entries.map((entry) => normalisedDocument(entry.body)!))
  return {
    mode,
    size: entries.length,
    document: (id) => byName.get(id) ?? byName.get(id.toLowerCase()),
    lists: (text) => typeof text === 'string' && (byName.has(queryFacts(text).sha256) || forms.has(normalisedDocument(text) ?? '')),
  }
}

/** Reads and checks a manifest file. */
export function loadPersistedOperations(file: string, mode: PersistedMode = 'safelist'): PersistedOperations {
  let data: unknown
  try {
    data = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new Error(`Cannot read the persisted operations manifest ${file} (HD4RES_SAFELIST_FILE): ${(error as Error).message}`)
  }
  return persistedOperationsFrom(file, data, mode)
}

// The requests.

/** An operation as a request sends it, where it may name a persisted one. */
interface SentOperation extends Record<string, unknown> {
  query?: unknown
  extensions?: unknown
}

/** The id a request names its operation by: GraphQL over HTTP's documentId, or doc_id or id as Relay-style clients send it. */
function documentIdOf(operation: SentOperation): string | undefined {
  for (const field of ['documentId', 'doc_id', 'id']) if (typeof operation[field] === 'string') return operation[field]
  return undefined
}

function byDocumentId(operation: SentOperation, id: string, persisted: PersistedOperations | undefined): GatewayError | null {
  if (typeof operation.query === 'string') return persistedIdAndText()
  const text = persisted?.document(id)
  if (text === undefined) return unknownDocumentId(id, persisted !== undefined)
  operation.query = text
  return null
}

const persistedQueryOf = (operation: SentOperation): Record<string, unknown> | undefined =>
  isObject(operation.extensions) && isObject(operation.extensions.persistedQuery) ? operation.extensions.persistedQuery : undefined

/** Sent by hash alone: no text, a persisted query's hash. */
export function hashAlone(operation: unknown): boolean {
  return isObject(operation) && operation.query === undefined && typeof persistedQueryOf(operation)?.sha256Hash === 'string'
}

/** Apollo checks a persisted query's hash against its text: one the manifest gives, named by another id, has none to check. */
function dropPersistedQuery(operation: SentOperation): void {
  delete (operation.extensions as Record<string, unknown>).persistedQuery
}

/** Where the texts of automatic persisted queries are looked up, and whether a hash found nowhere is refused here or left to Apollo. */
export interface Registered {
  text(sha256: string): string | undefined
  /** A batch's operations are answered one by one: Apollo answers each unknown hash in its place. */
  unknownHash: 'refuse' | 'leave'
}

/**
 * Puts the document an operation names (by documentId, or by the hash of an
 * automatic persisted query sent without its text) into its `query`, where
 * every later stage and Apollo read it; or the refusal when nothing has that
 * name. An operation sent with its text keeps it; one that sends the text
 * beside the hash of a manifest's document must send that document.
 * Anything else (no operation at all, neither text nor hash) is left for
 * GraphQL to refuse.
 */
export function resolvePersisted(
  operation: unknown,
  persisted: PersistedOperations | undefined,
  registered: Registered = { text: () => undefined, unknownHash: 'refuse' },
): GatewayError | null {
  if (!isObject(operation)) return null
  const id = documentIdOf(operation)
  if (id !== undefined) return byDocumentId(operation, id, persisted)
  const hash = persistedQueryOf(operation)?.sha256Hash
  if (typeof hash !== 'string') return null
  const listed = persisted?.document(hash)
  if (typeof operation.query === 'string') {
    if (listed === undefined || hash === queryFacts(operation.query).sha256) return null
    if (normalisedDocument(operation.query) !== normalisedDocument(listed)) return textNotOfHash()
    dropPersistedQuery(operation)
    return null
  }
  const text = listed ?? registered.text(hash)
  if (text === undefined) return registered.unknownHash === 'refuse' ? persistedQueryNotFound() : null
  operation.query = text
  if (queryFacts(text).sha256 !== hash) dropPersistedQuery(operation)
  return null
}
