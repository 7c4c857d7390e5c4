/**
 * The cache a frontend's Apollo Client needs for this API. Tickets, projects,
 * components and people have an `id`, so the cache keeps each once under
 * `<__typename>:<id>` (Incident:<sys_id>, ServiceRequest:<sys_id>) with no
 * keyFields to declare; the generated possibleTypes tell it which types are
 * Tickets and which belong to each result union, without which it drops the
 * fields asked for under `... on Ticket`.
 */
import { InMemoryCache, type InMemoryCacheConfig } from '@apollo/client'
import generated from './generated/possibleTypes.js'

export const { possibleTypes } = generated

export function createCache(config: Omit<InMemoryCacheConfig, 'possibleTypes'> = {}): InMemoryCache {
  return new InMemoryCache({ ...config, possibleTypes })
}
