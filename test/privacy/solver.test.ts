/**
 * The attacker's solver on hand-made published sets: with exact publication
 * it must find the pins the issue describes, with counts published in bands of
 * the threshold (zero exact, 1..T-1 withheld, larger counts as
 * [kT, kT + T - 1]) and the parts of a total not published at all, only
 * listed, it must find none; parts in bands beside their total it must catch;
 * and whatever it derives must hold for every solution of its constraints.
 */
import { describe, expect, it } from 'vitest'
import { Attack, INF, isPinned, type Bounds } from './attacker.js'
import { readCount } from './model.js'

const T = 5
const DAYS = ['2026-11-01', '2026-11-02', '2026-11-03']

/** A count as the banded publication reads it. */
function band(value: number): Bounds {
  if (value === 0) return { lo: 0, hi: 0 }
  if (value < T) return { lo: 1, hi: T - 1 }
  const lo = Math.floor(value / T) * T
  return { lo, hi: lo + T - 1 }
}
/** A count as today's exact publication reads it: withheld below T, exact otherwise. */
function exact(value: number): Bounds {
  return value > 0 && value < T ? { lo: 1, hi: T - 1 } : { lo: value, hi: value }
}

function series(attack: Attack, key: string, truths: number[], read: (v: number, day: number) => Bounds | null, monotone = true) {
  const s = attack.addSeries({
    key,
    label: key,
    category: key,
    protected: true,
    nonNegative: 'never below 0',
    ...(monotone ? { monotone: 'cumulative' } : {}),
  })
  truths.forEach((v, d) => {
    attack.setTruth(s, attack.days[d]!, v)
    const b = read(v, d)
    if (b) attack.read(s, attack.days[d]!, b, 'hand-made')
  })
  return s
}

const all = (attack: Attack) => [0, ...attack.days.map((d) => attack.node(d))]

describe("the issue's examples", () => {
  it('273 -> 275 at one installation: exact publication gives exactly 2 new patients; bands give nothing', () => {
    for (const [publish, pinned] of [
      [exact, true],
      [band, false],
    ] as const) {
      const attack = new Attack(DAYS.slice(0, 2), T)
      const s = series(attack, 'subjects at the installation', [273, 275], publish)
      attack.vetFamilies()
      attack.solve()
      const change = attack.bounds(s, 1, 2)
      expect(change.lo <= 2 && 2 <= change.hi).toBe(true)
      expect(isPinned(change, T), `${publish.name}: ${JSON.stringify(change)}`).toBe(pinned)
      if (pinned) expect(change).toEqual({ lo: 2, hi: 2 })
      expect(attack.breaches().length > 0).toBe(pinned)
      expect(attack.unsound()).toEqual([])
    }
  })

  it('102 = 100 + x + y: exact publication gives x = y = 1; a banded total beside parts not published gives nothing', () => {
    for (const [name, pinned] of [
      ['exact', true],
      ['hidden', false],
    ] as const) {
      const attack = new Attack(DAYS.slice(0, 1), T)
      const parts = [100, 1, 1]
      // Before bounds, two withheld parts beside an exact total could hide a large one: read as [1, ∞) then.
      const s = parts.map((v, i) =>
        series(attack, `installation ${i}`, [v], (x) => (name === 'hidden' ? null : x < T ? { lo: 1, hi: INF } : exact(x))),
      )
      const total = series(attack, 'total', [102], (v) => (name === 'exact' ? exact(v) : band(v)))
      attack.relate({
        family: 'total = parts',
        label: 'HD4DP v2 Local',
        terms: [{ series: total, coef: -1 }, ...s.map((x) => ({ series: x, coef: 1 as const }))],
        op: 'eq',
        nodes: all(attack),
        scope: 'all',
      })
      attack.vetFamilies()
      attack.solve()
      for (const k of [1, 2]) {
        // Hidden, a part is anything from 0 to the top of the total's band.
        expect(attack.bounds(s[k]!, 0, 1)).toEqual(pinned ? { lo: 1, hi: 1 } : { lo: 0, hi: 104 })
      }
      expect(
        attack
          .breaches()
          .map((b) => b.label)
          .sort(),
      ).toEqual(pinned ? ['installation 1', 'installation 2'] : [])
      expect(attack.unsound()).toEqual([])
    }
  })

  it('records = 2 bound the subjects to [1, 2] with exact records; banded records leave [1, T - 1]', () => {
    for (const [publish, pinned] of [
      [exact, true],
      [band, false],
    ] as const) {
      const attack = new Attack(DAYS.slice(0, 1), T)
      const r = series(attack, 'records', [2], (v) => (publish === exact ? { lo: v, hi: v } : band(v)))
      const s = series(attack, 'subjects', [1], publish)
      attack.relate({
        family: 'subjects <= records',
        label: 'cell',
        terms: [
          { series: s, coef: 1 },
          { series: r, coef: -1 },
        ],
        op: 'le',
        nodes: all(attack),
        scope: 'values',
      })
      attack.imply({ family: 'records >= 1 implies subjects >= 1', label: 'cell', from: r, to: s, nodes: all(attack) })
      attack.vetFamilies()
      attack.solve()
      expect(attack.bounds(s, 0, 1)).toEqual(pinned ? { lo: 1, hi: 2 } : { lo: 1, hi: T - 1 })
      expect(attack.breaches().some((b) => b.label === 'subjects')).toBe(pinned)
    }
  })

  it('9 + 9 + 2 = 20: parts in bands beside their banded total pin the small part to 2..4; parts not published do not', () => {
    for (const [name, pinned] of [
      ['banded', true],
      ['hidden', false],
    ] as const) {
      const attack = new Attack(DAYS.slice(0, 1), T)
      const s = [9, 9, 2].map((v, i) => series(attack, `installation ${i}`, [v], (x) => (name === 'banded' ? band(x) : null)))
      const total = series(attack, 'total', [20], band)
      attack.relate({
        family: 'total = parts',
        label: 'HD4DP v2 Local',
        terms: [{ series: total, coef: -1 }, ...s.map((x) => ({ series: x, coef: 1 as const }))],
        op: 'eq',
        nodes: all(attack),
        scope: 'all',
      })
      attack.vetFamilies()
      attack.solve()
      expect(attack.bounds(s[2]!, 0, 1)).toEqual(pinned ? { lo: 2, hi: 4 } : { lo: 0, hi: 24 })
      expect(attack.breaches().map((b) => b.label)).toEqual(pinned ? ['installation 2'] : [])
      expect(attack.unsound()).toEqual([])
    }
  })

  it('being listed, when it always means a record, pins a withheld total of two installations; used only when it holds', () => {
    for (const [parts, holds] of [
      [[1, 2], true],
      [[1, 0], false],
    ] as const) {
      const attack = new Attack(DAYS.slice(0, 1), T)
      const s = parts.map((v, i) => series(attack, `installation ${i}`, [v], () => null))
      const value = parts[0] + parts[1]
      const total = series(attack, 'total', [value], band)
      attack.relate({
        family: 'total = parts',
        label: 'HD4DP v2 Local',
        terms: [{ series: total, coef: -1 }, ...s.map((x) => ({ series: x, coef: 1 as const }))],
        op: 'eq',
        nodes: all(attack),
        scope: 'all',
      })
      for (const x of s)
        attack.atLeast({
          family: 'listed: at least 1',
          label: attack.series[x]!.label,
          series: x,
          value: 1,
          nodes: [attack.node(DAYS[0]!)],
        })
      const verdict = attack.vetFamilies().find((v) => v.family === 'listed: at least 1')
      expect(verdict?.checked).toBe(2)
      expect(verdict?.counterexample === undefined).toBe(holds)
      attack.solve()
      expect(attack.bounds(total, 0, 1)).toEqual(holds ? { lo: 2, hi: T - 1 } : { lo: 1, hi: T - 1 })
      expect(attack.breaches().some((b) => b.label === 'total')).toBe(holds)
      expect(attack.unsound()).toEqual([])
    }
  })

  it('neighbouring days pin a part that secondary suppression withheld; a banded total beside parts not published leaves it alone', () => {
    // Day 1: 100 + 1 + 1 + 0. Day 2: 100 + 2 + 6 + 0 = 108, the 2 withheld and the 6 with it (secondarily).
    // Day 3: 100 + 3 + 6 + 1 = 110, the 3 and the 1 withheld, the 6 published: it caps day 2's 6, which pins day 2's 2.
    const truths = { a: [100, 100, 100], b: [1, 2, 3], c: [1, 6, 6], e: [0, 0, 1] }
    const secondary = { c: [false, true, false] }
    for (const [name, pinned] of [
      ['exact', true],
      ['hidden', false],
    ] as const) {
      const attack = new Attack(DAYS, T)
      const twoWithheld = [false, true, true]
      const publish = (key: keyof typeof truths) => (v: number, d: number) => {
        if (name === 'hidden') return null
        if (key === 'c' && secondary.c[d]) return { lo: 1, hi: INF }
        // Two withheld beside an exact total: either may be large.
        return v > 0 && v < T && twoWithheld[d] ? { lo: 1, hi: INF } : exact(v)
      }
      const parts = (['a', 'b', 'c', 'e'] as const).map((k) => series(attack, k, truths[k], publish(k)))
      const totals = [0, 1, 2].map((d) => (['a', 'b', 'c', 'e'] as const).reduce((acc, k) => acc + truths[k][d]!, 0))
      const total = series(attack, 'total', totals, (v) => (name === 'hidden' ? band(v) : exact(v)))
      attack.relate({
        family: 'total = parts',
        label: 'local',
        terms: [{ series: total, coef: -1 }, ...parts.map((x) => ({ series: x, coef: 1 as const }))],
        op: 'eq',
        nodes: all(attack),
        scope: 'all',
      })
      attack.vetFamilies()
      attack.solve()
      expect(attack.unsound()).toEqual([])
      // Hidden, day 2's part is anything from 0 to the top of the band of day 2's total (108: 105..109).
      expect(attack.bounds(parts[1]!, 0, 2)).toEqual(pinned ? { lo: 2, hi: 3 } : { lo: 0, hi: 109 })
      expect(attack.breaches().length > 0, JSON.stringify(attack.breaches().slice(0, 3))).toBe(pinned)
    }
  })
})

describe('the solver', () => {
  it('closes one series exactly: bounds on every value and change are the hull of its integer solutions', () => {
    const attack = new Attack(DAYS, T)
    const s = series(attack, 'x', [3, 9, 12], (v) => (v === 9 ? null : band(v)))
    attack.solve()
    // x1 in [1,4], x2 unknown, x3 in [10,14], never falling.
    const solutions: number[][] = []
    for (let x1 = 0; x1 <= 20; x1++)
      for (let x2 = x1; x2 <= 20; x2++)
        for (let x3 = x2; x3 <= 20; x3++) {
          if (x1 >= 1 && x1 <= 4 && x3 >= 10 && x3 <= 14) solutions.push([0, x1, x2, x3])
        }
    for (let i = 0; i < 4; i++) {
      for (let j = 1; j < 4; j++) {
        if (i === j) continue
        const values = solutions.map((x) => x[j]! - x[i]!)
        expect(attack.bounds(s, i, j), `x${j} - x${i}`).toEqual({ lo: Math.min(...values), hi: Math.max(...values) })
      }
    }
  })

  it('derives nothing that some solution of its constraints violates (random small systems against brute force)', () => {
    let seed = 20_261_121
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648
    const MAX = 12
    const t = 3
    for (let round = 0; round < 25; round++) {
      const attack = new Attack(DAYS.slice(0, 2), t)
      // Three cumulative series over two days, the first the sum of the others, the truth drawn at random,
      // each value published exactly, in a band of 3, or not at all.
      const step = () => Math.floor(random() * 4)
      const b = [step()]
      b.push(b[0]! + step())
      const c = [step()]
      c.push(c[0]! + step())
      const a = [b[0]! + c[0]!, b[1]! + c[1]!]
      const published: (Bounds | null)[][] = []
      const publish = (v: number): Bounds | null => {
        const r = random()
        if (r < 0.2) return null
        if (r < 0.4) return { lo: v, hi: v }
        return v === 0 ? { lo: 0, hi: 0 } : v < t ? { lo: 1, hi: t - 1 } : { lo: t * Math.floor(v / t), hi: t * Math.floor(v / t) + t - 1 }
      }
      const ids = [a, b, c].map((truth, k) => {
        const row: (Bounds | null)[] = []
        const id = series(attack, `s${k}`, truth, (v) => {
          const p = publish(v)
          row.push(p)
          return p
        })
        published.push(row)
        return id
      })
      const [sa, sb, sc] = ids as [number, number, number]
      attack.relate({
        family: 'sum',
        label: 'a = b + c',
        terms: [
          { series: sa, coef: -1 },
          { series: sb, coef: 1 },
          { series: sc, coef: 1 },
        ],
        op: 'eq',
        nodes: all(attack),
        scope: 'all',
      })
      const spans = random() < 0.5
      if (spans)
        attack.relate({
          family: 'le',
          label: 'new b <= new c',
          terms: [
            { series: sb, coef: 1 },
            { series: sc, coef: -1 },
          ],
          op: 'le',
          nodes: all(attack),
          scope: 'spans',
        })
      attack.vetFamilies()
      const kept = new Set(attack.relations.map((r) => r.family))
      expect(attack.solve().infeasible).toEqual([])
      let solutions = 0
      for (let b1 = 0; b1 <= MAX; b1++)
        for (let b2 = b1; b2 <= MAX; b2++)
          for (let c1 = 0; c1 <= MAX; c1++)
            for (let c2 = c1; c2 <= MAX; c2++) {
              if (kept.has('le') && b2 - b1 > c2 - c1) continue
              const x = [
                [0, b1 + c1, b2 + c2],
                [0, b1, b2],
                [0, c1, c2],
              ]
              const fits = x.every((row, k) =>
                [1, 2].every((d) => {
                  const p = published[k]![d - 1]
                  return !p || (row[d]! >= p.lo && row[d]! <= p.hi)
                }),
              )
              if (!fits) continue
              solutions++
              x.forEach((row, k) => {
                for (const [i, j] of [
                  [0, 1],
                  [0, 2],
                  [1, 2],
                  [2, 1],
                ] as const) {
                  const got = attack.bounds(ids[k]!, i, j)
                  const v = row[j]! - row[i]!
                  if (v < got.lo || v > got.hi) {
                    throw new Error(
                      `round ${round}: in a solution s${k} x${j} - x${i} = ${v}, derived ${JSON.stringify(got)}; published ${JSON.stringify(published)}`,
                    )
                  }
                }
              })
            }
      expect(solutions, `round ${round}: the truth is a solution`).toBeGreaterThan(0)
      expect(attack.unsound()).toEqual([])
    }
  })

  it('uses a relation family only when it holds on the ground truth', () => {
    const attack = new Attack(DAYS.slice(0, 2), T)
    const r = series(attack, 'records', [1, 2], (v) => ({ lo: v, hi: v }))
    const s = series(attack, 'subjects', [0, 1], exact)
    const falls = series(attack, 'falls', [7, 6], exact)
    attack.relate({
      family: 'subjects <= records',
      label: 'cell',
      terms: [
        { series: s, coef: 1 },
        { series: r, coef: -1 },
      ],
      op: 'le',
      nodes: all(attack),
      scope: 'values',
    })
    attack.imply({ family: 'records >= 1 implies subjects >= 1', label: 'cell', from: r, to: s, nodes: all(attack) })
    const verdicts = attack.vetFamilies()
    expect(verdicts.find((v) => v.family === 'subjects <= records')?.counterexample).toBeUndefined()
    expect(verdicts.find((v) => v.family === 'records >= 1 implies subjects >= 1')?.counterexample).toMatch(/cell on 2026-11-01: 1 but 0/)
    expect(verdicts.find((v) => v.family === 'cumulative')?.counterexample).toMatch(/falls falls from 7 on 2026-11-01 to 6 on 2026-11-02/)
    expect(attack.implications).toEqual([])
    expect(attack.series[falls]!.monotone).toBeUndefined()
    attack.solve()
    expect(attack.unsound()).toEqual([])
  })

  it('reports a published count that excludes the true one, and constraints that contradict each other', () => {
    const attack = new Attack(DAYS.slice(0, 2), T)
    const s = series(attack, 'x', [7, 8], (v) => ({ lo: v + 1, hi: v + 3 }))
    expect(attack.misreads().map((m) => `${m.label} ${m.day} ${m.truth}`)).toEqual(['x 2026-11-01 7', 'x 2026-11-02 8'])
    attack.read(s, DAYS[1]!, { lo: 0, hi: 2 }, 'another path')
    expect(attack.solve().infeasible).toEqual(['x'])
  })

  it('reads the published counts as the API describes them', () => {
    expect(readCount({ __typename: 'ExactCount', value: 0, lowerBound: 0, upperBound: 0 }, true)).toEqual({ lo: 0, hi: 0 })
    expect(readCount({ __typename: 'ExactCount', value: 270, lowerBound: 270, upperBound: 274 }, true)).toEqual({ lo: 270, hi: 274 })
    expect(readCount({ __typename: 'ExactCount', value: 273 }, false)).toEqual({ lo: 273, hi: 273 })
    expect(readCount({ __typename: 'SuppressedCount', threshold: 5 }, true)).toEqual({ lo: 1, hi: 4 })
    expect(readCount({ __typename: 'SuppressedCount', threshold: 5 }, false, true)).toEqual({ lo: 1, hi: INF })
    expect(readCount({ __typename: 'NotCollected' }, true)).toBeNull()
    expect(() => readCount({ __typename: 'ExactCount', value: 5 }, true)).toThrow(/without bounds/)
  })
})
