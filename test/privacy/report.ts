/** Failure messages and a run summary for the attacker's suites. */
import { describeBreach, describeMisread, type Breach, type FamilyVerdict } from './attacker.js'
import type { Model } from './model.js'

const SHOWN = 40
const PER_CATEGORY = 3

/** The breaches, counted by sort of quantity, with the narrowest few of each sort in full. */
export function breachReport(breaches: readonly Breach[]): string {
  if (breaches.length === 0) return 'no breach'
  const byCategory = new Map<string, Breach[]>()
  for (const b of breaches) {
    const category = `${b.category}, ${b.from ? 'change between two days' : 'value on a day'}`
    if (!byCategory.has(category)) byCategory.set(category, [])
    byCategory.get(category)!.push(b)
  }
  const exact = breaches.filter((b) => b.derived.lo === b.derived.hi).length
  const lines = [`${breaches.length} quantities pinned inside 1..T-1 (${exact} of them exactly):`]
  for (const [category, list] of [...byCategory].sort((a, b) => a[0].localeCompare(b[0]))) {
    lines.push(`  ${list.length} × ${category}, e.g.`)
    const seen = new Set<number>()
    const examples = [...list]
      .sort((a, b) => a.derived.hi - a.derived.lo - (b.derived.hi - b.derived.lo))
      .filter((b) => !seen.has(b.series) && seen.add(b.series))
    for (const b of examples.slice(0, PER_CATEGORY)) lines.push(`    - ${describeBreach(b)}`)
  }
  return lines.join('\n')
}

export function soundnessReport(model: Model): string {
  const misread = model.attack.misreads()
  const unsound = model.attack.unsound()
  const lines: string[] = []
  if (misread.length)
    lines.push(
      `${misread.length} published counts do not contain the true count:`,
      ...misread.slice(0, SHOWN).map((m) => `  - ${describeMisread(m)}`),
    )
  if (model.solved.infeasible.length)
    lines.push(`the constraints contradict each other in: ${model.solved.infeasible.slice(0, SHOWN).join('; ')}`)
  if (unsound.length)
    lines.push(
      `${unsound.length} derived bounds exclude the true value (the attacker's model is wrong):`,
      ...unsound.slice(0, SHOWN).map((u) => `  - ${describeBreach(u)}`),
    )
  return lines.join('\n') || 'sound'
}

/** Which relation families the attacker used and which it skipped (with why); `skippedOnly` names the used ones in one line. */
export function familiesReport(model: Model, skippedOnly = false): string {
  const line = (v: FamilyVerdict) =>
    `  ${v.counterexample ? 'skipped' : 'used   '} ${v.family} (${v.checked} checks)${v.counterexample ? `: does not hold, e.g. ${v.counterexample}` : ''}`
  if (!skippedOnly) return model.verdicts.map(line).join('\n')
  const used = model.verdicts.filter((v) => !v.counterexample)
  const skipped = model.verdicts.filter((v) => v.counterexample)
  return [
    `  ${used.length} relation families hold on the ground truth and are used; ${skipped.length} do not and are skipped`,
    ...skipped.map(line),
  ].join('\n')
}
