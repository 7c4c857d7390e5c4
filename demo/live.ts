/**
 * The demo's live monitoring: while `npm start` runs, a ticker writes a check
 * of every component about once a minute, as HD4DevOps would, so that status
 * stays current and changes over minutes. What each check says depends only
 * on the component and the minute (a rotating schedule, with a little seeded
 * noise in response times), so a test can say what it will see:
 *
 * - in every 12-minute cycle, one component (the next one each cycle) is slow
 *   for two minutes (minutes 3 and 4 of the cycle): DEGRADED;
 * - in every fifth cycle, another component does not answer for two minutes
 *   (minutes 8 and 9): DOWN, then DEGRADED for the hour its failed checks
 *   count as recent (subgraphs/components/loaders.ts), then OPERATIONAL.
 */
import { COMPONENTS } from '../subgraphs/kit/catalogue/components.js'
import type { Queryable } from '../subgraphs/kit/store/db.js'
import { upsertChecks, type ComponentCheck } from '../subgraphs/components/import.js'
import { Random } from './random.js'

const MINUTE = 60_000
/** Minutes in one cycle of the rotating schedule. */
export const LIVE_CYCLE_MINUTES = 12
/** Above components/resolvers.ts's 3 s: a check this slow makes its component DEGRADED. */
const SLOW_MS = 4_500

/** What the check of component `index` says in the minute `minute` (minutes since 1970, UTC). */
export function liveCheck(index: number, minute: number, seed = 42): { up: boolean; responseMs: number | null } {
  const cycle = Math.floor(minute / LIVE_CYCLE_MINUTES)
  const phase = minute - cycle * LIVE_CYCLE_MINUTES
  const count = COMPONENTS.length
  const down = cycle % 5 === 4 && (phase === 8 || phase === 9) && index === (cycle * 3 + 1) % count
  if (down) return { up: false, responseMs: null }
  const noise = new Random(seed).fork(`live:${index}:${minute}`).next()
  const base = 120 + index * 45
  const slow = (phase === 3 || phase === 4) && index === cycle % count
  return { up: true, responseMs: Math.round(slow ? SLOW_MS + noise * 1500 : base * (0.7 + noise * 0.8)) }
}

/** A check of every component at `at`, by the schedule above. */
export function liveChecks(at: Date, seed = 42): ComponentCheck[] {
  const minute = Math.floor(at.getTime() / MINUTE)
  return COMPONENTS.map((c, index) => ({ componentId: c.id, at: at.toISOString(), ...liveCheck(index, minute, seed) }))
}

export interface LiveTickerOptions {
  /** How often it writes; a minute by default. */
  intervalMs?: number
  /** The clock the checks are dated by; the system's by default. */
  now?: () => Date
  seed?: number
  /** Where a write that failed is told (the ticker goes on). */
  onError?: (error: Error) => void
}

export interface LiveTicker {
  /** Writes one round of checks now (the ticker also does, at start and then every interval). */
  tick(): Promise<number>
  /** Stops it, once the write in progress has ended. */
  stop(): Promise<void>
}

export function startLiveTicker(db: Queryable, options: LiveTickerOptions = {}): LiveTicker {
  const now = options.now ?? (() => new Date())
  let running: Promise<number> = Promise.resolve(0)
  let stopped = false
  const tick = () => {
    // One write at a time: a slow store makes the next round wait rather than pile up.
    running = running.catch(() => 0).then(() => (stopped ? 0 : upsertChecks(db, liveChecks(now(), options.seed))))
    return running
  }
  const onError = options.onError ?? (() => undefined)
  const round = () => void tick().catch((error: unknown) => onError(error as Error))
  round()
  const timer = setInterval(round, options.intervalMs ?? MINUTE)
  timer.unref()
  return {
    tick,
    async stop() {
      stopped = true
      clearInterval(timer)
      await running.catch(() => undefined)
    },
  }
}
