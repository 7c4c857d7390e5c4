/**
 * Turns what the researcher read into the attacker's model: one series per
 * cell, the published readings as intervals, and the relations a researcher
 * knows hold of such data (each family checked on the ground truth before it
 * is used), plus the derived quantities they could form: several small
 * installations together, and what is in one component but not yet in the
 * next one along the path.
 *
 * HD4DP v2 Local's installations are listed without their counts. Each listed
 * installation is a series all the same, with no reading: what the attacker
 * knows of it comes from the relations alone (its total is the sum of its
 * installations, subjects no more than records, cumulative, ...), so a small
 * site is still solved for through the total, HD Integration and the
 * neighbouring days.
 */
import {
  Attack,
  describeBreach,
  INF,
  isPinned,
  type Breach,
  type Bounds,
  type FamilyVerdict,
  type SolveResult,
  type Term,
} from './attacker.js'
import { LOCAL, WAREHOUSE, type Crawl, type Kind, type Observation, type PublishedCount } from './observe.js'
import { readPipelines } from './pipelines.js'

const KINDS: Kind[] = ['records', 'subjects']
const FLOW = ['HD_INTEGRATION', 'HD_DWH_STAGING', 'HD_DWH_EXPLOITATION'] as const
/** Up to this many withheld installations of a project, every group of them is a derived quantity. */
const MAX_GROUPED = 5

/** How the attacker reads a published count: the interval the true count lies in, or null when unknown. */
export function readCount(count: PublishedCount, banded: boolean, mayBeLarge = false): Bounds | null {
  switch (count.__typename) {
    case 'NotCollected':
      return null
    case 'SuppressedCount':
      return { lo: 1, hi: mayBeLarge ? INF : count.threshold! - 1 }
    case 'ExactCount':
      if (banded) {
        if (typeof count.lowerBound !== 'number' || typeof count.upperBound !== 'number')
          throw new Error(`ExactCount without bounds: ${JSON.stringify(count)}`)
        return { lo: count.lowerBound, hi: count.upperBound }
      }
      return { lo: count.value!, hi: count.value! }
  }
}

/** What two paths to the same cell must agree on. */
function canonical(count: PublishedCount): string {
  const { __typename, value, lowerBound, upperBound, threshold } = count
  return JSON.stringify(__typename === 'NotCollected' ? { __typename } : { __typename, value, lowerBound, upperBound, threshold })
}

export interface Inconsistency {
  key: string
  day: string
  paths: [string, string]
  published: [string, string]
}

export interface Model {
  attack: Attack
  verdicts: FamilyVerdict[]
  solved: SolveResult
  inconsistencies: Inconsistency[]
  /** Series: every cell read, and the derived quantities. */
  seriesCount: number
  readings: number
}

export interface ModelOptions {
  threshold: number
  /** Relation families to leave out (to find out which ones a breach needs). */
  exclude?: ReadonlySet<string>
}

function subsets<T>(items: readonly T[], minSize: number): T[][] {
  const out: T[][] = []
  for (let mask = 1; mask < 1 << items.length; mask++) {
    const s = items.filter((_, i) => mask & (1 << i))
    if (s.length >= minSize) out.push(s)
  }
  return out
}

export function buildModel(crawl: Crawl, truth: Map<string, Map<string, number>>, options: ModelOptions): Model {
  const { threshold } = options
  const attack = new Attack(crawl.days, threshold)
  const daySet = new Set(crawl.days)
  const code = new Map(crawl.projects.map((p) => [p.id, p.code]))
  const componentName = new Map(crawl.components.map((c) => [c.id, c.name]))
  const external = new Set(crawl.components.filter((c) => c.location === 'EXTERNAL').map((c) => c.id))
  const allNodes = [0, ...crawl.days.map((d) => attack.node(d))]
  const projectName = (id: string) => `${code.get(id) ?? '?'} (${id})`

  // Overlaps are stored both ways; when the truth says so, one cell is read from both sides.
  const overlapVerdict: FamilyVerdict = { family: 'overlap(P, Q) = overlap(Q, P)', checked: 0 }
  for (const [key, days] of truth) {
    if (!key.startsWith('overlap|')) continue
    const [, p, q] = key.split('|')
    const other = truth.get(`overlap|${q}|${p}`)
    for (const [day, v] of days) {
      overlapVerdict.checked++
      if (other?.get(day) !== v)
        overlapVerdict.counterexample ??= `overlap of ${p} with ${q} on ${day} is ${v}, seen from ${q} ${other?.get(day) ?? 'absent'}`
    }
  }
  const symmetric = !overlapVerdict.counterexample
  const cellKey = (o: { key: string }) => {
    if (!o.key.startsWith('overlap|') || !symmetric) return o.key
    const [, p, q] = o.key.split('|')
    return p! < q! ? `overlap|${p}|${q}` : `overlap|${q}|${p}`
  }

  // Series: one per cell read, and one per installation listed (read or not).
  const paths = new Map<string, Set<string>>()
  const byCell = new Map<string, Observation[]>()
  for (const o of crawl.observations) {
    if (!daySet.has(o.day)) continue
    const key = cellKey(o)
    if (!byCell.has(key)) byCell.set(key, [])
    byCell.get(key)!.push(o)
    if (!paths.has(key)) paths.set(key, new Set())
    paths.get(key)!.add(o.path.replace(/\(projectId: [^)]*\)/, '(projectId:)'))
  }
  /** The days each installation is listed on, per `<kind>|<project>|HD4DP_V2_LOCAL|<host>`. */
  const listed = new Map<string, string[]>()
  for (const [at, hosts] of crawl.breakdowns) {
    const [kind, p, day] = at.split('|')
    if (!daySet.has(day!)) continue
    for (const host of hosts) {
      const key = `${kind}|${p}|${LOCAL}|${host}`
      if (!listed.has(key)) listed.set(key, [])
      listed.get(key)!.push(day!)
    }
  }
  const cellKeys = [...new Set([...byCell.keys(), ...listed.keys()])].sort()
  const describe = (key: string): { label: string; monotone: string; category: string } => {
    const read = [...(paths.get(key) ?? [])].sort()
    const via = read.length > 0 ? ` [${read.join(', ')}]` : ' [listed, count not published]'
    const parts = key.split('|')
    if (parts[0] === 'multi')
      return {
        label: `subjects in several studies (platform)${via}`,
        monotone: 'cumulative: subjects in several studies',
        category: 'subjects in several studies',
      }
    if (parts[0] === 'overlap') {
      return {
        label: `subjects shared by ${projectName(parts[1]!)} and ${projectName(parts[2]!)}${via}`,
        monotone: 'cumulative: overlaps',
        category: 'overlaps',
      }
    }
    const [kind, p, c, host] = parts
    if (host) {
      return {
        label: `${kind} of ${projectName(p!)} in ${componentName.get(c!)} at installation ${host}${via}`,
        monotone: `cumulative: ${kind} per installation`,
        category: `${kind} per installation`,
      }
    }
    return {
      label: `${kind} of ${projectName(p!)} in ${componentName.get(c!) ?? c}${via}`,
      monotone: `cumulative: ${kind} per project and component`,
      category: `${kind} per project and component`,
    }
  }
  const NON_NEGATIVE = 'a count is never below 0'
  for (const key of cellKeys) {
    const { label, monotone, category } = describe(key)
    attack.addSeries({ key, label, category, protected: true, nonNegative: NON_NEGATIVE, monotone })
  }

  // Readings, and the same cell read by two paths.
  const inconsistencies: Inconsistency[] = []
  let readings = 0
  for (const [key, list] of byCell) {
    const s = attack.get(key)
    const first = new Map<string, Observation>()
    for (const o of list) {
      const seen = first.get(o.day)
      if (!seen) first.set(o.day, o)
      else if (canonical(seen.count) !== canonical(o.count)) {
        inconsistencies.push({ key, day: o.day, paths: [seen.path, o.path], published: [canonical(seen.count), canonical(o.count)] })
      }
      const bounds = readCount(o.count, crawl.banded, o.mayBeLarge)
      if (bounds) {
        attack.read(s, o.day, bounds, o.path)
        readings++
      }
    }
  }
  // A project not listed in another's overlaps on a day shares no subject with it that day.
  for (const [key] of byCell) {
    if (!key.startsWith('overlap|')) continue
    const [, p, q] = key.split('|')
    const s = attack.get(key)
    for (const [day, answered] of crawl.overlapDays) {
      const sides = byCell.get(key)!.filter((o) => o.day === day)
      const listed = sides.length > 0
      if (symmetric && sides.length === 1 && answered.has(p!) && answered.has(q!)) {
        // Listed from one side only: the other side's answer says "none shared", a second reading of the cell.
        inconsistencies.push({
          key,
          day,
          paths: [sides[0]!.path, 'overlaps of the other project (not listed)'],
          published: [canonical(sides[0]!.count), 'not listed'],
        })
      }
      if (!listed && answered.has(p!) && (symmetric ? answered.has(q!) : true)) {
        attack.read(s, day, { lo: 0, hi: 0 }, `multiStudySubjectCounts(date:).overlaps (not listed)`)
        readings++
      }
    }
  }

  // The ground truth, for the checks.
  for (const key of cellKeys) {
    const s = attack.get(key)
    const days = truth.get(key)
    for (const day of crawl.days) {
      const v = days?.get(day)
      if (v !== undefined) attack.setTruth(s, day, v)
      else if (key.startsWith('overlap|') && crawl.overlapDays.get(day)) attack.setTruth(s, day, 0)
    }
  }

  const series = (key: string) => attack.find(key)
  const projects = crawl.projects.map((p) => p.id)
  const componentsOf = (kind: Kind, p: string) => crawl.components.map((c) => c.id).filter((c) => series(`${kind}|${p}|${c}`) !== undefined)

  /** A derived quantity: a series defined as a signed sum of others, with its truth. */
  const derived = (key: string, label: string, category: string, terms: Term[], families: { monotone?: string; nonNegative?: string }) => {
    const s = attack.addSeries({ key, label, category, protected: true, ...families })
    attack.relate({
      family: 'definition of a derived quantity',
      label,
      terms: [{ series: s, coef: -1 }, ...terms],
      op: 'eq',
      nodes: allNodes,
      scope: 'all',
    })
    for (const day of crawl.days) {
      const node = attack.node(day)
      let sum = 0
      let known = true
      for (const t of terms) {
        const v = attack.truth(t.series, node)
        if (v === undefined) known = false
        else sum += t.coef * v
      }
      if (known) attack.setTruth(s, day, sum)
    }
    return s
  }

  for (const p of projects) {
    // Subjects against records in the same cell.
    const cells: [string, string, string][] = componentsOf('subjects', p).map((c) => [
      `subjects|${p}|${c}`,
      `records|${p}|${c}`,
      'component',
    ])
    for (const key of cellKeys) {
      if (key.startsWith(`subjects|${p}|${LOCAL}|`)) cells.push([key, key.replace(/^subjects/, 'records'), 'installation'])
    }
    for (const [sk, rk, where] of cells) {
      const s = series(sk)
      const r = series(rk)
      if (s === undefined || r === undefined) continue
      const label = attack.series[s]!.label
      attack.relate({
        family: `subjects <= records (${where})`,
        label,
        terms: [
          { series: s, coef: 1 },
          { series: r, coef: -1 },
        ],
        op: 'le',
        nodes: allNodes,
        scope: 'values',
      })
      attack.relate({
        family: `new subjects <= new records between two days (${where})`,
        label,
        terms: [
          { series: s, coef: 1 },
          { series: r, coef: -1 },
        ],
        op: 'le',
        nodes: allNodes,
        scope: 'spans',
      })
      attack.imply({ family: `records >= 1 implies subjects >= 1 (${where})`, label, from: r, to: s, nodes: allNodes })
    }

    // HD4DP v2 Local's total against its installations, per group of days listing the same installations.
    for (const kind of KINDS) {
      const total = series(`${kind}|${p}|${LOCAL}`)
      if (total === undefined) continue
      const groups = new Map<string, { hosts: string[]; nodes: number[] }>()
      for (const day of crawl.days) {
        const hosts = crawl.breakdowns.get(`${kind}|${p}|${day}`)
        if (!hosts) continue
        const sig = hosts.join(' ')
        if (!groups.has(sig)) groups.set(sig, { hosts, nodes: [0] })
        groups.get(sig)!.nodes.push(attack.node(day))
      }
      const part = (host: string) => series(`${kind}|${p}|${LOCAL}|${host}`)
      const sums = (terms: Term[], nodes: number[], label: string) => {
        attack.relate({
          family: `HD4DP v2 Local total = sum of its installations (${kind})`,
          label,
          terms: [{ series: total, coef: -1 }, ...terms],
          op: 'eq',
          nodes,
          scope: 'all',
        })
        attack.relate({
          family: `HD4DP v2 Local total <= sum of its installations (${kind})`,
          label,
          terms: [{ series: total, coef: 1 }, ...terms.map((t) => ({ ...t, coef: -1 as const }))],
          op: 'le',
          nodes,
          scope: 'values',
        })
        attack.relate({
          family: `new in the HD4DP v2 Local total <= sum of new at its installations (${kind})`,
          label,
          terms: [{ series: total, coef: 1 }, ...terms.map((t) => ({ ...t, coef: -1 as const }))],
          op: 'le',
          nodes,
          scope: 'spans',
        })
      }
      for (const { hosts, nodes } of groups.values()) {
        const parts = hosts.map(part).filter((s): s is number => s !== undefined)
        if (parts.length !== hosts.length || parts.length === 0) continue
        const label = `${kind} of ${projectName(p)} in HD4DP v2 Local on ${nodes.length - 1} day(s) listing ${hosts.length} installation(s)`
        sums(
          parts.map((s) => ({ series: s, coef: 1 })),
          nodes,
          label,
        )
        for (const s of parts) {
          attack.relate({
            family: `an installation <= the HD4DP v2 Local total (${kind})`,
            label: attack.series[s]!.label,
            terms: [
              { series: s, coef: 1 },
              { series: total, coef: -1 },
            ],
            op: 'le',
            nodes,
            scope: 'values',
          })
        }
      }
      // Being listed for a day may say that an installation has something to count.
      for (const [key, days] of listed) {
        if (!key.startsWith(`${kind}|${p}|${LOCAL}|`)) continue
        const s = attack.get(key)
        attack.atLeast({
          family: `an installation listed for the day has at least 1 (${kind})`,
          label: attack.series[s]!.label,
          series: s,
          value: 1,
          nodes: days.map((d) => attack.node(d)),
        })
      }
      // Small installations taken together, with the others against the total. Every group could be formed; a
      // group whose sum is never small cannot be a breach itself, so the groups of the installations that are
      // small on some day (by the ground truth, which only chooses what to look at) are the ones worth following.
      const small = [...listed.keys()]
        .filter((key) => key.startsWith(`${kind}|${p}|${LOCAL}|`))
        .filter((key) => [...(truth.get(key)?.entries() ?? [])].some(([day, v]) => daySet.has(day) && v >= 1 && v < threshold))
        .map((key) => key.split('|')[3]!)
        .sort()
      const together = small.length <= MAX_GROUPED ? subsets(small, 2) : [small]
      for (const group of together) {
        const members = group.map(part)
        if (members.some((s) => s === undefined)) continue
        const key = `${kind}|${p}|${LOCAL}|${group.join('+')}`
        const label = `${kind} of ${projectName(p)} in HD4DP v2 Local at installations ${group.join(' + ')} together`
        const aux = derived(
          key,
          label,
          `${kind} at several installations together`,
          members.map((s) => ({ series: s!, coef: 1 })),
          { nonNegative: NON_NEGATIVE, monotone: `cumulative: ${kind} per installation` },
        )
        for (const { hosts, nodes } of groups.values()) {
          if (!group.every((h) => hosts.includes(h))) continue
          const others = hosts.filter((h) => !group.includes(h)).map(part)
          if (others.some((s) => s === undefined)) continue
          sums(
            [{ series: aux, coef: 1 }, ...others.map((s) => ({ series: s!, coef: 1 as const }))],
            nodes,
            `${label}, with the other installations`,
          )
        }
      }
    }

    // Along the path: what is in one component and not yet in the next.
    const transit = new Map<string, number>()
    for (const kind of KINDS) {
      const comps = componentsOf(kind, p)
      const sources = comps.filter((c) => external.has(c))
      const links: { from: string[]; to: string; name: string }[] = []
      const chain = FLOW.filter((c) => comps.includes(c))
      if (sources.length > 0 && chain[0] === 'HD_INTEGRATION')
        links.push({ from: sources, to: 'HD_INTEGRATION', name: 'external sources -> HD Integration' })
      for (let k = 1; k < chain.length; k++)
        links.push({ from: [chain[k - 1]!], to: chain[k]!, name: `${componentName.get(chain[k - 1]!)} -> ${componentName.get(chain[k]!)}` })
      for (const link of links) {
        const up = link.from.map((c) => series(`${kind}|${p}|${c}`)!)
        const down = series(`${kind}|${p}|${link.to}`)!
        const key = `${kind}|${p}|transit|${link.from.join('+')}|${link.to}`
        const label = `${kind} of ${projectName(p)} in ${link.from.map((c) => componentName.get(c)).join(' + ')} not yet in ${componentName.get(link.to)}`
        const s = derived(
          key,
          label,
          `${kind} in one component and not yet in the next`,
          [...up.map((u) => ({ series: u, coef: 1 as const })), { series: down, coef: -1 }],
          {
            nonNegative: `along the path, downstream <= upstream (${kind}, ${link.name})`,
          },
        )
        transit.set(`${kind}|${link.name}`, s)
      }
    }
    for (const [k, s] of transit) {
      if (!k.startsWith('subjects|')) continue
      const r = transit.get(k.replace(/^subjects/, 'records'))
      if (r === undefined) continue
      const link = k.split('|')[1]!
      attack.relate({
        family: `subjects in transit <= records in transit (${link})`,
        label: attack.series[s]!.label,
        terms: [
          { series: s, coef: 1 },
          { series: r, coef: -1 },
        ],
        op: 'le',
        nodes: allNodes,
        scope: 'values',
      })
    }
  }

  // Overlaps against the projects' warehouse subjects and the platform-wide figure.
  const overlapSeries = [...byCell.keys()].filter((k) => k.startsWith('overlap|'))
  for (const key of overlapSeries) {
    const o = attack.get(key)
    const [, p, q] = key.split('|')
    for (const side of [p!, q!]) {
      const w = series(`subjects|${side}|${WAREHOUSE}`)
      if (w === undefined) continue
      attack.relate({
        family: 'overlap <= subjects of either project in HD DWH Exploitation',
        label: attack.series[o]!.label,
        terms: [
          { series: o, coef: 1 },
          { series: w, coef: -1 },
        ],
        op: 'le',
        nodes: allNodes,
        scope: 'values',
      })
    }
  }
  const multi = series('multi')
  if (multi !== undefined && overlapSeries.length > 0) {
    const pairs = symmetric ? overlapSeries : overlapSeries.filter((k) => k.split('|')[1]! < k.split('|')[2]!)
    attack.relate({
      family: 'subjects in several studies <= sum of the overlaps',
      label: 'subjects in several studies',
      terms: [{ series: multi, coef: 1 }, ...pairs.map((k) => ({ series: attack.get(k), coef: -1 as const }))],
      op: 'le',
      nodes: allNodes,
      scope: 'values',
    })
    for (const key of overlapSeries) {
      attack.relate({
        family: 'an overlap <= subjects in several studies',
        label: attack.series[attack.get(key)]!.label,
        terms: [
          { series: attack.get(key), coef: 1 },
          { series: multi, coef: -1 },
        ],
        op: 'le',
        nodes: allNodes,
        scope: 'values',
      })
    }
  }

  // The pipeline view: its figures read like any count, and checked against the cells they come from.
  readings += readPipelines(crawl.pipelines, {
    attack,
    series,
    derived,
    cellReading: (key, day) => {
      const o = byCell.get(key)?.find((x) => x.day === day)
      return o ? readCount(o.count, crawl.banded, o.mayBeLarge) : null
    },
    mismatch: (key, day, what, published, fromCells) =>
      inconsistencies.push({
        key,
        day,
        paths: [`pipeline ${what}`, 'the published counts it is worked out from'],
        published: [JSON.stringify(published), JSON.stringify(fromCells)],
      }),
  })

  if (options.exclude?.size) attack.dropFamilies(options.exclude)
  const verdicts = [overlapVerdict, ...attack.vetFamilies()].sort((a, b) => a.family.localeCompare(b.family))
  const solved = attack.solve()
  return { attack, verdicts, solved, inconsistencies, seriesCount: attack.series.length, readings }
}

/**
 * The crawl as another publication would have answered it, for the checks that
 * the attacker has teeth: every cell read and every installation listed, with
 * its true count as `publish` gives it (null: not published).
 */
export function republish(
  crawl: Crawl,
  truth: Map<string, Map<string, number>>,
  banded: boolean,
  publish: (key: string, value: number) => PublishedCount | null,
): Crawl {
  const field = { records: 'studyRecordCounts', subjects: 'uniqueSubjectCounts' } as const
  const parts = crawl.installations.map((i): Observation => ({
    key: `${i.kind}|${i.project}|${LOCAL}|${i.host}`,
    day: i.day,
    path: `${field[i.kind]}(date:).installations`,
    count: i.count,
  }))
  const observations = [...crawl.observations, ...parts].flatMap((o): Observation[] => {
    const value = truth.get(o.key)?.get(o.day)
    const count = value === undefined ? null : publish(o.key, value)
    return count ? [{ key: o.key, day: o.day, path: o.path, count }] : []
  })
  // Another publication would not have the pipeline view, worked out from these counts.
  return { ...crawl, banded, observations, pipelines: [] }
}

/**
 * For a few breaches (one of each sort), a smallest set of relation families that
 * still pins it: families are left out one after the other as long as the
 * breach survives without them (the published counts themselves always stay).
 */
export function explainBreaches(crawl: Crawl, truth: Map<string, Map<string, number>>, model: Model, limit = 2): string[] {
  const used = model.verdicts.filter((v) => !v.counterexample).map((v) => v.family)
  // One breach of each sort first, subjects before records.
  const bySort = new Map<string, Breach>()
  for (const b of model.attack.breaches()) if (!bySort.has(b.category)) bySort.set(b.category, b)
  const chosen = [...bySort.values()]
    .sort((a, b) => Number(a.category.startsWith('records')) - Number(b.category.startsWith('records')))
    .slice(0, limit)
  return chosen.map((b) => {
    const key = model.attack.series[b.series]!.key
    const pinned = (exclude: Set<string>) => {
      const a = buildModel(crawl, truth, { threshold: model.attack.threshold, exclude }).attack
      const s = a.find(key)
      return s !== undefined && isPinned(a.bounds(s, b.from ? a.node(b.from) : 0, a.node(b.to)), a.threshold)
    }
    const excluded = new Set<string>()
    for (const family of used) {
      excluded.add(family)
      if (!pinned(excluded)) excluded.delete(family)
    }
    return `${describeBreach(b)}\n      pinned with only: ${used.filter((f) => !excluded.has(f)).join('; ') || 'the published counts'}`
  })
}
