/**
 * The background recomputes of stale answers (stages/responseCache.ts): one
 * at a time per cache key, at most `concurrency` at once, and at most
 * `queueLimit` waiting; past that a recompute is not taken on, so a herd of
 * stale answers after an import cannot pile up unbounded work. A recompute
 * that is not taken on costs nothing: the next stale answer for its key asks
 * again, and once the bound has passed the key's next miss computes it anyway.
 */
export interface RevalidationQueue {
  /** Takes a recompute on unless one for the key is already queued or running, or the queue is full; says whether it did. */
  schedule(key: string, run: () => Promise<void>): boolean
  /** Recomputes queued or running. */
  readonly pending: number
  /** Resolves once nothing is queued or running. */
  idle(): Promise<void>
  /** Drops what is queued and takes nothing on any more; resolves once what runs has ended. */
  close(): Promise<void>
}

/**
 * One at a time: a recompute is a cold request through this very process, so
 * each one more at once takes CPU from the stale answers it is meant to keep
 * fast (docs/performance.md has the measurements).
 */
export const REVALIDATION_CONCURRENCY = 1
export const REVALIDATION_QUEUE_LIMIT = 256

export function revalidationQueue(
  options: { concurrency?: number; queueLimit?: number; onError?: (error: unknown) => void } = {},
): RevalidationQueue {
  const concurrency = options.concurrency ?? REVALIDATION_CONCURRENCY
  const queueLimit = options.queueLimit ?? REVALIDATION_QUEUE_LIMIT
  const keys = new Set<string>()
  const waiting: { key: string; run: () => Promise<void> }[] = []
  let running = 0
  let closed = false
  let idlers: (() => void)[] = []

  const settle = () => {
    if (keys.size > 0) return
    const waiters = idlers
    idlers = []
    for (const resolve of waiters) resolve()
  }
  const start = (key: string, run: () => Promise<void>) => {
    running++
    void Promise.resolve()
      .then(run)
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running--
        keys.delete(key)
        const next = closed ? undefined : waiting.shift()
        if (next) start(next.key, next.run)
        settle()
      })
  }

  return {
    schedule(key, run) {
      if (closed || keys.has(key)) return false
      if (running < concurrency) {
        keys.add(key)
        start(key, run)
        return true
      }
      if (waiting.length >= queueLimit) return false
      keys.add(key)
      waiting.push({ key, run })
      return true
    },
    get pending() {
      return keys.size
    },
    idle: () => (keys.size === 0 ? Promise.resolve() : new Promise<void>((resolve) => idlers.push(resolve))),
    close() {
      closed = true
      for (const { key } of waiting.splice(0)) keys.delete(key)
      return this.idle()
    },
  }
}
