/**
 * The contract's Date and DateTime scalars, shared by every subgraph so that
 * the types compose identically. Dates stay 'YYYY-MM-DD' strings end to end.
 */
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql'

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** True for a real calendar date written YYYY-MM-DD (2026-02-30 is not). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !isIsoDate(value)) {
    throw new GraphQLError(`Date must be a calendar date written YYYY-MM-DD, such as 2026-11-21; got ${JSON.stringify(value)}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    })
  }
  return value
}

function literal(ast: ValueNode): unknown {
  return ast.kind === Kind.STRING ? ast.value : ast.kind === Kind.NULL ? null : `<${ast.kind}>`
}

/**
 * True for ten characters shaped DDDD-DD-DD. An answer's dates are the
 * server's own (days of a range it computed, or a database date column), so
 * on the way out the shape is all that is checked: a 365-day history of ten
 * components has 3,650 of them, and proving each a calendar date cost the
 * cold path more than its SQL. A client's input is still checked in full.
 */
function shapedLikeDate(value: string): boolean {
  if (value.length !== 10 || value.charCodeAt(4) !== 45 || value.charCodeAt(7) !== 45) return false
  for (const i of [0, 1, 2, 3, 5, 6, 8, 9]) {
    const c = value.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'ISO-8601 calendar date, e.g. 2026-11-21. Counts are daily snapshots.',
  serialize(value) {
    if (typeof value === 'string' && shapedLikeDate(value)) return value
    if (value instanceof Date) return value.toISOString().slice(0, 10)
    return parseDate(value)
  },
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(literal(ast)),
})

function toDateTime(value: unknown): string {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString()
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value)) && /T/.test(value)) {
    return new Date(value).toISOString()
  }
  throw new GraphQLError(
    `DateTime must be an ISO-8601 date-time with an offset, such as 2026-11-21T04:00:00Z; got ${JSON.stringify(value)}`,
    { extensions: { code: 'BAD_USER_INPUT' } },
  )
}

export const DateTimeScalar = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  description: 'ISO-8601 date-time with an offset, e.g. 2026-11-21T04:00:00Z.',
  serialize: toDateTime,
  parseValue: toDateTime,
  parseLiteral: (ast) => toDateTime(literal(ast)),
})

/** SDL for the SDL-first subgraphs: the same names and descriptions as above. */
export const SCALARS_SDL = `
"""${DateScalar.description}"""
scalar Date

"""${DateTimeScalar.description}"""
scalar DateTime
`
