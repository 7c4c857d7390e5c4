/**
 * The attacker of the small-count promise: everything one researcher may read,
 * held as intervals, plus linear relations that really hold of the data, and
 * bound tightening over both to a fixpoint.
 *
 * Every quantity lives on a day axis. Node 0 stands for "before every day",
 * where every count is 0, and node k for the k-th day, so that a count on a
 * day is the difference between its node and node 0, and the change of a
 * count between two days is the difference between their nodes. Each series
 * (one cell followed over the days: a project's records in a component, its
 * subjects at one installation, the overlap of two projects, ...) keeps a
 * difference-bound matrix: m[i][j] is an upper bound on x_j - x_i. Published
 * values bound the node-0 row and column; "the count never falls" bounds
 * every later node from below by every earlier one. Closing the matrix
 * (shortest paths) gives the tightest bounds on every value and every change
 * between any two days that these constraints imply, exactly, over integers.
 *
 * Relations between series (subjects <= records, a total = the sum of its
 * parts, the increase in subjects <= the increase in records, ...) are linear
 * constraints over the same node pairs of several series, propagated as
 * intervals; each tightening is closed again inside its series, until nothing
 * moves.
 * Facts that come without a count (an installation listed for the day) may
 * give a series a floor on some days, and are checked like the relations.
 * A series may have no reading at all (an installation whose count is not
 * published): it is bounded by the relations alone.
 *
 * The attacker only uses a relation family after it was checked on the ground
 * truth, and every derived bound is checked to contain the true value: the
 * attack must be sound to mean anything.
 */

export const INF = Number.POSITIVE_INFINITY

export interface Bounds {
  lo: number
  hi: number
}

export interface SeriesInfo {
  key: string
  /** Names the quantity in a failure message: what, project, component, installation, path. */
  label: string
  /** What sort of quantity, for summaries: "subjects per installation", "records in transit", ... */
  category: string
  /** Published under the small-count promise: pinning it to 1..T-1 is a breach. */
  protected: boolean
  /** Family name of "never below zero" for this series; absent when its sign is not known. */
  nonNegative?: string
  /** Family name of "never falls from one day to the next" (a cumulative count); absent when not assumed. */
  monotone?: string
}

export interface Term {
  series: number
  coef: 1 | -1
}

/**
 * Which node pairs a relation holds on: 'values' the pairs (0, d) (the values
 * on each day), 'spans' the pairs (d1, d2) of two days (the changes between
 * them), 'all' both.
 */
export type PairScope = 'values' | 'spans' | 'all'

/** sum(coef * x) <= 0 ('le') or = 0 ('eq'), for each node pair in scope, x the series' difference over the pair. */
export interface Relation {
  family: string
  /** Names this instance for messages: which project, component, day group. */
  label: string
  terms: Term[]
  op: 'le' | 'eq'
  /** Nodes (0 = before every day) the relation holds on, in increasing order. */
  nodes: number[]
  scope: PairScope
}

/** On each node d: `from` >= 1 implies `to` >= 1 (and so `to` = 0 implies `from` = 0). */
export interface Implication {
  family: string
  label: string
  from: number
  to: number
  nodes: number[]
}

/**
 * On each node d of `nodes`: the series is at least `value`, a fact the
 * publication gives without a count (an installation listed for the day, say).
 */
export interface Floor {
  family: string
  label: string
  series: number
  value: number
  nodes: number[]
}

export interface Breach {
  series: number
  label: string
  category: string
  /** null: the value on `to`; a day: the change from that day to `to`. */
  from: string | null
  to: string
  derived: Bounds
  truth: number
}

export interface Unsound {
  label: string
  from: string | null
  to: string
  derived: Bounds
  truth: number
}

export interface Misread {
  label: string
  day: string
  path: string
  published: Bounds
  truth: number
}

export interface FamilyVerdict {
  family: string
  /** Number of (instance, node pair) checks made on the ground truth. */
  checked: number
  /** The first counterexample, when the family does not hold. */
  counterexample?: string
}

export interface SolveResult {
  rounds: number
  converged: boolean
  /** Series whose constraints have no solution: the model or the publication contradicts itself. */
  infeasible: string[]
}

const fmt = (b: Bounds) => `[${b.lo}, ${b.hi === INF ? '∞' : b.hi}]`

export function describeBounds(b: Bounds): string {
  return fmt(b)
}

export class Attack {
  readonly n: number
  readonly series: SeriesInfo[] = []
  readonly relations: Relation[] = []
  readonly implications: Implication[] = []
  readonly floors: Floor[] = []
  private readonly matrices: Float64Array[] = []
  private readonly truths: Float64Array[] = []
  private readonly readings: { series: number; node: number; bounds: Bounds; path: string }[] = []
  private readonly byKey = new Map<string, number>()
  private readonly nodeByDay = new Map<string, number>()
  /** Series with entries tightened since their last closure, and which entries (null: close from scratch). */
  private dirty = new Map<number, number[] | null>()
  private closed = new Set<number>()

  constructor(
    /** The days, in order. */
    readonly days: readonly string[],
    readonly threshold: number,
  ) {
    this.n = days.length + 1
    days.forEach((d, i) => {
      if (i > 0 && d <= days[i - 1]!) throw new Error(`Days must be in increasing order: ${days[i - 1]} then ${d}`)
      this.nodeByDay.set(d, i + 1)
    })
  }

  node(day: string): number {
    const node = this.nodeByDay.get(day)
    if (node === undefined) throw new Error(`${day} is not on the attack's day axis`)
    return node
  }

  dayOf(node: number): string | null {
    return node === 0 ? null : this.days[node - 1]!
  }

  find(key: string): number | undefined {
    return this.byKey.get(key)
  }

  get(key: string): number {
    const s = this.byKey.get(key)
    if (s === undefined) throw new Error(`No series ${key}`)
    return s
  }

  addSeries(info: SeriesInfo): number {
    if (this.byKey.has(info.key)) throw new Error(`Series ${info.key} exists already`)
    const n = this.n
    const m = new Float64Array(n * n).fill(INF)
    for (let i = 0; i < n; i++) m[i * n + i] = 0
    const index = this.series.length
    this.series.push({ ...info })
    this.matrices.push(m)
    this.truths.push(new Float64Array(n).fill(Number.NaN))
    this.truths[index]![0] = 0
    this.byKey.set(info.key, index)
    return index
  }

  /** A published reading: the true value on `day` lies in `bounds`. */
  read(series: number, day: string, bounds: Bounds, path: string): void {
    if (bounds.lo > bounds.hi) throw new Error(`Empty reading ${fmt(bounds)} of ${this.series[series]!.label} on ${day}`)
    const d = this.node(day)
    this.readings.push({ series, node: d, bounds, path })
    this.tighten(series, 0, d, bounds.hi)
    this.tighten(series, d, 0, -bounds.lo)
  }

  /** The ground truth, for checks only: the attack never reads it. */
  setTruth(series: number, day: string, value: number): void {
    this.truths[series]![this.node(day)] = value
  }

  truth(series: number, node: number): number | undefined {
    const v = this.truths[series]![node]!
    return Number.isNaN(v) ? undefined : v
  }

  relate(relation: Relation): void {
    for (let k = 1; k < relation.nodes.length; k++) {
      if (relation.nodes[k]! <= relation.nodes[k - 1]!) throw new Error(`Relation ${relation.label}: nodes must increase`)
    }
    if (relation.terms.length < 2) throw new Error(`Relation ${relation.label} needs two terms at least`)
    this.relations.push(relation)
  }

  imply(implication: Implication): void {
    this.implications.push(implication)
  }

  atLeast(floor: Floor): void {
    if (floor.nodes.includes(0)) throw new Error(`${floor.label}: node 0 is 0 for every series`)
    this.floors.push(floor)
  }

  /** Bounds on x_j - x_i (the value on j when i = 0, the change from i to j otherwise). */
  bounds(series: number, i: number, j: number): Bounds {
    const m = this.matrices[series]!
    const n = this.n
    const hi = m[i * n + j]!
    const negLo = m[j * n + i]!
    return { lo: negLo === INF ? -INF : 0 - negLo, hi }
  }

  private tighten(series: number, i: number, j: number, value: number): boolean {
    const m = this.matrices[series]!
    const at = i * this.n + j
    if (value < m[at]!) {
      m[at] = value
      if (!this.closed.has(series)) this.dirty.set(series, null)
      else {
        const entries = this.dirty.get(series)
        if (entries === undefined) this.dirty.set(series, [at])
        else if (entries !== null) {
          entries.push(at)
          if (entries.length > this.n / 3) this.dirty.set(series, null)
        }
      }
      return true
    }
    return false
  }

  /** Nodes of pairs in a scope: ordered pairs (i, j), i < j. */
  private *pairs(nodes: readonly number[], scope: PairScope): Generator<[number, number]> {
    const days = nodes.filter((x) => x > 0)
    if (scope !== 'spans') for (const d of days) yield [0, d]
    if (scope !== 'values') {
      for (let a = 0; a < days.length; a++) for (let b = a + 1; b < days.length; b++) yield [days[a]!, days[b]!]
    }
  }

  /** Leaves out every relation and series property of these families. */
  dropFamilies(families: ReadonlySet<string>): void {
    for (const info of this.series) {
      if (info.nonNegative && families.has(info.nonNegative)) delete info.nonNegative
      if (info.monotone && families.has(info.monotone)) delete info.monotone
    }
    const keep = <T extends { family: string }>(list: T[]) => {
      const kept = list.filter((r) => !families.has(r.family))
      list.length = 0
      list.push(...kept)
    }
    keep(this.relations)
    keep(this.implications)
    keep(this.floors)
  }

  /** Checks every relation family on the ground truth, and drops the families that do not hold. */
  vetFamilies(): FamilyVerdict[] {
    const verdicts = new Map<string, FamilyVerdict>()
    const verdict = (family: string) => {
      let v = verdicts.get(family)
      if (!v) verdicts.set(family, (v = { family, checked: 0 }))
      return v
    }
    const fail = (family: string, text: string) => {
      const v = verdict(family)
      v.counterexample ??= text
    }
    const n = this.n
    this.series.forEach((info, s) => {
      const known: number[] = []
      for (let d = 1; d < n; d++) if (this.truth(s, d) !== undefined) known.push(d)
      if (info.nonNegative) {
        const v = verdict(info.nonNegative)
        for (const d of known) {
          v.checked++
          if (this.truth(s, d)! < 0) fail(info.nonNegative, `${info.label} is ${this.truth(s, d)} on ${this.dayOf(d)}`)
        }
      }
      if (info.monotone) {
        const v = verdict(info.monotone)
        for (let k = 1; k < known.length; k++) {
          v.checked++
          const [a, b] = [known[k - 1]!, known[k]!]
          if (this.truth(s, b)! < this.truth(s, a)!) {
            fail(
              info.monotone,
              `${info.label} falls from ${this.truth(s, a)} on ${this.dayOf(a)} to ${this.truth(s, b)} on ${this.dayOf(b)}`,
            )
          }
        }
      }
    })
    for (const r of this.relations) {
      const v = verdict(r.family)
      for (const [i, j] of this.pairs(r.nodes, r.scope)) {
        let sum = 0
        let complete = true
        for (const t of r.terms) {
          const a = this.truth(t.series, i)
          const b = this.truth(t.series, j)
          if (a === undefined || b === undefined) {
            complete = false
            break
          }
          sum += t.coef * (b - a)
        }
        if (!complete) continue
        v.checked++
        if (r.op === 'le' ? sum > 0 : sum !== 0) {
          const what = r.terms
            .map(
              (t) =>
                `${t.coef > 0 ? '+' : '-'} ${this.truths[t.series]![j]! - this.truths[t.series]![i]!} (${this.series[t.series]!.label})`,
            )
            .join(' ')
          fail(
            r.family,
            `${r.label}, ${i === 0 ? `on ${this.dayOf(j)}` : `from ${this.dayOf(i)} to ${this.dayOf(j)}`}: ${what} = ${sum}, not ${r.op === 'le' ? '<= 0' : '0'}`,
          )
        }
      }
    }
    for (const r of this.implications) {
      const v = verdict(r.family)
      for (const d of r.nodes) {
        const a = this.truth(r.from, d)
        const b = this.truth(r.to, d)
        if (a === undefined || b === undefined) continue
        v.checked++
        if (a >= 1 && b < 1) fail(r.family, `${r.label} on ${this.dayOf(d)}: ${a} but ${b}`)
      }
    }
    for (const f of this.floors) {
      const v = verdict(f.family)
      for (const d of f.nodes) {
        const t = this.truth(f.series, d)
        if (t === undefined) continue
        v.checked++
        if (t < f.value) fail(f.family, `${f.label} on ${this.dayOf(d)}: ${t}, not at least ${f.value}`)
      }
    }
    this.dropFamilies(new Set([...verdicts.values()].filter((v) => v.counterexample).map((v) => v.family)))
    return [...verdicts.values()].sort((a, b) => a.family.localeCompare(b.family))
  }

  /** Propagates everything to a fixpoint (or `maxRounds`). */
  solve(maxRounds = 200): SolveResult {
    const n = this.n
    this.series.forEach((info, s) => {
      for (let d = 1; d < n; d++) {
        if (info.nonNegative) this.tighten(s, d, 0, 0)
        if (info.monotone) for (let e = 1; e < d; e++) this.tighten(s, d, e, 0)
      }
    })
    for (const f of this.floors) for (const d of f.nodes) this.tighten(f.series, d, 0, -f.value)
    const infeasible = new Set<string>()
    const closeDirty = () => {
      for (const [s, entries] of this.dirty) {
        const ok = entries === null ? this.close(s) : this.closeAfter(s, entries)
        this.closed.add(s)
        if (!ok) infeasible.add(this.series[s]!.label)
      }
      this.dirty.clear()
    }
    closeDirty()
    let rounds = 0
    let converged = false
    while (rounds < maxRounds) {
      rounds++
      for (const r of this.relations) this.propagate(r)
      for (const r of this.implications) {
        for (const d of r.nodes) {
          if (d === 0) continue
          if (this.bounds(r.from, 0, d).lo >= 1) this.tighten(r.to, d, 0, -1)
          if (this.bounds(r.to, 0, d).hi <= 0) this.tighten(r.from, 0, d, 0)
        }
      }
      if (this.dirty.size === 0) {
        converged = true
        break
      }
      closeDirty()
      if (infeasible.size > 0) break
    }
    return { rounds, converged, infeasible: [...infeasible] }
  }

  /** Floyd-Warshall on one series; false when its constraints contradict each other. */
  private close(s: number): boolean {
    const m = this.matrices[s]!
    const n = this.n
    for (let k = 0; k < n; k++) {
      const kn = k * n
      for (let i = 0; i < n; i++) {
        const ik = m[i * n + k]!
        if (ik === INF) continue
        const inn = i * n
        for (let j = 0; j < n; j++) {
          const v = ik + m[kn + j]!
          if (v < m[inn + j]!) m[inn + j] = v
        }
      }
    }
    for (let i = 0; i < n; i++) if (m[i * n + i]! < 0) return false
    return true
  }

  /** Restores closure of a closed series after a few of its entries were tightened: O(n^2) each. */
  private closeAfter(s: number, entries: readonly number[]): boolean {
    const m = this.matrices[s]!
    const n = this.n
    for (const at of entries) {
      const a = Math.floor(at / n)
      const b = at % n
      const c = m[at]!
      const bn = b * n
      for (let i = 0; i < n; i++) {
        const ia = m[i * n + a]!
        if (ia === INF) continue
        const inn = i * n
        const via = ia + c
        for (let j = 0; j < n; j++) {
          const v = via + m[bn + j]!
          if (v < m[inn + j]!) m[inn + j] = v
        }
      }
    }
    for (let i = 0; i < n; i++) if (m[i * n + i]! < 0) return false
    return true
  }

  private propagate(r: Relation): void {
    const n = this.n
    const terms = r.terms
    const count = terms.length
    const mins = new Float64Array(count)
    const maxs = new Float64Array(count)
    for (const [i, j] of this.pairs(r.nodes, r.scope)) {
      // Each term's coef * (x_j - x_i) lies in [mins[k], maxs[k]].
      let sumMin = 0
      let infMin = 0
      let sumMax = 0
      let infMax = 0
      for (let k = 0; k < count; k++) {
        const t = terms[k]!
        const m = this.matrices[t.series]!
        const hi = m[i * n + j]!
        const negLo = m[j * n + i]!
        const lo = -negLo
        const min = t.coef > 0 ? lo : -hi
        const max = t.coef > 0 ? hi : negLo
        mins[k] = min
        maxs[k] = max
        if (min === -INF) infMin++
        else sumMin += min
        if (max === INF) infMax++
        else sumMax += max
      }
      for (let k = 0; k < count; k++) {
        const t = terms[k]!
        // coef * x <= -(sum of the others' minimums)
        const othersInfMin = infMin - (mins[k] === -INF ? 1 : 0)
        if (othersInfMin === 0) {
          const bound = -(sumMin - (mins[k] === -INF ? 0 : mins[k]!))
          if (t.coef > 0) this.tighten(t.series, i, j, bound)
          else this.tighten(t.series, j, i, bound)
        }
        if (r.op === 'eq') {
          // coef * x >= -(sum of the others' maximums)
          const othersInfMax = infMax - (maxs[k] === INF ? 1 : 0)
          if (othersInfMax === 0) {
            const bound = sumMax - (maxs[k] === INF ? 0 : maxs[k]!)
            if (t.coef > 0) this.tighten(t.series, j, i, bound)
            else this.tighten(t.series, i, j, bound)
          }
        }
      }
    }
  }

  /** Published readings that do not contain the true value: the publication, not the attacker, is wrong. */
  misreads(): Misread[] {
    const out: Misread[] = []
    for (const r of this.readings) {
      const t = this.truth(r.series, r.node)
      if (t === undefined) continue
      if (t < r.bounds.lo || t > r.bounds.hi) {
        out.push({ label: this.series[r.series]!.label, day: this.dayOf(r.node)!, path: r.path, published: r.bounds, truth: t })
      }
    }
    return out
  }

  private *knownPairs(s: number): Generator<[number, number, number]> {
    const n = this.n
    const known: number[] = []
    for (let d = 0; d < n; d++) if (this.truth(s, d) !== undefined) known.push(d)
    for (const i of known) {
      for (const j of known) {
        if (i === j || j === 0) continue
        yield [i, j, this.truth(s, j)! - this.truth(s, i)!]
      }
    }
  }

  /** Derived bounds that exclude the true value: the attacker's model is wrong somewhere. */
  unsound(): Unsound[] {
    const out: Unsound[] = []
    this.series.forEach((info, s) => {
      for (const [i, j, t] of this.knownPairs(s)) {
        const b = this.bounds(s, i, j)
        if (t < b.lo || t > b.hi) out.push({ label: info.label, from: this.dayOf(i), to: this.dayOf(j)!, derived: b, truth: t })
      }
    })
    return out
  }

  /**
   * Quantities whose true value is 1..T-1 and that the attacker pins inside
   * 1..T-1 more narrowly than "between 1 and T-1", which is all a withheld
   * count says openly.
   */
  breaches(): Breach[] {
    const T = this.threshold
    const out: Breach[] = []
    this.series.forEach((info, s) => {
      if (!info.protected) return
      for (const [i, j, t] of this.knownPairs(s)) {
        if (t < 1 || t > T - 1) continue
        const b = this.bounds(s, i, j)
        if (isPinned(b, T))
          out.push({ series: s, label: info.label, category: info.category, from: this.dayOf(i), to: this.dayOf(j)!, derived: b, truth: t })
      }
    })
    return out
  }
}

/** True when bounds say more than "between 1 and T-1" about a count in that range. */
export function isPinned(b: Bounds, threshold: number): boolean {
  return b.lo >= 1 && b.hi <= threshold - 1 && (b.lo > 1 || b.hi < threshold - 1)
}

export function describeBreach(b: Breach | Unsound): string {
  const when = b.from ? `change from ${b.from} to ${b.to}` : `on ${b.to}`
  const exact = b.derived.lo === b.derived.hi ? ' (exact)' : ''
  return `${b.label}, ${when}: derived ${fmt(b.derived)}${exact}, true ${b.truth}`
}

export function describeMisread(m: Misread): string {
  return `${m.label} on ${m.day} via ${m.path}: published ${fmt(m.published)}, true ${m.truth}`
}
