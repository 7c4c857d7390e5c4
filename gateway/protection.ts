/**
 * Limits that hostile or careless queries meet before anything executes:
 * depth, aliases, tokens and directives (GraphQL Armor), request body size
 * and batch size (checked on the HTTP request), and rate limits per client
 * address and per researcher (rate-limiter-flexible). Each refusal names the
 * limit and its setting. An operation's cost and its answer's size are
 * cost.ts's: counting a cost needs the operation's arguments and variables,
 * which Armor's cost limit does not read.
 */
import { ApolloArmor } from '@escape.tech/graphql-armor'
import type { ApolloServerPlugin } from '@apollo/server'
import { Lexer, Source, TokenKind, type ValidationRule } from 'graphql'
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible'
import type { GatewayLimits } from '../platform/settings.js'
import { CODES, GatewayError, overLimit } from './errors.js'
import { queryFacts } from './queryText.js'

type ArmorRejection = Pick<
  NonNullable<NonNullable<ConstructorParameters<typeof ApolloArmor>[0]>['maxDepth']>,
  'onReject' | 'propagateOnRejection'
>

/**
 * How one of Armor's rules refuses: with the gateway's own error, which names
 * the setting, in place of Armor's default (a syntax error with code
 * BAD_USER_INPUT, which only its text would tell apart from the others).
 */
function refusedAs(setting: string): ArmorRejection {
  return { propagateOnRejection: false, onReject: [(context, error) => context?.reportError(overLimit(error.message, setting))] }
}

export function armor(limits: GatewayLimits): { plugins: ApolloServerPlugin[]; validationRules: ValidationRule[] } {
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...refusedAs('HD4RES_MAX_DEPTH') },
    maxAliases: { n: limits.maxAliases, ...refusedAs('HD4RES_MAX_ALIASES') },
    // Counted on the HTTP request instead (tooManyTokens): armor's parser hook turns refusals into 500s.
    maxTokens: { enabled: false },
    maxDirectives: { n: limits.maxDirectives, ...refusedAs('HD4RES_MAX_DIRECTIVES') },
    // Counted by cost.ts instead, with the arguments and variables: Armor's cost reads only literal `first`s,
    // and a three-year history cost it no more than a single day.
    costLimit: { enabled: false },
    // Suggestions would spell out the schema to someone who may not introspect it.
    blockFieldSuggestion: { enabled: true },
  }).protect()
  return { plugins, validationRules }
}

export class RateLimited extends GatewayError {
  constructor(
    readonly retryAfterSeconds: number,
    readonly who: string,
  ) {
    super(CODES.RATE_LIMITED, `Too many requests from this ${who}; try again in ${retryAfterSeconds} s`, {
      'retry-after': String(retryAfterSeconds),
    })
    this.name = 'RateLimited'
  }
}

export interface RateLimits {
  /** Counts one request from an address; throws RateLimited past the limit. */
  address(ip: string): Promise<void>
  /** Counts one request from a researcher; throws RateLimited past the limit. */
  researcher(sub: string): Promise<void>
}

export function rateLimits(limits: GatewayLimits): RateLimits {
  const perAddress = new RateLimiterMemory({ keyPrefix: 'address', points: limits.ratePerAddress, duration: 60 })
  const perResearcher = new RateLimiterMemory({ keyPrefix: 'researcher', points: limits.ratePerResearcher, duration: 60 })
  const consume = async (limiter: RateLimiterMemory, key: string, who: string) => {
    try {
      await limiter.consume(key)
    } catch (error) {
      if (error instanceof RateLimiterRes) throw new RateLimited(Math.max(1, Math.ceil(error.msBeforeNext / 1000)), who)
      throw error
    }
  }
  return {
    address: (ip) => consume(perAddress, ip, 'address'),
    researcher: (sub) => consume(perResearcher, sub, 'researcher'),
  }
}

/**
 * Counts a document's tokens, stopping past the limit, before it is parsed in
 * full; a document that does not lex is left to the parser to describe. The
 * count is remembered with the text's other facts.
 */
function countTokens(query: string, max: number): number {
  const facts = queryFacts(query)
  const known = facts.tokens
  // An exact count answers any limit; a capped one only a limit below it.
  if (known && (!known.capped || known.count > max)) return known.count
  let count = 0
  try {
    const lexer = new Lexer(new Source(query))
    while (lexer.advance().kind !== TokenKind.EOF) {
      if (++count > max) break
    }
  } catch {
    // Not lexable: the parser says what is wrong, with its location.
    count = 0
  }
  facts.tokens = { count, capped: count > max }
  return count
}

export function tooManyTokens(query: unknown, max: number): boolean {
  if (typeof query !== 'string') return false
  return countTokens(query, max) > max
}
