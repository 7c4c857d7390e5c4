/** Small helpers for dataloader batch functions: results in the order of the keys. */
import DataLoader from 'dataloader'

/** One row (or null) per key, for loaders by primary key. */
export function oneByKey<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): (R | null)[] {
  const map = new Map<K, R>()
  for (const row of rows) map.set(keyOf(row), row)
  return keys.map((k) => map.get(k) ?? null)
}

/** The rows by their key, each group in the rows' order. */
export function groupBy<K, R>(rows: readonly R[], keyOf: (row: R) => K): Map<K, R[]> {
  const groups = new Map<K, R[]>()
  for (const row of rows) {
    const k = keyOf(row)
    const group = groups.get(k)
    if (group) group.push(row)
    else groups.set(k, [row])
  }
  return groups
}

/** All rows per key, in the rows' order, for one-to-many loaders. */
export function manyByKey<K, R>(keys: readonly K[], rows: readonly R[], keyOf: (row: R) => K): R[][] {
  const groups = groupBy(rows, keyOf)
  return keys.map((k) => groups.get(k) ?? [])
}

/**
 * A loader whose keys are objects: they are batched together, and deduplicated
 * by the string `cacheKey` returns.
 */
export function objectLoader<K, V>(batch: (keys: readonly K[]) => Promise<V[]>, cacheKey: (key: K) => string): DataLoader<K, V, string> {
  return new DataLoader<K, V, string>(batch, { cacheKeyFn: cacheKey })
}
