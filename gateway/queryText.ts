/**
 * Facts remembered about query texts: frontends send the same few operations
 * again and again, and working a fact out of a text (lexing it, hashing it)
 * costs more than the rest of a cached answer. One memo serves the token
 * limit, the check of its characters, the safelist and the response cache,
 * so each fact of a repeated text is worked out once. It keeps texts up to
 * 4 MB in all, so distinct hostile queries only push older entries out, and
 * never remembers a text longer than 100,000 characters.
 *
 * Beside it, each gateway's texts of automatic persisted queries, by their
 * SHA-256: Apollo keeps them here (registeredQueriesOf), and the limits stage
 * puts the text back into a request that sends the hash alone, so every stage
 * after it sees the document the request runs.
 */
import { createHash } from 'node:crypto'
import type { KeyValueCache } from '@apollo/utils.keyvaluecache'
import { LRUCache } from 'lru-cache'

const MEMO_BYTES = 4 * 2 ** 20
const LONGEST_REMEMBERED = 100_000

export interface QueryFacts {
  /** SHA-256 of the text, hex: how the safelist and the response cache name it. */
  readonly sha256: string
  /** No mutation or subscription anywhere in the text, so its answer may be cached. */
  readonly read: boolean
  /** Its tokens, once the token limit has counted them; capped when counting stopped at a limit. */
  tokens?: { count: number; capped: boolean }
  /** What is wrong with its characters (a NUL, a lone surrogate), once looked for (inputs.ts); null when nothing is. */
  characterProblem?: string | null
  /** Its normal form (persisted.ts), once a manifest has been asked about it; null when it does not parse. */
  normalised?: string | null
}

const facts = new LRUCache<string, QueryFacts>({ maxSize: MEMO_BYTES, sizeCalculation: (_facts, query) => query.length || 1 })
/** The same facts by the text's SHA-256, for operations sent by hash alone (automatic persisted queries). */
const byHash = new LRUCache<string, QueryFacts>({ max: 10_000 })

/** What is known of a query text, worked out the first time it is seen. */
export function queryFacts(query: string): QueryFacts {
  let known = facts.get(query)
  if (!known) {
    known = {
      sha256: createHash('sha256').update(query).digest('hex'),
      // A word match, so a field named "mutation" also counts: such a text is merely not cached.
      read: !/\b(mutation|subscription)\b/.test(query),
    }
    if (query.length <= LONGEST_REMEMBERED) {
      facts.set(query, known)
      byHash.set(known.sha256, known)
    }
  }
  return known
}

/** What is known of a text this process has seen, by its SHA-256 (hex); nothing for one it has not. */
export function queryFactsByHash(sha256: string): QueryFacts | undefined {
  return byHash.get(sha256)
}

/** Texts registered by automatic persisted queries: 8 MB of them per gateway, the least recently asked for going first. */
const REGISTERED_BYTES = 8 * 2 ** 20

/** A gateway's texts of automatic persisted queries, by SHA-256 (hex). */
export interface RegisteredQueries {
  /** The text registered under a SHA-256, if this gateway has one. */
  text(sha256: string): string | undefined
  /**
   * Apollo's store of them: it registers a text here once the text has passed
   * validation and the cost limits (Apollo checks that the hash is the text's
   * own). Apollo puts "apq:" before each hash; the store holds nothing else,
   * so the hash alone names an entry.
   */
  readonly cache: KeyValueCache<string>
}

function registeredQueries(): RegisteredQueries {
  const texts = new LRUCache<string, string>({ maxSize: REGISTERED_BYTES, sizeCalculation: (text, hash) => text.length + hash.length })
  const hashOf = (key: string) => (key.startsWith('apq:') ? key.slice(4) : key)
  return {
    text: (sha256) => texts.get(sha256),
    cache: {
      get: async (key) => texts.get(hashOf(key)),
      set: async (key, text) => {
        texts.set(hashOf(key), text)
      },
      delete: async (key) => texts.delete(hashOf(key)),
    },
  }
}

const registered = new WeakMap<object, RegisteredQueries>()

/** The registered texts of one gateway, named by its options: its Apollo server and its limits stage share them, and no other gateway sees them. */
export function registeredQueriesOf(gateway: object): RegisteredQueries {
  let queries = registered.get(gateway)
  if (!queries) registered.set(gateway, (queries = registeredQueries()))
  return queries
}
