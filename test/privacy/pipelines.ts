/**
 * The pipeline view in the attacker's hands: every project's record and
 * subject pipelines on every day, read through the gateway, and turned into
 * readings of the quantities they speak of (what the sources hold together,
 * what a component holds, what is in one component and not yet in the next)
 * plus the verdict: DELAYED or UNUSUAL_DROP says at least 1 is waiting.
 * Each figure is also checked against the cells it is worked out from: the
 * view must say exactly what the published counts say, no more.
 */
import { INF, type Attack, type Bounds, type Term } from './attacker.js'
import type { Kind } from './observe.js'

export interface PipelineAnswer {
  kind: Kind
  project: string
  day: string
  from: string[]
  to: string
  upstream: Bounds | null
  downstream: Bounds | null
  difference: Bounds | null
  verdict: 'FLOWING' | 'DELAYED' | 'UNUSUAL_DROP' | 'NOT_COLLECTED'
  since: string | null
}

type Query = (query: string, variables?: Record<string, unknown>) => Promise<Record<string, any>>

const PER_DOCUMENT = 15
const PARALLEL = 4

const range = (value: { __typename: string; lowerBound?: number; upperBound?: number }): Bounds | null =>
  value.__typename === 'CountRange' ? { lo: value.lowerBound!, hi: value.upperBound! } : null

/** Both pipelines of every project on every day, a project and up to 15 days per document. */
export async function crawlPipelines(
  query: Query,
  projects: readonly { id: string }[],
  days: readonly string[],
): Promise<PipelineAnswer[]> {
  const LINK = `links { from { id } to { id } verdict since
    upstream { __typename ... on CountRange { lowerBound upperBound } }
    downstream { __typename ... on CountRange { lowerBound upperBound } }
    difference { __typename ... on CountRange { lowerBound upperBound } } }`
  const FIELD = (field: string, type: string, i: number) => `${field}(date: $d${i}) { ... on ${type} { date ${LINK} } }`
  const document = (size: number) =>
    `query Pipelines($id: ID!, ${Array.from({ length: size }, (_, i) => `$d${i}: Date!`).join(', ')}) { project(id: $id) {
      ${Array.from({ length: size }, (_, i) => `r${i}: ${FIELD('studyRecordPipeline', 'StudyRecordPipeline', i)} s${i}: ${FIELD('uniqueSubjectPipeline', 'UniqueSubjectPipeline', i)}`).join('\n')} } }`
  const asks: { id: string; group: string[] }[] = []
  for (const p of projects)
    for (let k = 0; k < days.length; k += PER_DOCUMENT) asks.push({ id: p.id, group: days.slice(k, k + PER_DOCUMENT) })
  const out: PipelineAnswer[] = []
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, asks.length) }, async () => {
      while (next < asks.length) {
        const { id, group } = asks[next++]!
        const data = await query(document(group.length), { id, ...Object.fromEntries(group.map((day, i) => [`d${i}`, day])) })
        group.forEach((day, i) => {
          for (const [alias, kind] of [
            [`r${i}`, 'records'],
            [`s${i}`, 'subjects'],
          ] as const) {
            const answer = data.project[alias]
            if (answer.date !== day) throw new Error(`The ${kind} pipeline of ${id} for ${day} answered for ${answer.date}`)
            for (const l of answer.links) {
              out.push({
                kind,
                project: id,
                day,
                from: l.from.map((c: { id: string }) => c.id),
                to: l.to.id,
                upstream: range(l.upstream),
                downstream: range(l.downstream),
                difference: range(l.difference),
                verdict: l.verdict,
                since: l.since,
              })
            }
          }
        })
      }
    }),
  )
  return out
}

export interface PipelineHooks {
  attack: Attack
  /** The series of a cell or derived quantity, when the model has it. */
  series(key: string): number | undefined
  /** A derived quantity: a series defined as a signed sum of others (model.ts). */
  derived(key: string, label: string, category: string, terms: Term[], families: { monotone?: string; nonNegative?: string }): number
  /** The interval the cell's own published count says on a day, as the attacker reads it. */
  cellReading(key: string, day: string): Bounds | null
  /** A figure of the view that says something other than the cells it is worked out from. */
  mismatch(key: string, day: string, what: string, published: Bounds | null, fromCells: Bounds | null): void
}

const same = (a: Bounds | null, b: Bounds | null) => (a === null ? b === null : b !== null && a.lo === b.lo && a.hi === b.hi)

/** Reads every pipeline figure into the attack; returns the number of readings. */
export function readPipelines(answers: readonly PipelineAnswer[], hooks: PipelineHooks): number {
  const { attack } = hooks
  let readings = 0
  for (const a of answers) {
    const cell = (c: string) => `${a.kind}|${a.project}|${c}`
    const transitKey = `${a.kind}|${a.project}|transit|${a.from.join('+')}|${a.to}`
    const transit = hooks.series(transitKey)
    if (transit === undefined) {
      hooks.mismatch(transitKey, a.day, 'a step the attacker has no quantity for', a.difference, null)
      continue
    }
    // What the cells say, and so what the view may say.
    const ups = a.from.map((c) => hooks.cellReading(cell(c), a.day))
    const up = ups.some((b) => b === null) ? null : ups.reduce<Bounds>((s, b) => ({ lo: s.lo + b!.lo, hi: s.hi + b!.hi }), { lo: 0, hi: 0 })
    const down = hooks.cellReading(cell(a.to), a.day)
    const diff = up && down ? { lo: up.lo - down.hi, hi: up.hi - down.lo } : null
    if (!same(a.upstream, up)) hooks.mismatch(transitKey, a.day, 'upstream', a.upstream, up)
    if (!same(a.downstream, down)) hooks.mismatch(transitKey, a.day, 'downstream', a.downstream, down)
    if (!same(a.difference, diff)) hooks.mismatch(transitKey, a.day, 'difference', a.difference, diff)
    if ((a.verdict === 'NOT_COLLECTED') !== (diff === null)) hooks.mismatch(transitKey, a.day, `verdict ${a.verdict}`, a.difference, diff)
    const path = `${a.kind === 'records' ? 'studyRecordPipeline' : 'uniqueSubjectPipeline'}(date:).links`
    // The figures, read like any published count.
    if (a.upstream) {
      let target = a.from.length === 1 ? hooks.series(cell(a.from[0]!)) : undefined
      if (a.from.length > 1 && a.from.every((c) => hooks.series(cell(c)) !== undefined)) {
        const key = `${a.kind}|${a.project}|sources|${a.from.join('+')}`
        target =
          hooks.series(key) ??
          hooks.derived(
            key,
            `${a.kind} of ${a.project} in ${a.from.join(' + ')} together`,
            `${a.kind} in several sources together`,
            a.from.map((c) => ({ series: hooks.series(cell(c))!, coef: 1 as const })),
            { nonNegative: 'a count is never below 0' },
          )
      }
      if (target !== undefined) {
        attack.read(target, a.day, a.upstream, `${path}.upstream`)
        readings++
      }
    }
    const downSeries = hooks.series(cell(a.to))
    if (a.downstream && downSeries !== undefined) {
      attack.read(downSeries, a.day, a.downstream, `${path}.downstream`)
      readings++
    }
    if (a.difference) {
      attack.read(transit, a.day, a.difference, `${path}.difference`)
      readings++
    }
    // DELAYED and UNUSUAL_DROP say something is waiting on the day, and on each collected day since.
    if (a.verdict === 'DELAYED' || a.verdict === 'UNUSUAL_DROP') {
      for (const day of attack.days) {
        if (day < (a.since ?? a.day) || day > a.day) continue
        if ([...a.from, a.to].some((c) => hooks.cellReading(cell(c), day) === null)) continue
        attack.read(transit, day, { lo: 1, hi: INF }, `${path}.verdict`)
        readings++
      }
    }
  }
  return readings
}
