/**
 * Results shared by every request of one subgraph process for a short while:
 * figures that are the same for everyone (component availability, the import
 * log) and change by the minute at most. Each entry lives `ttlMs`; concurrent
 * requests for a missing entry share one computation.
 */
import { LRUCache } from 'lru-cache'

export class SharedCache<V extends object> {
  private readonly entries: LRUCache<string, Promise<V>>

  constructor(ttlMs: number, max = 5000) {
    this.entries = new LRUCache<string, Promise<V>>({ max, ttl: ttlMs })
  }

  get(key: string, compute: () => Promise<V>): Promise<V> {
    let pending = this.entries.get(key)
    if (!pending) {
      pending = compute()
      this.entries.set(key, pending)
      // A failure is not remembered: the next request tries again.
      pending.catch(() => this.entries.delete(key))
    }
    return pending
  }
}

const perOwner = new WeakMap<object, Map<string, SharedCache<object>>>()

/** The shared cache named `name` for one owner (a subgraph's dependencies), made on first use. */
export function sharedCache<V extends object>(owner: object, name: string, ttlMs: number): SharedCache<V> {
  let caches = perOwner.get(owner)
  if (!caches) perOwner.set(owner, (caches = new Map()))
  let cache = caches.get(name)
  if (!cache) caches.set(name, (cache = new SharedCache<object>(ttlMs)))
  return cache as unknown as SharedCache<V>
}
