/**
 * Facts remembered about query texts: frontends send the same few operations
 * again and again, and working a fact out of a text (lexing it, hashing it)
 * costs more than the rest of a cached answer. Each memo keeps texts up to
 * 4 MB in all, so distinct hostile queries only push older entries out, and
 * never remembers a text longer than 100,000 characters.
 */
import { LRUCache } from 'lru-cache'

const MEMO_BYTES = 4 * 2 ** 20
const LONGEST_REMEMBERED = 100_000

export interface QueryTextMemo<T extends object> {
  get(query: string): T | undefined
  set(query: string, facts: T): void
}

export function queryTextMemo<T extends object>(): QueryTextMemo<T> {
  const entries = new LRUCache<string, T>({ maxSize: MEMO_BYTES, sizeCalculation: (_facts, query) => query.length || 1 })
  return {
    get: (query) => entries.get(query),
    set: (query, facts) => {
      if (query.length <= LONGEST_REMEMBERED) entries.set(query, facts)
    },
  }
}
