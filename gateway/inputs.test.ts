/**
 * The inputs check: how deep a request's values may be nested and which
 * characters its variables and query text may hold. Each refusal says what is
 * wrong and where; the walk survives any depth, since it never recurses.
 */
import { describe, expect, it } from 'vitest'
import { nestedDeeperThan, operationInputProblem, queryTextProblem } from './inputs.js'

/** An object `levels` deep under `key`: { key: { key: … 'bottom' } }. */
function nested(levels: number, key = 'and'): unknown {
  let value: unknown = 'bottom'
  for (let i = 0; i < levels; i++) value = { [key]: value }
  return value
}

const QUERY = 'query Q($filter: JSON) { a(filter: $filter) }'

describe('the nesting of inputs', () => {
  it('lets values through up to the limit, variables counted as the first level', () => {
    // variables (1), then filter's 31 objects: 32 levels.
    expect(operationInputProblem({ query: QUERY, variables: { filter: nested(31) } }, 32)).toBeNull()
    expect(operationInputProblem({ query: QUERY, variables: { filter: nested(32) } }, 32)).toMatch(/more than 32 levels/)
  })

  it('refuses variables nested 20,000 deep without overflowing, naming the limit and where, cut short', () => {
    const problem = operationInputProblem({ query: QUERY, variables: { filter: nested(20_000) } }, 32)!
    expect(problem).toMatch(/^variables\.filter\.and\.and\.and/)
    expect(problem).toMatch(/…/)
    expect(problem).toMatch(/nested more than 32 levels deep.*\(HD4RES_MAX_INPUT_DEPTH\)/)
    expect(problem.length).toBeLessThan(250)
  })

  it('counts lists as levels too, and names their places', () => {
    let value: unknown = 1
    for (let i = 0; i < 10; i++) value = [value]
    expect(operationInputProblem({ variables: { ids: value } }, 8)).toMatch(/^variables\.ids\[0\]\[0\]\[0\]\[0\]\[0\]\[0\]\[0\] is nested/)
  })

  it('bounds extensions and any other field as well', () => {
    expect(operationInputProblem({ query: QUERY, extensions: nested(100) }, 32)).toMatch(/^extensions\.and\.and/)
    expect(operationInputProblem({ query: QUERY, operationName: nested(100) }, 32)).toMatch(/^operationName\.and/)
  })

  it('tells without recursion whether a value is nested too deep', () => {
    expect(nestedDeeperThan(nested(200_000), 100)).toBe(true)
    expect(nestedDeeperThan(nested(100), 100)).toBe(false)
    expect(nestedDeeperThan(nested(101), 100)).toBe(true)
    expect(nestedDeeperThan('text', 0)).toBe(false)
    expect(nestedDeeperThan(null, 0)).toBe(false)
  })
})

describe('the characters of inputs', () => {
  it.each([
    ['a NUL', 'abc\u0000def', /^variables\.search holds a NUL character \(U\+0000\)/],
    ['a lone high surrogate', 'abc\ud800def', /^variables\.search holds a lone surrogate \(U\+D800\)/],
    ['a lone low surrogate', '\udc00', /^variables\.search holds a lone surrogate \(U\+DC00\)/],
    ['a high surrogate at the end', 'abc\ud83d', /^variables\.search holds a lone surrogate \(U\+D83D\)/],
  ])('refuses %s in a variable, naming it', (_what, search, message) => {
    expect(operationInputProblem({ query: QUERY, variables: { search } }, 32)).toMatch(message)
  })

  it('names a place deep in the variables, and a field name that holds one', () => {
    expect(operationInputProblem({ variables: { filter: { terms: ['ok', 'a\u0000'] } } }, 32)).toMatch(
      /^variables\.filter\.terms\[1\] holds/,
    )
    const problem = operationInputProblem({ variables: { filter: { 'a\u0000b': 1 } } }, 32)!
    expect(problem).toMatch(/^A field name in variables\.filter holds a NUL/)
  })

  it('lets every well-formed string through: pairs of surrogates, accents, control characters other than NUL', () => {
    expect(operationInputProblem({ variables: { search: 'caf\u00e9 \ud83d\ude00 a\tb\nc' } }, 32)).toBeNull()
  })

  it('leaves strings outside the variables to GraphQL', () => {
    expect(operationInputProblem({ query: QUERY, operationName: 'Q', extensions: { note: 'a\u0000' } }, 32)).toBeNull()
  })

  it('refuses a query text with a NUL or a lone surrogate, raw or a NUL escaped in a string, saying where', () => {
    expect(queryTextProblem('{ a(search: "x\u0000") }')).toMatch(/^The query text holds a NUL character \(U\+0000\) at line 1, column 15/)
    expect(queryTextProblem('{\n  a(search: "x\ud800") }')).toMatch(/lone surrogate \(U\+D800\) at line 2, column 15/)
    expect(queryTextProblem('{\n  a(search: "x\\u0000y") }')).toMatch(/^The string at line 2, column 13 of the query text holds a NUL/)
    expect(queryTextProblem('{ a(search: "x\\u{0}") }')).toMatch(/holds a NUL/)
  })

  it('lets a clean query text through, escapes and all, and leaves one that does not lex to the parser', () => {
    expect(queryTextProblem('{ a(search: "caf\\u00e9 \\u{1F600}") }')).toBeNull()
    expect(queryTextProblem('{ a(search: "\\u0000')).toBeNull()
    expect(queryTextProblem('{ a(search: "\\uZZZZ \\u0000") }')).toBeNull()
  })
})
