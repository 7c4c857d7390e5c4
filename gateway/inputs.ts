/**
 * What a request's inputs may hold, checked on the parsed body before
 * anything else walks it (the response cache's key, GraphQL's coercion, the
 * subgraph calls' JSON), so that a hostile body is refused as the client's
 * mistake rather than met as a stack overflow or passed on to a store:
 *
 * - nesting: no value of an operation (its variables, its extensions, any
 *   other field) nested deeper than HD4RES_MAX_INPUT_DEPTH objects and lists;
 *   the walk is iterative, so a body nested 20,000 levels deep is measured as
 *   safely as a flat one;
 * - characters: no string in the variables (nor any of their field names)
 *   with a NUL (U+0000), which PostgreSQL cannot store in text, or a lone
 *   surrogate, which is not Unicode and has no UTF-8 form; and no query text
 *   with either, raw or (a NUL) written as an escape in a string literal.
 *
 * Each refusal says what is wrong and where: the path of the value
 * (`variables.filter.search`, cut short when long) or the line and column
 * in the query text.
 */
import { Lexer, Source, TokenKind } from 'graphql'
import { queryFacts } from './queryText.js'

/** A NUL, or half of a surrogate pair without its other half. */
const BAD_CHARACTER = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** A bad character in a string, in words (what it is, and why it is refused), or null for a string without one. */
function badCharacterIn(text: string): { what: string; why: string; index: number } | null {
  const found = BAD_CHARACTER.exec(text)
  if (!found) return null
  if (found[0] === '\0') return { what: 'a NUL character (U+0000)', why: 'which no input may hold', index: found.index }
  const code = found[0].charCodeAt(0).toString(16).toUpperCase()
  return { what: `a lone surrogate (U+${code})`, why: 'which is not valid Unicode', index: found.index }
}

/** One value met on the walk, with the way back to the operation, from which its path is spelled only when it is refused. */
interface Place {
  readonly value: unknown
  /** Objects and lists from the operation's field down to this value, this one included. */
  readonly depth: number
  /** Under the operation's variables: its strings and field names are checked too. */
  readonly checkStrings: boolean
  /** Null for the operation's own fields. */
  readonly parent: Place | null
  readonly key: string | number
}

/** The longest path a refusal spells out; past it, the path is cut short. */
const PATH_CHARACTERS = 80
const IDENTIFIER = /^[_A-Za-z][_0-9A-Za-z]*$/

function segment(key: string | number, first: boolean): string {
  if (typeof key === 'number') return `[${key}]`
  // JSON's quoting escapes a NUL or lone surrogate in a field name, so the message itself stays clean.
  if (!IDENTIFIER.test(key)) return first ? JSON.stringify(key) : `[${JSON.stringify(key)}]`
  return first ? key : `.${key}`
}

/** `variables.filter.search`, or as much of it as fits in 80 characters and an ellipsis. */
function pathOf(place: Place): string {
  const keys: (string | number)[] = []
  for (let at: Place | null = place; at; at = at.parent) keys.push(at.key)
  let path = ''
  for (let i = keys.length - 1; i >= 0; i--) {
    const next = segment(keys[i]!, i === keys.length - 1)
    if (path.length + next.length > PATH_CHARACTERS) return `${path}…`
    path += next
  }
  return path
}

const isContainer = (value: unknown): value is object => typeof value === 'object' && value !== null

/**
 * The first problem with one operation of a request (an element of a batch,
 * or the whole body), in words, or null. Its fields' values are level 1:
 * `variables` is level 1, `variables.filter` level 2.
 */
export function operationInputProblem(operation: unknown, maxDepth: number): string | null {
  if (!isContainer(operation)) return null
  // Last in, first out, children pushed in reverse: values are met in the order the body gives them.
  const stack: Place[] = []
  const pushChildren = (container: object, parent: Place | null) => {
    const depth = (parent?.depth ?? 0) + 1
    if (Array.isArray(container)) {
      for (let i = container.length - 1; i >= 0; i--) {
        stack.push({ value: container[i], depth, checkStrings: parent?.checkStrings ?? false, parent, key: i })
      }
    } else {
      const keys = Object.keys(container)
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i]!
        const checkStrings = parent ? parent.checkStrings : key === 'variables'
        stack.push({ value: (container as Record<string, unknown>)[key], depth, checkStrings, parent, key })
      }
    }
  }
  pushChildren(operation, null)
  while (stack.length > 0) {
    const place = stack.pop()!
    if (place.checkStrings && place.parent && typeof place.key === 'string') {
      const bad = badCharacterIn(place.key)
      if (bad) return `A field name in ${pathOf(place.parent)} holds ${bad.what}, ${bad.why}`
    }
    if (typeof place.value === 'string') {
      const bad = place.checkStrings ? badCharacterIn(place.value) : null
      if (bad) return `${pathOf(place)} holds ${bad.what}, ${bad.why}`
    } else if (isContainer(place.value)) {
      if (place.depth > maxDepth) {
        return `${pathOf(place)} is nested more than ${maxDepth} levels deep; inputs may be nested at most ${maxDepth} levels (HD4RES_MAX_INPUT_DEPTH)`
      }
      pushChildren(place.value, place)
    }
  }
  return null
}

/**
 * True when a value holds objects or lists nested more than `max` levels
 * deep (the value itself, when an object or list, is level 1), found without
 * recursion: for code that must not recurse into what a client sent.
 */
export function nestedDeeperThan(value: unknown, max: number): boolean {
  if (!isContainer(value)) return false
  const stack: { value: object; depth: number }[] = [{ value, depth: 1 }]
  while (stack.length > 0) {
    const { value: container, depth } = stack.pop()!
    if (depth > max) return true
    for (const child of Array.isArray(container) ? container : Object.values(container)) {
      if (isContainer(child)) stack.push({ value: child, depth: depth + 1 })
    }
  }
  return false
}

/** Line and column (from 1) of a place in a text, as GraphQL's own errors give them. */
function lineAndColumn(text: string, index: number): string {
  let line = 1
  let lineStart = 0
  for (let i = text.indexOf('\n'); i >= 0 && i < index; i = text.indexOf('\n', i + 1)) {
    line++
    lineStart = i + 1
  }
  return `line ${line}, column ${index - lineStart + 1}`
}

function queryTextProblemOf(query: string): string | null {
  const raw = badCharacterIn(query)
  if (raw) return `The query text holds ${raw.what} at ${lineAndColumn(query, raw.index)}, ${raw.why}`
  // A NUL may also be written as an escape in a string literal, which the lexer decodes; no escape, no lexing.
  if (!query.includes('\\u')) return null
  try {
    const lexer = new Lexer(new Source(query))
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (token.kind === TokenKind.STRING && token.value.includes('\0')) {
        return `The string at line ${token.line}, column ${token.column} of the query text holds a NUL character (U+0000), which no input may hold`
      }
    }
  } catch {
    // Not lexable: the parser refuses it and says where.
  }
  return null
}

/** What is wrong with a query text's characters, or null; remembered with the text's other facts. */
export function queryTextProblem(query: string): string | null {
  const facts = queryFacts(query)
  if (facts.characterProblem === undefined) facts.characterProblem = queryTextProblemOf(query)
  return facts.characterProblem
}
