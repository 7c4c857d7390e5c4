/**
 * What a request may cost the gateway: each operation's cost, counted from
 * what it asks for with its variables before anything runs, and the size of
 * its answer before it leaves. Ten aliased three-year histories of every
 * component are twelve megabytes of JSON from a query of four kilobytes, and
 * a batch of four such operations once ran a gateway worker out of heap; a
 * count that knows nothing of arguments (GraphQL Armor's) cannot see that, so
 * this one reads them. docs/security.md has the model, field by field, and
 * its defaults.
 *
 * The count (operationCost): every field costs 1, plus 1 for every further
 * 32 characters of its name or alias (a key repeated in every item of a
 * list); a field that multiplies what is beneath it costs 1 plus that many
 * times its selection:
 * - a daily range (arguments `from` and `to`, both Date): the days in the
 *   range × the components asked (`components`; every ComponentId when it is
 *   absent), the history's series and points counted in it; a series'
 *   compact form once per component, its values as one field per
 *   DAYS_PER_VALUE_UNIT days;
 * - a page (`first` or `last`): its size, the connection's edges counted in it;
 * - any other list of objects: a documented estimate of its items (LIST_ITEMS).
 * A list of scalars costs as one field (roles, ids: a few short values).
 * Introspection costs nothing (it is bounded by the schema, and off in production).
 *
 * The walk is graphql-query-complexity's getComplexity (fragments, @skip and
 * @include, unions as their costliest member, variables coerced with the
 * schema), with one estimator of our own. Its CommonJS build, on purpose: its
 * ES module build loads graphql's own ES build, a second copy of graphql
 * beside the CommonJS one Apollo builds its schema with, and against a schema
 * of the other copy it counts 0 for every field (or throws in development).
 */
import type { ApolloServerPlugin } from '@apollo/server'
import {
  getNullableType,
  getNamedType,
  getVariableValues,
  isCompositeType,
  isEnumType,
  isIntrospectionType,
  isListType,
  Kind,
  parse,
  type DocumentNode,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql'
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity/cjs'
import type { GatewayLimits } from '../platform/settings.js'
import { CODES, GatewayError } from './errors.js'

/** The longest range the counts subgraphs answer (MAX_HISTORY_DAYS in subgraphs/kit/counts/subgraph.ts); a longer one they refuse unread. */
export const MAX_RANGE_DAYS = 1096

/** Days of a compact series' values that cost as one field: a day there is a number, in points an object of five fields or more. */
export const DAYS_PER_VALUE_UNIT = 16

/** Characters of a field's response key that cost one more: longer keys are repeated in every item of a list. */
const KEY_CHARS_PER_UNIT = 32

/**
 * Fields one operation may spread into, fragments counted every time they are
 * spread: the token limit bounds a document's text, not what its fragments
 * unfold to, and the count must not be the thing a document exhausts.
 */
export const MAX_COUNTED_FIELDS = 10_000

/** Items a list of objects without a page argument is counted as, when LIST_ITEMS does not name it. */
export const DEFAULT_LIST_ITEMS = 10

/**
 * Items each list of objects without a page argument is counted as: what it
 * holds on the platform, with room to grow (a count is an estimate, never a
 * promise). `components` and `publications` are read from the schema's
 * ComponentId and PublicationId enums; 1 means that the field above has
 * counted the items already (a history's series and points, a page's edges).
 */
export const LIST_ITEMS: Readonly<Record<string, number | 'components' | 'publications'>> = {
  'Query.components': 'components',
  'Query.publications': 'publications',
  // A researcher is in a few projects (1 to 4 in the demo); a data manager in more.
  'Query.projects': 10,
  'Researcher.projects': 10,
  'StudyRecordCounts.components': 'components',
  'UniqueSubjectCounts.components': 'components',
  'ComponentStatusList.items': 'components',
  // Only HD4DP v2 Local lists installations, up to some 30 for a project: 5 per component on average.
  'ComponentCount.installations': 5,
  // Projects that share subjects with one project.
  'MultiStudySubjectCounts.overlaps': 20,
  // A project's data providers (4 to 30 in the demo), the platform's data users.
  'OrganisationList.items': 50,
  'IndividualList.items': 100,
  // An organisation runs one HD4DP v2 Local installation, or two with an integration server beside production.
  'Organisation.installations': 2,
  'InstallationList.items': 2,
  // Counted by the history's range and components.
  'StudyRecordCountHistory.series': 1,
  'UniqueSubjectCountHistory.series': 1,
  'ComponentCountSeries.points': 1,
  // Counted by the page size.
  'IncidentConnection.edges': 1,
  'ServiceRequestConnection.edges': 1,
  'AuditRecordConnection.edges': 1,
}

/** The page size of a page argument that is left out or null: the subgraphs' default. */
const DEFAULT_PAGE = 50

/** Why a field multiplies what is beneath it. */
export type CostKind = 'range' | 'page' | 'list'

/** The fields of one kind and reason an operation asks for, and what they cost together. */
export interface Contribution {
  /** The field's name, e.g. studyRecordCountHistory. */
  field: string
  kind: CostKind
  /** Why it multiplies its selection: "over 1,096 days × 10 components", "with first: 100", "counted as 10 items". */
  why: string
  /** What every field of this name and reason costs together, its selection included. */
  cost: number
  /** How many times the operation asks for it (aliases, fragments). */
  times: number
}

export interface OperationCost {
  total: number
  /** The fields that multiply their selection, by field and reason; the costliest first. */
  contributions: Contribution[]
}

/** What the schema says of sizes: its components and publications. */
interface SchemaFacts {
  components: number
  publications: number
}

const factsBySchema = new WeakMap<GraphQLSchema, SchemaFacts>()

function schemaFacts(schema: GraphQLSchema): SchemaFacts {
  let facts = factsBySchema.get(schema)
  if (!facts) {
    const size = (name: string) => {
      const type = schema.getType(name)
      return isEnumType(type) ? type.getValues().length : DEFAULT_LIST_ITEMS
    }
    facts = { components: size('ComponentId'), publications: size('PublicationId') }
    factsBySchema.set(schema, facts)
  }
  return facts
}

const formatted = (n: number) => n.toLocaleString('en-US')
const plural = (n: number, word: string) => `${formatted(n)} ${word}${n === 1 ? '' : 's'}`

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/

/** A calendar date's day number, or null for anything the Date scalar would not take. */
function dayNumber(value: unknown): number | null {
  const match = typeof value === 'string' ? ISO_DAY.exec(value) : null
  if (!match) return null
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null
  return date.getTime() / 86_400_000
}

/**
 * The days a range answers: both ends included, at most MAX_RANGE_DAYS (a
 * longer range is refused before anything is read). A date the scalar would
 * refuse counts as the longest range, so nothing the count misreads is cheap;
 * an inverted range as one day (it is refused too).
 */
export function rangeDays(from: unknown, to: unknown): number {
  const [start, end] = [dayNumber(from), dayNumber(to)]
  if (start === null || end === null) return MAX_RANGE_DAYS
  return Math.min(MAX_RANGE_DAYS, Math.max(1, end - start + 1))
}

interface Multiplier {
  kind: CostKind
  times: number
  why: string
}

const hasArgument = (field: GraphQLField<unknown, unknown>, name: string, type: string) =>
  field.args.some((arg) => arg.name === name && getNamedType(arg.type).name === type)

/** How many times a field's selection is answered, and why; null for a field answered once. */
function multiplierOf(
  facts: SchemaFacts,
  parent: string,
  field: GraphQLField<unknown, unknown>,
  args: Record<string, unknown>,
): Multiplier | null {
  if (hasArgument(field, 'from', 'Date') && hasArgument(field, 'to', 'Date')) {
    const days = rangeDays(args.from, args.to)
    if (!field.args.some((arg) => arg.name === 'components')) return { kind: 'range', times: days, why: `over ${plural(days, 'day')}` }
    // Each component once, however often it is named; all of them when none is.
    const asked = Array.isArray(args.components) ? new Set(args.components).size : facts.components
    return { kind: 'range', times: days * asked, why: `over ${plural(days, 'day')} × ${plural(asked, 'component')}` }
  }
  for (const name of ['first', 'last']) {
    if (!hasArgument(field, name, 'Int')) continue
    const given = args[name]
    const fallback = field.args.find((arg) => arg.name === name)?.defaultValue
    const size = typeof given === 'number' ? given : typeof fallback === 'number' ? fallback : DEFAULT_PAGE
    const times = Math.max(0, size)
    return { kind: 'page', times, why: `with ${name}: ${formatted(times)}` }
  }
  if (isListType(getNullableType(field.type)) && isCompositeType(getNamedType(field.type))) {
    const listed = LIST_ITEMS[`${parent}.${field.name}`] ?? DEFAULT_LIST_ITEMS
    const times = typeof listed === 'number' ? listed : facts[listed]
    return times === 1 ? null : { kind: 'list', times, why: `counted as ${plural(times, 'item')}` }
  }
  return null
}

/** The operation spreads into more fields than MAX_COUNTED_FIELDS. */
class TooManyFields extends Error {}

/**
 * The estimator getComplexity calls for every field, beneath its selection
 * first: what the field costs, its selection included. It notes the fields
 * that multiply their selection in `notes`, by field and reason.
 */
function estimator(facts: SchemaFacts, notes: Map<string, Contribution>): ComplexityEstimator {
  let fields = 0
  // A series' compact form (ComponentCountSeries.compact) is answered once per
  // series, not once per day: the walk runs beneath a field first, so what the
  // compact forms below a range cost is set aside here and added by the range
  // field once per component, its values counted as a list of DAYS_PER_VALUE_UNIT days.
  // A history without points answers each series once: its selection is counted per component, not per day.
  let compact = 0
  let valueLists = 0
  let points = 0
  return ({ type, field, node, args, childComplexity }) => {
    if (++fields > MAX_COUNTED_FIELDS) throw new TooManyFields()
    if (isIntrospectionType(type) || field.name === '__schema' || field.name === '__type') return 0
    const own = 1 + Math.floor((node.alias ?? node.name).value.length / KEY_CHARS_PER_UNIT)
    if (type.name === 'CompactCountSeries' && field.name === 'values') valueLists++
    if (type.name === 'ComponentCountSeries' && field.name === 'points') points++
    if (type.name === 'ComponentCountSeries' && field.name === 'compact') {
      compact += own + childComplexity
      return 0
    }
    const multiplier = multiplierOf(facts, type.name, field as GraphQLField<unknown, unknown>, args)
    if (!multiplier) return own + childComplexity
    let cost = own + multiplier.times * childComplexity
    if (multiplier.kind === 'range' && (compact > 0 || valueLists > 0)) {
      const days = rangeDays(args.from, args.to)
      const series = Math.max(1, Math.round(multiplier.times / days))
      if (points === 0) cost = own + series * childComplexity
      cost += series * (compact + valueLists * Math.ceil(days / DAYS_PER_VALUE_UNIT))
    }
    if (multiplier.kind === 'range') {
      compact = 0
      valueLists = 0
      points = 0
    }
    const key = `${type.name}.${field.name} ${multiplier.why}`
    const note = notes.get(key)
    if (note) {
      note.cost += cost
      note.times += 1
    } else {
      notes.set(key, { field: field.name, kind: multiplier.kind, why: multiplier.why, cost, times: 1 })
    }
    return cost
  }
}

/** A count the operation cannot have: it spreads into too many fields, or its cost could not be worked out. */
export class Uncountable extends Error {}

/**
 * What one operation of a document costs with these variables; null when the
 * variables do not fit the operation (execution refuses them, and runs
 * nothing). Throws Uncountable for an operation the count cannot finish.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  { operationName, variables }: { operationName?: string | null; variables?: Record<string, unknown> | null },
): OperationCost | null {
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition' && (!operationName || d.name?.value === operationName),
  )
  if (!operation) return { total: 0, contributions: [] }
  if (getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}).errors) return null
  const notes = new Map<string, Contribution>()
  let total: number
  try {
    total = getComplexity({
      schema,
      query: document,
      operationName: operation.name?.value,
      variables: variables ?? {},
      estimators: [estimator(schemaFacts(schema), notes)],
      // The estimator keeps its own count of fields, and says so by its own error.
      maxQueryNodes: Infinity,
    })
  } catch (error) {
    if (error instanceof TooManyFields) {
      throw new Uncountable(
        `The operation spreads into more than ${formatted(MAX_COUNTED_FIELDS)} fields, each fragment counted every time it is spread; ask for fewer`,
      )
    }
    throw new Uncountable(`The cost of this operation could not be worked out: ${(error as Error).message}`)
  }
  return { total, contributions: [...notes.values()].sort((a, b) => b.cost - a.cost) }
}

/** The contributions of several operations (a batch's), by field and reason. */
function merged(costs: readonly OperationCost[]): Contribution[] {
  const byKey = new Map<string, Contribution>()
  for (const { contributions } of costs) {
    for (const c of contributions) {
      const key = `${c.field} ${c.why}`
      const known = byKey.get(key)
      if (known) {
        known.cost += c.cost
        known.times += c.times
      } else byKey.set(key, { ...c })
    }
  }
  return [...byKey.values()].sort((a, b) => b.cost - a.cost)
}

const NARROWER: Record<CostKind, string> = {
  range: 'a shorter range or fewer components',
  page: 'a smaller page',
  list: 'one item at a time (project(id:) rather than projects, say) or fewer fields beneath it',
}

/** Which field cost the most and how to ask for less, for a refusal's message. */
function costliestOf(contributions: readonly Contribution[]): string {
  const top = contributions[0]
  if (!top) return 'Ask for fewer fields'
  const asked = top.times > 1 ? `, asked ${top.times} times,` : ''
  let text = `${top.field} ${top.why}${asked} costs the most (${formatted(top.cost)})`
  // A list estimate on top often stands over a range or a page: the costliest of those says what to narrow too.
  const argued = top.kind === 'list' ? contributions.find((c) => c.kind !== 'list') : undefined
  if (argued) text += `; of the ranges and pages, ${argued.field} ${argued.why} costs the most (${formatted(argued.cost)})`
  return `${text}. Ask for ${NARROWER[(argued ?? top).kind]}`
}

/**
 * An operation that costs more than HD4RES_MAX_COST. It opens with the words
 * the gateway's cost refusals have always had (Armor's), so what matches
 * them still does, and goes on to what cost the most.
 */
export function overCost(cost: OperationCost, max: number): GatewayError {
  return new GatewayError(
    CODES.QUERY_TOO_COMPLEX,
    `Query Cost limit of ${max} exceeded, found ${cost.total} (HD4RES_MAX_COST): ${costliestOf(cost.contributions)}, or split the query`,
  )
}

/** A batch whose operations cost more together than HD4RES_MAX_BATCH_COST. */
export function overBatchCost(costs: readonly OperationCost[], total: number, max: number): GatewayError {
  return new GatewayError(
    CODES.QUERY_TOO_COMPLEX,
    `Batch cost limit of ${max} exceeded, found ${total} over ${plural(costs.length, 'operation')} (HD4RES_MAX_BATCH_COST): ${costliestOf(merged(costs))}, or send fewer operations in one request`,
  )
}

/** An answer larger than HD4RES_MAX_ANSWER_BYTES. */
export function answerTooLarge(maxBytes: number, batched: boolean): GatewayError {
  const whose = batched ? "The batch's answer would be" : 'The answer is'
  return new GatewayError(
    CODES.ANSWER_TOO_LARGE,
    `${whose} larger than ${formatted(maxBytes)} bytes (HD4RES_MAX_ANSWER_BYTES) and was not sent: ask for a shorter range, fewer components, smaller pages, fewer fields or fewer operations in one request`,
  )
}

/** Variable sets remembered per document: a frontend sends each of its operations with a few. */
const COSTS_PER_DOCUMENT = 64

/**
 * The variables of an operation declared `ID` or `ID!`: no estimator reads an
 * ID (a cost depends on ranges, pages, component lists and @skip/@include),
 * so their values matter to the count only by fitting or not.
 */
function idVariables(document: DocumentNode, operationName: string | undefined): string[] {
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === 'OperationDefinition' && (!operationName || d.name?.value === operationName),
  )
  return (operation?.variableDefinitions ?? [])
    .filter((v) => {
      const type = v.type.kind === Kind.NON_NULL_TYPE ? v.type.type : v.type
      return type.kind === Kind.NAMED_TYPE && type.name.value === 'ID'
    })
    .map((v) => v.variable.name.value)
}

/** An ID variable's value in a cost's key: what the count can tell of it, a fitting ID or the value itself. */
const fittingId = (value: unknown) => (typeof value === 'string' || Number.isInteger(value) ? '(an ID)' : value)

/**
 * Costs already worked out, by parsed document and variables: Apollo keeps
 * one parsed document per query text (its document cache), and frontends send
 * the same few operations again and again, so a repeated one is not walked
 * again. Every researcher's dashboard names another project, so the key
 * leaves out which ID a variable holds (idVariables). Documents Apollo lets
 * go of take their costs with them.
 */
export class KnownCosts {
  private readonly byDocument = new WeakMap<DocumentNode, { ids: Map<string, string[]>; costs: Map<string, OperationCost | null> }>()

  of(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined) {
    let known = this.byDocument.get(document)
    if (!known) this.byDocument.set(document, (known = { ids: new Map(), costs: new Map() }))
    let ids = known.ids.get(operationName ?? '')
    if (!ids) known.ids.set(operationName ?? '', (ids = idVariables(document, operationName)))
    const keyed = ids.length > 0 && variables ? { ...variables } : variables
    if (keyed) for (const name of ids) if (name in keyed) keyed[name] = fittingId(keyed[name])
    const key = `${operationName ?? ''} ${JSON.stringify(keyed ?? {})}`
    const costs = known.costs
    if (costs.has(key)) return costs.get(key)!
    const cost = operationCost(schema, document, { operationName, variables })
    if (costs.size >= COSTS_PER_DOCUMENT) costs.clear()
    costs.set(key, cost)
    return cost
  }
}

/** What a batch's operations cost, worked out once per HTTP request. */
interface BatchLedger {
  /** What each operation sent with its text costs, by its piece of the body; one sent by hash alone (or not countable unvalidated) is absent. */
  readonly upfront: ReadonlyMap<unknown, OperationCost>
  readonly upfrontTotal: number
  /** What the operations absent from `upfront` cost, added as each is resolved. */
  readonly late: OperationCost[]
  lateTotal: number
}

/**
 * A batch's operations as the HTTP request sent them. Apollo gives each
 * operation a copy of the context, whose record is the HTTP request itself
 * (stages/graphql.ts); what the operations of one request share in Apollo is
 * the head of its HTTP answer, which keys what is counted per request here.
 */
function batchOf(context: { record?: object } | undefined): unknown[] | null {
  const body = (context?.record as { body?: unknown } | undefined)?.body
  return Array.isArray(body) ? body : null
}

function ledgerOf(pieces: unknown[], schema: GraphQLSchema): BatchLedger {
  const upfront = new Map<unknown, OperationCost>()
  let upfrontTotal = 0
  for (const piece of pieces) {
    const { query, operationName, variables } = (piece ?? {}) as { query?: unknown; operationName?: unknown; variables?: unknown }
    if (typeof query !== 'string') continue
    try {
      const cost = operationCost(schema, parse(query), {
        operationName: typeof operationName === 'string' ? operationName : undefined,
        variables: variables && typeof variables === 'object' ? (variables as Record<string, unknown>) : undefined,
      })
      if (!cost) continue
      upfront.set(piece, cost)
      upfrontTotal += cost.total
    } catch {
      // Not parsed or not countable before validation: it is counted when Apollo has resolved it, or refused before.
    }
  }
  return { upfront, upfrontTotal, late: [], lateTotal: 0 }
}

/**
 * HD4RES_MAX_COST for every operation and HD4RES_MAX_BATCH_COST for a
 * batch's together, checked once the operation is resolved (its variables are
 * known then) and before anything of it runs. A batch's operations run side
 * by side, so its total is worked out from the whole request when the first
 * of them is resolved, and every one of them is refused when it is over: none
 * runs. An operation sent by hash alone (automatic persisted queries) has no
 * text in the request: its cost joins the total when it is resolved, and an
 * operation that takes the total over is refused.
 */
export function costLimits(limits: Pick<GatewayLimits, 'maxCost' | 'maxBatchCost'>): ApolloServerPlugin<{ record?: object }> {
  const ledgers = new WeakMap<object, BatchLedger>()
  const known = new KnownCosts()
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, response, contextValue }) {
          let cost: OperationCost | null
          try {
            cost = known.of(schema, document, operation?.name?.value, request.variables)
          } catch (error) {
            if (error instanceof Uncountable) throw new GatewayError(CODES.QUERY_TOO_COMPLEX, error.message)
            throw error
          }
          // Variables that do not fit: execution refuses them, and runs nothing.
          if (!cost) return
          if (cost.total > limits.maxCost) throw overCost(cost, limits.maxCost)
          const pieces = batchOf(contextValue)
          if (!pieces) return
          let ledger = ledgers.get(response.http)
          if (!ledger) ledgers.set(response.http, (ledger = ledgerOf(pieces, schema)))
          if (!ledger.upfront.has(request.http?.body)) {
            ledger.late.push(cost)
            ledger.lateTotal += cost.total
          }
          const total = ledger.upfrontTotal + ledger.lateTotal
          if (total > limits.maxBatchCost) throw overBatchCost([...ledger.upfront.values(), ...ledger.late], total, limits.maxBatchCost)
        },
      }
    },
  }
}

/**
 * The bytes of a value written as JSON, counted until they pass `budget`
 * (then a number above it): strings as their UTF-8 bytes and quotes, escapes
 * left out. It walks the answer as it is, which costs far less than writing
 * it out to measure it.
 */
export function jsonBytes(value: unknown, budget: number): number {
  let bytes = 0
  const walk = (v: unknown): void => {
    if (bytes > budget) return
    if (typeof v === 'string') bytes += Buffer.byteLength(v) + 2
    else if (typeof v === 'number' || typeof v === 'boolean') bytes += String(v).length
    else if (v === null) bytes += 4
    else if (Array.isArray(v)) {
      bytes += 2
      for (let i = 0; i < v.length; i++) {
        bytes += i > 0 ? 1 : 0
        walk(v[i])
        if (bytes > budget) return
      }
    } else if (typeof v === 'object') {
      bytes += 2
      let first = true
      for (const key in v) {
        const item = (v as Record<string, unknown>)[key]
        if (item === undefined) continue
        bytes += Buffer.byteLength(key) + 3 + (first ? 0 : 1)
        first = false
        walk(item)
        if (bytes > budget) return
      }
    }
  }
  walk(value)
  return bytes
}

interface Written {
  text: string
  extensions: string | undefined
}

/** Answers written out while their size was counted, by their data object, until Apollo sends them. */
const written = new WeakMap<object, Written>()

/** The answer as Apollo sends it (errors, data, extensions, in that order; runHttpQuery's orderExecutionResultFields), kept for answerText. */
function writtenOnce(result: { errors?: unknown; data?: unknown; extensions?: unknown }): string {
  const text = JSON.stringify({ errors: result.errors, data: result.data, extensions: result.extensions })
  written.set(result.data as object, { text, extensions: JSON.stringify(result.extensions) })
  return text
}

/**
 * The answer's JSON, without indentation (Apollo's stringifyResult): the text
 * the size limit already wrote, when nothing it holds has changed since,
 * else written now. A long history is written out once, not twice.
 */
export function answerText(value: { errors?: unknown; data?: unknown; extensions?: unknown }): string {
  const known = value.errors === undefined && value.data ? written.get(value.data as object) : undefined
  if (known && known.extensions === JSON.stringify(value.extensions)) {
    written.delete(value.data as object)
    return known.text
  }
  return JSON.stringify(value)
}

/**
 * HD4RES_MAX_ANSWER_BYTES: an answer larger than this is not sent; its
 * operation's one error says how to ask for less. For a batch the limit holds
 * for the whole HTTP answer: each operation's answer is counted as it leaves,
 * and the one that takes the total over is replaced. The count is the last
 * line, behind the cost limits, for what they estimate too low (long texts,
 * say); by then the answer has been held in memory, so the cost limits are
 * what keep it small.
 */
export function answerSizeLimit(maxBytes: number): ApolloServerPlugin<{ record?: object }> {
  const sent = new WeakMap<object, number>()
  return {
    async requestDidStart() {
      return {
        // No await before the body is replaced: the plugins after this one (the request id, metrics, audit) see the refusal.
        async willSendResponse({ response, requestIsBatched }) {
          if (response.body.kind !== 'single') return
          // The head of the HTTP answer: one per request, shared by a batch's operations.
          const before = sent.get(response.http) ?? 0
          const result = response.body.singleResult
          // An answer without errors is written out here, once: its size is its text's, and
          // answerText gives Apollo the same text (the plugins after this one change errors only).
          const size =
            result.errors === undefined && result.data ? Buffer.byteLength(writtenOnce(result)) : jsonBytes(result, maxBytes - before)
          if (before + size <= maxBytes) {
            sent.set(response.http, before + size)
            return
          }
          const refusal = answerTooLarge(maxBytes, requestIsBatched)
          response.body.singleResult = { errors: [{ message: refusal.message, extensions: { code: refusal.code } }] }
          response.http.status = refusal.status
        },
      }
    },
  }
}
