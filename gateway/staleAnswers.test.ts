/**
 * Stale answers after a data version change: where a miss may look (the same
 * researcher's entry at the version just before, within the bound, never
 * another researcher's, never an older version's, never with the bound at 0),
 * and the bounded, single-flight queue of background recomputes.
 */
import { describe, expect, it } from 'vitest'
import type { Identity } from '../platform/identity.js'
import { cacheKey, cachedAnswer, memoryStore, readCachedAnswer, staleKeyFor } from './responseCache.js'
import { revalidationQueue } from './revalidation.js'
import { readSettings } from '../platform/settings.js'

const query = 'query Dashboard($id: ID!) { project(id: $id) { code } }'
const ask = { query, operationName: 'Dashboard', variables: { id: 'prj-0001' } }
const alice: Identity = Object.freeze({ sub: 'researcher-0001', name: 'Alice', roles: ['researcher'], projects: ['prj-0001'] })
const bob: Identity = Object.freeze({ sub: 'researcher-0002', name: 'Bob', roles: ['researcher'], projects: ['prj-0001'] })
const changedAt = 1_000_000
const previous = { version: 's:7', changedAt }

/** The stored answer a miss at version s:8 finds, `now` ms after the change, with the bound `staleSeconds`. */
async function staleAnswer(store: ReturnType<typeof memoryStore>, who: Identity, staleSeconds: number, now: number) {
  const key = staleKeyFor(ask, who, 'en', 's:8', previous, staleSeconds, now)
  const entry = key ? await store.get(key) : undefined
  return entry ? readCachedAnswer(entry)?.answer.toString() : undefined
}

describe('where a miss looks for a stale answer', () => {
  it('is the same key at the previous version, while the bound has not passed (a controlled clock)', async () => {
    const store = memoryStore(2 ** 20)
    await store.set(cacheKey(ask, alice, 's:7', 'en')!, cachedAnswer('{"data":"old"}', { projects: ['prj-0001'] }), 600)
    expect(staleKeyFor(ask, alice, 'en', 's:8', previous, 30, changedAt)).toBe(cacheKey(ask, alice, 's:7', 'en'))
    expect(await staleAnswer(store, alice, 30, changedAt)).toBe('{"data":"old"}')
    expect(await staleAnswer(store, alice, 30, changedAt + 29_999)).toBe('{"data":"old"}')
    // At the bound and after it, a miss is a plain miss.
    expect(await staleAnswer(store, alice, 30, changedAt + 30_000)).toBeUndefined()
    expect(await staleAnswer(store, alice, 30, changedAt + 3_600_000)).toBeUndefined()
    // A clock that went back is not taken for "within the bound".
    expect(await staleAnswer(store, alice, 30, changedAt - 1)).toBeUndefined()
    expect(await staleAnswer(store, alice, 5, changedAt + 5_000)).toBeUndefined()
  })

  it('never finds another researcher’s entry, nor one of other projects, language or variables', async () => {
    const store = memoryStore(2 ** 20)
    await store.set(cacheKey(ask, alice, 's:7', 'en')!, cachedAnswer('{"data":"alice"}', {}), 600)
    expect(await staleAnswer(store, bob, 30, changedAt + 1)).toBeUndefined()
    const aliceWithMore: Identity = { ...alice, projects: ['prj-0001', 'prj-0002'] }
    expect(await staleAnswer(store, aliceWithMore, 30, changedAt + 1)).toBeUndefined()
    expect(staleKeyFor(ask, alice, 'nl', 's:8', previous, 30, changedAt + 1)).not.toBe(cacheKey(ask, alice, 's:7', 'en'))
    const other = { ...ask, variables: { id: 'prj-0002' } }
    expect(staleKeyFor(other, alice, 'en', 's:8', previous, 30, changedAt + 1)).not.toBe(cacheKey(ask, alice, 's:7', 'en'))
    expect(await staleAnswer(store, alice, 30, changedAt + 1)).toBe('{"data":"alice"}')
  })

  it('is nowhere with the bound at 0, without a change seen, at the version itself, or for what is never cached', () => {
    expect(staleKeyFor(ask, alice, 'en', 's:8', previous, 0, changedAt)).toBeNull()
    expect(staleKeyFor(ask, alice, 'en', 's:8', undefined, 30, changedAt)).toBeNull()
    // A request keyed at the previous version (it read the version before the change) has no older one to look at.
    expect(staleKeyFor(ask, alice, 'en', 's:7', previous, 30, changedAt)).toBeNull()
    expect(staleKeyFor({ query: 'mutation { x }' }, alice, 'en', 's:8', previous, 30, changedAt)).toBeNull()
  })
})

describe('the queue of background recomputes', () => {
  const gate = () => {
    let open!: () => void
    const opened = new Promise<void>((resolve) => (open = resolve))
    return { opened, open }
  }

  it('runs one recompute per key at a time, a few at once, and takes no more than its queue holds', async () => {
    const queue = revalidationQueue({ concurrency: 2, queueLimit: 2 })
    const g = gate()
    let started = 0
    let most = 0
    let now = 0
    const run = async () => {
      started++
      most = Math.max(most, ++now)
      await g.opened
      now--
    }
    expect(queue.schedule('a', run)).toBe(true)
    // The same key while its recompute is under way: single flight.
    expect(queue.schedule('a', run)).toBe(false)
    expect(queue.schedule('b', run)).toBe(true)
    expect(queue.schedule('c', run)).toBe(true)
    expect(queue.schedule('d', run)).toBe(true)
    // Two running, two waiting: the fifth is not taken on.
    expect(queue.schedule('e', run)).toBe(false)
    expect(queue.pending).toBe(4)
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(started).toBe(2)
    g.open()
    await queue.idle()
    expect(started).toBe(4)
    expect(most).toBe(2)
    // Once done, the key may be recomputed again.
    expect(queue.schedule('a', run)).toBe(true)
    await queue.idle()
    expect(started).toBe(5)
  })

  it('keeps going after a recompute fails, and takes nothing on once closed', async () => {
    const errors: unknown[] = []
    const queue = revalidationQueue({ concurrency: 1, onError: (error) => errors.push(error) })
    let ran = 0
    queue.schedule('x', async () => {
      throw new Error('refused')
    })
    queue.schedule('y', async () => {
      ran++
    })
    await queue.idle()
    expect(errors).toHaveLength(1)
    expect(ran).toBe(1)
    await queue.close()
    expect(queue.schedule('z', async () => undefined)).toBe(false)
  })

  it('runs one recompute at a time unless HD4RES_RESPONSE_CACHE_RECOMPUTES says more, and refuses a setting of 0', async () => {
    const settingsWith = (env: Record<string, string>) => readSettings({ PORT: '0', LOG_LEVEL: 'silent', REDIS_URL: '', ...env })
    const most = async (concurrency: number | undefined) => {
      const queue = revalidationQueue({ concurrency })
      let running = 0
      let peak = 0
      for (const key of ['a', 'b', 'c', 'd'])
        queue.schedule(key, async () => {
          peak = Math.max(peak, ++running)
          await new Promise((resolve) => setTimeout(resolve, 5))
          running--
        })
      await queue.idle()
      return peak
    }
    expect(await most(settingsWith({}).responseCache.recomputes)).toBe(1)
    expect(await most(settingsWith({ HD4RES_RESPONSE_CACHE_RECOMPUTES: '3' }).responseCache.recomputes)).toBe(3)
    expect(() => settingsWith({ HD4RES_RESPONSE_CACHE_RECOMPUTES: '0' })).toThrow(/HD4RES_RESPONSE_CACHE_RECOMPUTES/)
  })
})
