/** The demo's live checks follow a rotating schedule that a test can predict. */
import { describe, expect, it } from 'vitest'
import { COMPONENTS } from '../subgraphs/kit/catalogue/components.js'
import { LIVE_CYCLE_MINUTES, liveCheck, liveChecks } from './live.js'

describe('the demo live checks', () => {
  it('write one check of every component, dated now', () => {
    const at = new Date('2026-12-01T10:00:00Z')
    const checks = liveChecks(at)
    expect(checks.map((c) => c.componentId)).toEqual(COMPONENTS.map((c) => c.id))
    expect(new Set(checks.map((c) => c.at))).toEqual(new Set([at.toISOString()]))
  })

  it('make one component slow in every cycle and one down in every fifth, the same on every run', () => {
    const slow = new Set<string>()
    const down = new Set<string>()
    const start = 4 * LIVE_CYCLE_MINUTES // the fifth cycle
    for (let minute = start; minute < start + 5 * LIVE_CYCLE_MINUTES; minute++) {
      COMPONENTS.forEach((c, i) => {
        const check = liveCheck(i, minute)
        expect(check).toEqual(liveCheck(i, minute))
        if (!check.up) down.add(`${minute}:${i}`)
        else if (check.responseMs! > 3000) slow.add(`${minute}:${i}`)
      })
    }
    expect(down).toEqual(new Set([`${start + 8}:${(4 * 3 + 1) % COMPONENTS.length}`, `${start + 9}:${(4 * 3 + 1) % COMPONENTS.length}`]))
    expect(slow.size).toBe(10)
    expect(slow).toContain(`${start + 3}:4`)
    expect(slow).toContain(`${start + 4}:4`)
  })
})
