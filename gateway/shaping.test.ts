/**
 * The compiled shaper against @apollo/gateway's own computeResponse, on the
 * same operations and the same merged answers: the data (member order
 * included, so compared as text) and the errors (messages and paths) must be
 * the same, for well-formed answers and for the broken ones stock reports.
 */
import { createRequire } from 'node:module'
import { buildSchema, isValidLeafValue, operationFromDocument } from '@apollo/federation-internals'
import { parse } from 'graphql'
import { describe, expect, it } from 'vitest'
import { installShaping, leafValidator, shapeResponse, stockComputeResponse } from './shaping.js'

const require = createRequire(import.meta.url)

const schema = buildSchema(`
  scalar Date
  enum State { OPEN CLOSED }
  interface Count { kind: String }
  type ExactCount implements Count { kind: String value: Int! }
  type SuppressedCount implements Count { kind: String threshold: Int! }
  type NotCollected { reason: String! }
  union Reading = ExactCount | SuppressedCount | NotCollected
  type Point { date: Date! count: Reading }
  type Series { id: ID! points: [Point!]! values: [Int] tags: [String!] }
  type Ticket { id: ID! state: State! priority: State note: String }
  type Project { id: ID! name: String series: [Series!] tickets: [Ticket] owner: Count }
  type Query { project(id: ID!): Project projects: [Project!]! hello: String }
`)

function both(query: string, input: Record<string, unknown> | null, variables: Record<string, unknown> = {}) {
  const operation = operationFromDocument(schema, parse(query), { validate: false })
  const args = { operation, variables, input, introspectionHandling: () => ({ introspected: true }) } as never
  const ours = shapeResponse(args)
  const stock = stockComputeResponse(args)
  const view = (r: { data: unknown; errors: { message: string; path?: unknown }[] }) => ({
    data: JSON.stringify(r.data),
    errors: r.errors.map((e) => ({ message: e.message, path: e.path })),
  })
  return { ours: view(ours as never), stock: view(stock as never) }
}

const POINTS = `query P($id: ID!) { project(id: $id) { id name series { id points { date count { __typename ... on ExactCount { value } ... on SuppressedCount { threshold } ... on NotCollected { reason } } } } } }`

const wellFormed = {
  project: {
    __typename: 'Project',
    id: 'p1',
    name: 'Cancer registry',
    extra: 'a field the client did not ask for',
    series: [
      {
        id: 'S1',
        points: [
          { date: '2026-01-01', count: { __typename: 'ExactCount', value: 5 } },
          { date: '2026-01-02', count: { __typename: 'SuppressedCount', threshold: 5 } },
          { date: '2026-01-03', count: { __typename: 'NotCollected', reason: 'not yet' } },
          { date: '2026-01-04', count: null },
        ],
      },
    ],
  },
}

describe('the compiled shaper answers as @apollo/gateway does', () => {
  it('shapes a well-formed answer: the members asked for, in the order asked, unions by their __typename', () => {
    const { ours, stock } = both(POINTS, wellFormed, { id: 'p1' })
    expect(ours).toEqual(stock)
    expect(ours.data).not.toContain('extra')
    expect(ours.data).toContain('"threshold":5')
    expect(ours.errors).toEqual([])
  })

  it('keeps aliases, repeated fields, named fragments and __typename asked under another name', () => {
    const query = `query { project(id: "p1") { kind: __typename a: id ...F b: name series { id } ... on Project { series { points { date } } } } }
      fragment F on Project { name id }`
    const input = {
      project: {
        kind: 'Project',
        a: 'p1',
        name: 'n',
        id: 'p1',
        b: 'n',
        series: [{ id: 'S1', points: [{ date: 'd1' }] }],
      },
    }
    const { ours, stock } = both(query, input)
    expect(ours).toEqual(stock)
    expect(ours.data).toContain('"kind":"Project"')
  })

  it('follows @skip and @include, from literals and from variables', () => {
    const query = `query Q($yes: Boolean!, $no: Boolean!) { project(id: "p1") {
      id @skip(if: $yes) name @include(if: $yes) series @include(if: $no) { id } tickets @skip(if: false) { id } } hello @include(if: true) }`
    const input = { project: { id: 'p1', name: 'n', series: [{ id: 'S1' }], tickets: [{ id: 't1' }] }, hello: 'hi' }
    for (const variables of [
      { yes: true, no: false },
      { yes: false, no: true },
    ]) {
      const { ours, stock } = both(query, input, variables)
      expect(ours).toEqual(stock)
    }
    expect(both(query, input, { yes: true, no: false }).ours.data).toBe('{"project":{"name":"n","tickets":[{"id":"t1"}]},"hello":"hi"}')
  })

  it('bubbles a null in a non-null place up to the nearest nullable parent, with the same error', () => {
    const input = {
      project: {
        id: 'p1',
        name: 'n',
        series: [{ id: 'S1', points: [{ date: null, count: null }] }],
      },
    }
    const { ours, stock } = both(POINTS, input, { id: 'p1' })
    expect(ours).toEqual(stock)
    expect(ours.data).toBe('{"project":{"id":"p1","name":"n","series":null}}')
    expect(ours.errors).toHaveLength(1)
    expect(ours.errors[0]!.message).toMatch(/non-nullable/)
  })

  it('reports a value outside its enum, an Int that is not one, and an unknown __typename as stock does', () => {
    const query = `{ project(id: "p1") { tickets { id state priority } series { id values } owner { kind } } }`
    const input = {
      project: {
        tickets: [
          { id: 't1', state: 'OPEN', priority: 'LOST' },
          { id: 't2', state: 'MAYBE', priority: null },
        ],
        series: [{ id: 'S1', values: [1, 2.5, null, 4] }],
        owner: { __typename: 'Nobody', kind: 'x' },
      },
    }
    const { ours, stock } = both(query, input)
    expect(ours).toEqual(stock)
    expect(ours.errors.length).toBeGreaterThanOrEqual(4)
  })

  it('answers a missing or empty input as stock does, and nulls the root when a non-null root field is null', () => {
    expect(both(POINTS, null, { id: 'p1' }).ours).toEqual(both(POINTS, null, { id: 'p1' }).stock)
    const { ours, stock } = both(`{ projects { id } hello }`, { projects: null, hello: 'hi' })
    expect(ours).toEqual(stock)
    expect(ours.data).toBe('null')
  })

  it('hands introspection fields to the gateway’s introspection', () => {
    const { ours, stock } = both(`{ __schema { queryType { name } } hello }`, { hello: 'hi' })
    expect(ours).toEqual(stock)
    expect(ours.data).toContain('introspected')
  })

  it('gives the same answer when the same operation is shaped many times (the compiled form is reused)', () => {
    const operation = operationFromDocument(schema, parse(POINTS), { validate: false })
    const args = { operation, variables: { id: 'p1' }, input: wellFormed, introspectionHandling: () => null } as never
    const first = JSON.stringify(shapeResponse(args).data)
    for (let i = 0; i < 3; i++) expect(JSON.stringify(shapeResponse(args).data)).toBe(first)
    expect(first).toBe(JSON.stringify(stockComputeResponse(args).data))
  })
})

describe('the leaf values the shaper lets through', () => {
  it('judges every value of every leaf type as federation-internals does', () => {
    const values = [
      true,
      false,
      0,
      -0,
      1,
      -5,
      2.5,
      1e20,
      1e21,
      -1e21,
      1e-7,
      NaN,
      Infinity,
      -Infinity,
      '',
      '1',
      'OPEN',
      'LOST',
      {},
      [],
      undefined,
    ]
    const types = ['Int', 'ID', 'Float', 'String', 'Boolean', 'State', 'Date'].map((name) => schema.type(name)!)
    let accepted = 0
    for (const type of types) {
      const valid = leafValidator(schema as never, type as never)
      for (const value of values) {
        expect([type.name, value, valid(value)]).toEqual([type.name, value, isValidLeafValue(schema, value, type as never)])
        if (valid(value)) accepted++
      }
    }
    // Both verdicts occur: the custom scalar takes everything, and no other type does.
    expect(accepted).toBeGreaterThan(values.length)
    expect(accepted).toBeLessThan(types.length * values.length)
  })
})

describe('installing the compiled shaper', () => {
  it('puts it where executeQueryPlan calls computeResponse, and remembers the operation of a parsed document', () => {
    expect(installShaping()).toBe(true)
    expect(installShaping()).toBe(true)
    const resultShaping = require('@apollo/gateway/dist/resultShaping.js') as { computeResponse: unknown }
    expect(resultShaping.computeResponse).toBe(shapeResponse)
    const internals = require('@apollo/federation-internals') as typeof import('@apollo/federation-internals')
    const document = parse(POINTS)
    const build = () =>
      internals.operationFromDocument(schema, { kind: document.kind, definitions: [...document.definitions] }, { validate: false })
    // The same parsed operation, built afresh each time by executeQueryPlan: the same Operation back.
    expect(build()).toBe(build())
    // A planner's call (by operation name) and another document are built anew.
    expect(internals.operationFromDocument(schema, document, { operationName: 'P' })).not.toBe(build())
    expect(internals.operationFromDocument(schema, parse(POINTS), { validate: false })).not.toBe(build())
  })
})
