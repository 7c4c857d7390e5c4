/**
 * Persisted-operation safelisting: a production deployment can answer only
 * the operations its frontends registered. The list is a JSON file, either
 * Apollo's persisted query manifest ({"operations": [{"id", "body"}]}) or a
 * map of SHA-256 to document; an operation is allowed when the SHA-256 of
 * its text is on the list.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { queryFacts } from './queryText.js'

export interface Safelist {
  hashes: ReadonlySet<string>
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

export function loadSafelist(file: string): Safelist {
  let data: unknown
  try {
    data = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new Error(`Cannot read the operation safelist ${file}: ${(error as Error).message}`)
  }
  const bodies: string[] = []
  if (data && typeof data === 'object' && Array.isArray((data as { operations?: unknown }).operations)) {
    for (const [i, op] of (data as { operations: unknown[] }).operations.entries()) {
      const body = (op as { body?: unknown })?.body
      if (typeof body !== 'string') throw new Error(`${file}: operations[${i}] has no "body" text`)
      bodies.push(body)
    }
  } else if (data && typeof data === 'object') {
    for (const [hash, body] of Object.entries(data as Record<string, unknown>)) {
      if (typeof body !== 'string') throw new Error(`${file}: the entry "${hash}" is not a document`)
      bodies.push(body)
    }
  } else {
    throw new Error(`${file}: expected a persisted query manifest or a map of hash to document`)
  }
  return { hashes: new Set(bodies.map(sha256)) }
}

/** True when the document is on the list. */
export function isSafelisted(safelist: Safelist, query: unknown): boolean {
  return typeof query === 'string' && safelist.hashes.has(queryFacts(query).sha256)
}

export const NOT_SAFELISTED = 'This operation is not on the list of operations this deployment answers (HD4RES_SAFELIST_FILE)'
