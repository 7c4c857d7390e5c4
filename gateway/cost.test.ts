/**
 * The cost model over the committed API schema, field kind by field kind,
 * with the numbers docs/security.md gives; the refusals' wording; and the
 * answer's size as counted without writing it out.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { buildSchema, parse } from 'graphql'
import { describe, expect, it } from 'vitest'
import { MAX_HISTORY_DAYS } from '../subgraphs/kit/counts/subgraph.js'
import {
  answerSizeLimit,
  KnownCosts,
  answerText,
  jsonBytes,
  MAX_COUNTED_FIELDS,
  MAX_RANGE_DAYS,
  operationCost,
  overBatchCost,
  overCost,
  rangeDays,
  Uncountable,
} from './cost.js'

const schema = buildSchema(readFileSync(path.resolve(import.meta.dirname, '../schema/api.graphql'), 'utf8'))
const cost = (query: string, variables?: Record<string, unknown>, operationName?: string) =>
  operationCost(schema, parse(query), { variables, operationName })
const total = (query: string, variables?: Record<string, unknown>) => cost(query, variables)!.total

/** A history with three fields per point (series, points, date): 1 for the history, days × components × 3. */
const historyField = (args: string) => `studyRecordCountHistory(${args}) { ... on StudyRecordCountHistory { series { points { date } } } }`
/** The same, of one project: 1 more. */
const history = (args: string) => `{ project(id: "prj-0001") { ${historyField(args)} } }`

describe('the cost of an operation', () => {
  it('counts a history as its days × the components asked × its selection, every component when none is named', () => {
    expect(rangeDays('2025-11-21', '2026-11-21')).toBe(366)
    expect(total(history('from: "2025-11-21", to: "2026-11-21"'))).toBe(2 + 366 * 10 * 3)
    expect(total(history('from: "2026-11-21", to: "2026-11-21", components: [HERA, NRC]'))).toBe(2 + 1 * 2 * 3)
    // A component named twice is answered once.
    expect(total(history('from: "2026-11-21", to: "2026-11-21", components: [HERA, HERA, NRC]'))).toBe(2 + 1 * 2 * 3)
    expect(total(history('from: "2026-11-21", to: "2026-11-21", components: []'))).toBe(2)
  })

  it('counts a series’ compact form once per component, its values as one field per 16 days', () => {
    const compact = (args: string, selection: string) =>
      `{ project(id: "prj-0001") { studyRecordCountHistory(${args}) { ... on StudyRecordCountHistory { series { ${selection} } } } } }`
    // Without points, the series once per component, then per component: compact 1 + from 1 + values 1 + ceil(366 / 16).
    expect(total(compact('from: "2025-11-21", to: "2026-11-21"', 'component { id } compact { from values }'))).toBe(
      2 + 10 * 3 + 10 * (1 + 2 + 23),
    )
    // Gaps are a list of objects beneath it, counted as 10 items.
    expect(total(compact('from: "2026-11-21", to: "2026-11-21", components: [HERA]', 'compact { gaps { from } }'))).toBe(
      2 + 1 + 1 * (1 + 1 + 10 * 1),
    )
    // Beside points, the series is counted per day as points are, and the compact form adds only its own.
    const both = total(compact('from: "2025-11-21", to: "2026-11-21"', 'points { date } compact { values }'))
    expect(both).toBe(total(history('from: "2025-11-21", to: "2026-11-21"')) + 10 * (2 + 23))
    // Three years of every component in the compact form stays far below the limit that points reach.
    expect(
      total(
        compact(
          'from: "2023-11-22", to: "2026-11-21"',
          'component { id } compact { from to bandWidth values gaps { from to status reason } }',
        ),
      ),
    ).toBeLessThan(total(history('from: "2023-11-22", to: "2026-11-21"')))
  })

  it('counts a range as the subgraphs answer it: at most their longest, the longest for a date they would refuse', () => {
    expect(MAX_RANGE_DAYS).toBe(MAX_HISTORY_DAYS)
    expect(rangeDays('2000-01-01', '2026-11-21')).toBe(MAX_RANGE_DAYS)
    expect(rangeDays('2026-02-30', '2026-03-01')).toBe(MAX_RANGE_DAYS)
    expect(rangeDays('2026-11-21', '2026-11-01')).toBe(1)
  })

  it('reads the variables, as the operation will run with them', () => {
    const query = `query H($from: Date!, $to: Date!, $c: [ComponentId!]) { project(id: "prj-0001") {
      studyRecordCountHistory(from: $from, to: $to, components: $c) { ... on StudyRecordCountHistory { series { points { date } } } } } }`
    expect(cost(query, { from: '2023-11-22', to: '2026-11-21' })!.total).toBe(2 + 1096 * 10 * 3)
    expect(cost(query, { from: '2023-11-22', to: '2026-11-21', c: ['HERA'] })!.total).toBe(2 + 1096 * 1 * 3)
    // Variables the operation does not take: nothing runs, and there is nothing to count.
    expect(cost(query, { from: 'yesterday' })).toBeNull()
  })

  it('counts a page as its size × its selection, the default page when first is left out or null', () => {
    const incidents = (args: string) =>
      `query I($n: Int) { project(id: "prj-0001") { incidents${args} { ... on IncidentConnection { edges { node { number state } } } } } }`
    // project 1 + incidents 1 + first × (edges 1 + node 1 + 2 fields).
    expect(total(incidents('(first: 100)'))).toBe(2 + 100 * 4)
    expect(total(incidents(''))).toBe(2 + 50 * 4)
    expect(total(incidents('(first: $n)'), { n: 7 })).toBe(2 + 7 * 4)
    expect(total(incidents('(first: $n)'), { n: null })).toBe(2 + 50 * 4)
    expect(total('{ collectorRuns(last: 500) { source } }')).toBe(1 + 500 * 1)
    expect(total('{ auditRecords(first: 100) { edges { node { id } } } }')).toBe(1 + 100 * 3)
  })

  it('counts a list without a page argument by its estimate: components and publications from the schema', () => {
    expect(total('{ components { id } }')).toBe(1 + 10 * 1)
    expect(total('{ publications { id } }')).toBe(1 + 10 * 1)
    expect(total('{ projects { id } }')).toBe(1 + 10 * 1)
    // projects × (studyRecordCounts 1 + components × (1 + installations × (1 + installation))).
    expect(total('{ projects { studyRecordCounts { ... on StudyRecordCounts { components { installations { installation } } } } } }')).toBe(
      1 + 10 * (1 + (1 + 10 * (1 + 5 * 1))),
    )
  })

  it('counts a union as its costliest member, fragments where they are spread, and introspection as nothing', () => {
    const member = `{ project(id: "prj-0001") { studyRecordCounts { __typename ... on StudyRecordCounts { date } ... on PublicationUnderDevelopment { message title } } } }`
    // project 1 + studyRecordCounts 1 + the larger member (__typename, message, title).
    expect(total(member)).toBe(1 + 1 + 3)
    const spread = `{ a: project(id: "prj-0001") { ...F } b: project(id: "prj-0002") { ...F } } fragment F on ResearchProject { id code }`
    expect(total(spread)).toBe(2 * 3)
    expect(total('{ __schema { types { name fields { name } } } }')).toBe(0)
  })

  it('costs a long alias more: its key is repeated in every item', () => {
    const alias = 'x'.repeat(320)
    expect(total(`{ components { ${alias}: id } }`)).toBe(1 + 10 * 11)
  })

  it('gives up on a document that spreads into too many fields, and counts one operation of several', () => {
    const levels = Array.from({ length: 16 }, (_, i) => `fragment F${i + 1} on Researcher { ...F${i} ...F${i} }`).join(' ')
    expect(() => cost(`{ me { ...F16 } } fragment F0 on Researcher { id } ${levels}`)).toThrow(Uncountable)
    expect(() => cost(`{ me { ...F16 } } fragment F0 on Researcher { id } ${levels}`)).toThrow(MAX_COUNTED_FIELDS.toLocaleString('en-US'))
    const two = 'query A { components { id } } query B { me { id } }'
    expect(cost(two, {}, 'B')!.total).toBe(2)
  })

  it('refuses with the cost, the limit, the setting and the field that cost the most', () => {
    const aliased = (i: number) => `a${i}: project(id: "prj-0001") { ${historyField('from: "2023-11-22", to: "2026-11-21"')} }`
    const tenTimes = `{ ${Array.from({ length: 10 }, (_, i) => aliased(i)).join(' ')} }`
    const refusal = overCost(cost(tenTimes)!, 60_000)
    expect(refusal.code).toBe('QUERY_TOO_COMPLEX')
    expect(refusal.status).toBe(400)
    expect(refusal.message).toMatch(/^Query Cost limit of 60000 exceeded, found 328820 \(HD4RES_MAX_COST\): /)
    expect(refusal.message).toMatch(/studyRecordCountHistory over 1,096 days × 10 components, asked 10 times, costs the most \(328,810\)/)
    expect(refusal.message).toMatch(/shorter range or fewer components/)
    // A list estimate on top names the range beneath it too.
    const everywhere = overCost(cost(`{ projects { ${historyField('from: "2026-01-01", to: "2026-11-21"')} } }`)!, 60_000)
    expect(everywhere.message).toMatch(
      /projects counted as 10 items costs the most .*; of the ranges and pages, studyRecordCountHistory over 325 days/,
    )
    const batch = overBatchCost(
      [cost(history('from: "2025-11-21", to: "2026-11-21"'))!, cost(history('from: "2024-11-21", to: "2025-11-20"'))!],
      21_934,
      20_000,
    )
    expect(batch.message).toMatch(/^Batch cost limit of 20000 exceeded, found 21934 over 2 operations \(HD4RES_MAX_BATCH_COST\): /)
    expect(batch.message).toMatch(/fewer operations in one request/)
  })
})

describe('costs worked out before', () => {
  const query = `query H($id: ID!, $from: Date!, $to: Date!) { project(id: $id) { ${historyField('from: $from, to: $to')} } }`
  const year = { from: '2025-11-22', to: '2026-11-21' }

  it('counts an operation once for every project it names, and again when what it costs by changes', () => {
    const known = new KnownCosts()
    const document = parse(query)
    const first = known.of(schema, document, undefined, { id: 'prj-0001', ...year })
    expect(first).toEqual(cost(query, { id: 'prj-0001', ...year }))
    // Another researcher's project: the same count, not walked again.
    expect(known.of(schema, document, undefined, { id: 'prj-0427', ...year })).toBe(first)
    expect(known.of(schema, document, undefined, { id: 7, ...year })).toBe(first)
    // A shorter range costs less, and is its own entry.
    const week = known.of(schema, document, undefined, { id: 'prj-0001', from: '2026-11-15', to: '2026-11-21' })
    expect(week!.total).toBeLessThan(first!.total)
    expect(week).toEqual(cost(query, { id: 'prj-0001', from: '2026-11-15', to: '2026-11-21' }))
  })

  it('still refuses an ID that does not fit, whatever fitting one was counted before', () => {
    const known = new KnownCosts()
    const document = parse(query)
    expect(known.of(schema, document, undefined, { id: 'prj-0001', ...year })).not.toBeNull()
    expect(known.of(schema, document, undefined, { id: { not: 'an id' }, ...year })).toBeNull()
    expect(known.of(schema, document, undefined, { id: 1.5, ...year })).toBeNull()
    expect(known.of(schema, document, undefined, { ...year })).toBeNull()
  })
})

describe('the size of an answer', () => {
  it('is the length of its JSON, counted without writing it out', () => {
    const answer = { data: { a: [1, 2, { b: 'text', c: null, d: true }], e: 'één' }, errors: [{ message: 'x' }], skipped: undefined }
    expect(jsonBytes(answer, Infinity)).toBe(Buffer.byteLength(JSON.stringify(answer)))
    expect(jsonBytes([], Infinity)).toBe(2)
    expect(jsonBytes({}, Infinity)).toBe(2)
  })

  it('stops once it is past the budget', () => {
    const large = { items: Array.from({ length: 100_000 }, (_, i) => ({ i, text: 'x'.repeat(20) })) }
    const size = jsonBytes(large, 1000)
    expect(size).toBeGreaterThan(1000)
    expect(size).toBeLessThan(1100)
  })
})

describe('the answer as it is sent', () => {
  /** What Apollo does with an answer: the size limit's willSendResponse, then stringifyResult on the ordered fields. */
  async function send(
    maxBytes: number,
    result: { data?: unknown; errors?: unknown[]; extensions?: unknown },
    after?: (r: typeof result) => void,
  ) {
    const listener = await answerSizeLimit(maxBytes).requestDidStart!({} as never)
    const response = { body: { kind: 'single' as const, singleResult: result }, http: { status: undefined as number | undefined } }
    await listener!.willSendResponse!({ response, requestIsBatched: false } as never)
    after?.(response.body.singleResult)
    const sent = response.body.singleResult
    return { text: answerText({ errors: sent.errors, data: sent.data, extensions: sent.extensions }), status: response.http.status }
  }

  it('is the same text JSON.stringify writes, whether the size limit wrote it already or not', async () => {
    const data = { project: { series: Array.from({ length: 50 }, (_, i) => ({ date: `2026-11-${i}`, value: i, name: 'Zürich ✓' })) } }
    const expected = JSON.stringify({ data })
    expect((await send(1_000_000, { data })).text).toBe(expected)
    // Nothing was written before: written now.
    expect(answerText({ data: { a: 1 } })).toBe('{"data":{"a":1}}')
  })

  it('notices what a later plugin changed, and writes the answer again', async () => {
    const changedExtensions = await send(1_000_000, { data: { a: 1 }, extensions: { x: 1 } }, (r) => {
      ;(r.extensions as { x: number }).x = 2
    })
    expect(changedExtensions.text).toBe('{"data":{"a":1},"extensions":{"x":2}}')
    const withErrors = await send(1_000_000, { data: { a: null }, errors: [{ message: 'no' }] }, (r) => {
      r.errors = [{ message: 'no', extensions: { requestId: 'r1' } }]
    })
    expect(withErrors.text).toBe('{"errors":[{"message":"no","extensions":{"requestId":"r1"}}],"data":{"a":null}}')
  })

  it('refuses an answer over the limit by its written size', async () => {
    const data = { text: 'x'.repeat(200) }
    const refused = await send(100, { data })
    expect(refused.status).toBe(400)
    expect(JSON.parse(refused.text).errors[0].extensions.code).toBeTruthy()
    expect((await send(Buffer.byteLength(JSON.stringify({ data })), { data })).status).toBeUndefined()
  })
})
