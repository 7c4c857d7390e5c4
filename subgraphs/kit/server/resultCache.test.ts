/**
 * The store version a subgraph's result cache keys on: read for every caller
 * that names no version; for the gateway's calls, which name the version the
 * gateway last read, the last read serves while it found that same version
 * and is younger than the trust window.
 */
import { describe, expect, it, vi } from 'vitest'
import type { Queryable } from '../store/db.js'
import { storeVersion } from './resultCache.js'

function fakeStore() {
  const store = { version: 1, reads: 0 }
  const db = {
    query: async () => {
      store.reads++
      return [{ version: store.version, store_id: 'S' }]
    },
  } as unknown as Queryable
  return { store, db }
}

describe('the store version', () => {
  it('is read for every caller that names no version', async () => {
    const { store, db } = fakeStore()
    const version = storeVersion(db, 60_000)
    expect(await version()).toBe('S:1')
    expect(await version()).toBe('S:1')
    expect(store.reads).toBe(2)
  })

  it('shares one read among callers that ask at the same time', async () => {
    const { store, db } = fakeStore()
    const version = storeVersion(db, 0)
    expect(await Promise.all([version(), version(), version()])).toEqual(['S:1', 'S:1', 'S:1'])
    expect(store.reads).toBe(1)
  })

  it('answers the gateway from the last read while it found the version the gateway names, within the trust window', async () => {
    vi.useFakeTimers({ now: 0 })
    try {
      const { store, db } = fakeStore()
      const version = storeVersion(db, 1000)
      expect(await version('S:1')).toBe('S:1')
      expect(store.reads).toBe(1)
      // Same version named, 0.5 s later: no read.
      vi.setSystemTime(500)
      expect(await version('S:1')).toBe('S:1')
      expect(store.reads).toBe(1)
      // An import: the gateway names the new version, so the subgraph reads at once.
      store.version = 2
      expect(await version('S:2')).toBe('S:2')
      expect(store.reads).toBe(2)
      // Past the window the same name is read again.
      vi.setSystemTime(1600)
      expect(await version('S:2')).toBe('S:2')
      expect(store.reads).toBe(3)
    } finally {
      vi.useRealTimers()
    }
  })

  it('never answers an older version than the gateway names', async () => {
    const { store, db } = fakeStore()
    const version = storeVersion(db, 60_000)
    expect(await version('S:1')).toBe('S:1')
    store.version = 2
    // The gateway saw the import first: its name differs from the last read, so the subgraph reads.
    expect(await version('S:2')).toBe('S:2')
  })
})
