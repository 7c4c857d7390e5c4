/**
 * The pipeline view: per project and day, what is in one component of the
 * records' path and not (yet) in the next, with a verdict.
 *
 * Privacy: everything here is worked out from counts as they are published
 * (CountValueData, after the Disclosure), never from a stored count. A
 * published count is read as the interval it stands for (0 as 0, a withheld
 * count as 1..T-1, a band as lowerBound..upperBound), upstream as the sum of
 * its components' intervals, and the difference as [lowUp - highDown,
 * highUp - lowDown]. The verdict, its date and the shares are functions of
 * the same published intervals over the project's own published history, so
 * a researcher who reads the counts could work all of it out and learns
 * nothing more from it (docs/privacy.md).
 *
 * The rules (docs/api.md):
 * - NOT_COLLECTED: a side has no count on the day.
 * - The downstream lags on a day when the difference's lower bound is 1 or
 *   more: whatever the true counts inside their bands, something upstream is
 *   not downstream. Otherwise FLOWING.
 * - DELAYED: it lags; `since` is the first day of the current run of lagging
 *   days, followed back over at most PIPELINE_RULES.lookbackDays; days on which
 *   a side was not collected neither end nor start a run.
 * - UNUSUAL_DROP: it lags, and the smallest loss share the published counts
 *   allow (lowDifference / highUpstream) exceeds the project's usual share (the
 *   median of its daily shares, each the middle of the difference over the
 *   middle of upstream, over the usualWindowDays before the day, when at least
 *   minHistoryDays of them are known) by more than madFactor robust standard
 *   deviations (1.4826 x the median absolute deviation), and by minMargin at
 *   least.
 */
import { COMPONENT_IDS, componentInfo, type ComponentId, type ComponentRef } from '../catalogue/components.js'
import { addDays } from '../dates.js'
import type { Language, Localisable, Texts } from '../i18n/texts.js'
import { noCountCollected } from './texts.js'
import type { SeriesData } from './loaders.js'
import type { CountValueData } from './types.js'

export const PIPELINE_VERDICTS = ['FLOWING', 'DELAYED', 'UNUSUAL_DROP', 'NOT_COLLECTED'] as const
export type PipelineVerdict = (typeof PIPELINE_VERDICTS)[number]

export const PIPELINE_RULES = {
  /** How far back a run of lagging days is followed (the history read, the day included). */
  lookbackDays: 366,
  /** The days before the day whose shares make the project's usual share. */
  usualWindowDays: 90,
  /** Fewer known days than this, and no share is usual yet: no UNUSUAL_DROP. */
  minHistoryDays: 14,
  /** How many robust standard deviations above the usual share is unusual. */
  madFactor: 3,
  /** The least margin above the usual share that is unusual, as a share (0.02: two percentage points). */
  minMargin: 0.02,
} as const

/** The median absolute deviation times this estimates the standard deviation of normal data. */
const MAD_TO_SD = 1.4826

/** The path into the warehouse, after the sources: HD Integration, DWH Staging, DWH Exploitation. */
export const PIPELINE_CHAIN: readonly ComponentId[] = ['HD_INTEGRATION', 'HD_DWH_STAGING', 'HD_DWH_EXPLOITATION']

export interface Interval {
  lo: number
  hi: number
}

export interface CountRangeData {
  __typename: 'CountRange'
  lowerBound: number
  upperBound: number
}

export type PipelineCountData = CountRangeData | { __typename: 'NotCollected'; reason: Localisable }

export interface PipelineStageData {
  component: ComponentRef
  count: CountValueData
}

export interface PipelineLinkData {
  from: ComponentRef[]
  to: ComponentRef
  upstream: PipelineCountData
  downstream: PipelineCountData
  difference: PipelineCountData
  verdict: PipelineVerdict
  since: string | null
  lossShareAtLeast: number | null
  usualLossShare: number | null
  message: Texts
}

export interface PipelineData {
  date: string
  stages: PipelineStageData[]
  links: PipelineLinkData[]
}

/** What is counted: records or subjects, in each language. */
export type PipelineNoun = Texts

export const RECORDS_NOUN: PipelineNoun = { en: 'records', nl: 'records', fr: 'enregistrements', de: 'Datensätze' }
export const SUBJECTS_NOUN: PipelineNoun = { en: 'subjects', nl: 'subjecten', fr: 'sujets', de: 'Personen' }

/** The interval a published count stands for; null when it was not collected. */
export function publishedInterval(count: CountValueData): Interval | null {
  switch (count.__typename) {
    case 'ExactCount':
      return { lo: count.lowerBound, hi: count.upperBound }
    case 'SuppressedCount':
      return { lo: 1, hi: count.threshold - 1 }
    case 'NotCollected':
      return null
  }
}

/** The sum of intervals; null when one is unknown. */
export function sumIntervals(parts: readonly (Interval | null)[]): Interval | null {
  let lo = 0
  let hi = 0
  for (const p of parts) {
    if (!p) return null
    lo += p.lo
    hi += p.hi
  }
  return { lo, hi }
}

/** upstream - downstream, as an interval: every difference the two intervals allow. */
export function differenceInterval(up: Interval, down: Interval): Interval {
  return { lo: up.lo - down.hi, hi: up.hi - down.lo }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** The share of upstream that is not downstream on a day, at the middle of both intervals, in 0..1; null when upstream is 0. */
export function middleShare(up: Interval, diff: Interval): number | null {
  const u = (up.lo + up.hi) / 2
  if (u <= 0) return null
  return Math.min(1, Math.max(0, (diff.lo + diff.hi) / 2 / u))
}

/** The smallest share of upstream that the intervals allow to be missing downstream. */
export function leastShare(up: Interval, diff: Interval): number {
  return up.hi <= 0 ? 0 : Math.max(0, diff.lo) / up.hi
}

/** The project's usual share and the margin above it that is unusual; null while the history is too short. */
export function usualShare(history: readonly number[]): { usual: number; margin: number } | null {
  if (history.length < PIPELINE_RULES.minHistoryDays) return null
  const usual = median(history)
  const mad = median(history.map((s) => Math.abs(s - usual)))
  return { usual, margin: Math.max(PIPELINE_RULES.madFactor * MAD_TO_SD * mad, PIPELINE_RULES.minMargin) }
}

/** One day of a link: its upstream, downstream and difference, or which side is missing. */
export type LinkDay = { up: Interval; down: Interval; diff: Interval } | { missing: ComponentRef[] }

/**
 * The verdict of a link on the last of `days` (ascending, one per calendar
 * day, the window of the project's history), from its published days.
 */
export function judgeLink(days: readonly { date: string; day: LinkDay }[]): {
  verdict: PipelineVerdict
  since: string | null
  sinceOrEarlier: boolean
  leastShare: number | null
  usual: { usual: number; margin: number } | null
} {
  const last = days.at(-1)
  if (!last || 'missing' in last.day) return { verdict: 'NOT_COLLECTED', since: null, sinceOrEarlier: false, leastShare: null, usual: null }
  const today = last.day
  const window = days.slice(Math.max(0, days.length - 1 - PIPELINE_RULES.usualWindowDays), -1)
  const history = window.flatMap(({ day }) => ('missing' in day ? [] : [middleShare(day.up, day.diff)])).filter((s) => s !== null)
  const usual = usualShare(history)
  const share = leastShare(today.up, today.diff)
  if (today.diff.lo < 1) return { verdict: 'FLOWING', since: null, sinceOrEarlier: false, leastShare: share, usual }
  // Follow the run of lagging days back; a day without both counts neither ends it nor starts it.
  let since = last.date
  let ended = false
  for (let k = days.length - 2; k >= 0; k--) {
    const { date, day } = days[k]!
    if ('missing' in day) continue
    if (day.diff.lo >= 1) since = date
    else {
      ended = true
      break
    }
  }
  const first = days[0]!
  const sinceOrEarlier = !ended && since === first.date
  const unusual = usual !== null && share > usual.usual + usual.margin
  return { verdict: unusual ? 'UNUSUAL_DROP' : 'DELAYED', since, sinceOrEarlier, leastShare: share, usual }
}

const LOCALES: Record<Language, string> = { en: 'en-GB', nl: 'nl-BE', fr: 'fr-BE', de: 'de-BE' }
const number = (language: Language, n: number) => new Intl.NumberFormat(LOCALES[language]).format(n)
const percent = (language: Language, share: number) =>
  new Intl.NumberFormat(LOCALES[language], { style: 'percent', maximumFractionDigits: 1 }).format(share)

function texts(make: (language: Language) => string): Texts {
  return { en: make('en'), nl: make('nl'), fr: make('fr'), de: make('de') }
}

/** The sentence that says a link's verdict, in every language. */
export function linkMessage(
  noun: PipelineNoun,
  date: string,
  from: readonly ComponentRef[],
  to: ComponentRef,
  judged: ReturnType<typeof judgeLink>,
  day: LinkDay,
): Texts {
  const source = from.map((c) => c.name).join(' + ')
  if ('missing' in day) {
    const names = day.missing.map((c) => c.name).join(', ')
    return {
      en: `No count of ${noun.en} was collected from ${names} for ${date}.`,
      nl: `Voor ${date} werd geen aantal ${noun.nl} verzameld van ${names}.`,
      fr: `Aucun nombre de ${noun.fr} n'a été collecté auprès de ${names} pour le ${date}.`,
      de: `Für ${date} wurde von ${names} keine Zahl der ${noun.de} erhoben.`,
    }
  }
  const { diff } = day
  if (judged.verdict === 'FLOWING') {
    if (diff.hi < 0) {
      return texts((l) => {
        const [a, b] = [number(l, -diff.hi), number(l, -diff.lo)]
        return {
          en: `${to.name} holds ${a} to ${b} more ${noun.en} than ${source}: they reached it by another way, or the count of ${source} is behind.`,
          nl: `${to.name} bevat ${a} tot ${b} ${noun.nl} meer dan ${source}: ze kwamen er langs een andere weg, of het aantal van ${source} loopt achter.`,
          fr: `${to.name} contient ${a} à ${b} ${noun.fr} de plus que ${source} : ils y sont arrivés par un autre chemin, ou le nombre de ${source} est en retard.`,
          de: `${to.name} enthält ${a} bis ${b} ${noun.de} mehr als ${source}: Sie kamen auf einem anderen Weg dorthin, oder die Zahl von ${source} hinkt nach.`,
        }[l]
      })
    }
    return texts((l) => {
      const [a, b] = [number(l, diff.lo), number(l, diff.hi)]
      return {
        en: `Nothing is shown waiting: ${to.name} holds as many ${noun.en} as ${source}, within the bands of the published counts (difference ${a} to ${b}).`,
        nl: `Er wacht niets: ${to.name} bevat evenveel ${noun.nl} als ${source}, binnen de banden van de gepubliceerde aantallen (verschil ${a} tot ${b}).`,
        fr: `Rien n'est en attente : ${to.name} contient autant de ${noun.fr} que ${source}, dans les bandes des nombres publiés (écart de ${a} à ${b}).`,
        de: `Nichts wartet: ${to.name} enthält so viele ${noun.de} wie ${source}, innerhalb der Bänder der veröffentlichten Zahlen (Differenz ${a} bis ${b}).`,
      }[l]
    })
  }
  const since = judged.since!
  const sinceText: Texts = judged.sinceOrEarlier
    ? {
        en: `since ${since} or earlier`,
        nl: `sinds ${since} of eerder`,
        fr: `depuis le ${since} ou avant`,
        de: `seit ${since} oder früher`,
      }
    : { en: `since ${since}`, nl: `sinds ${since}`, fr: `depuis le ${since}`, de: `seit ${since}` }
  if (judged.verdict === 'DELAYED') {
    return texts((l) => {
      const [a, b] = [number(l, diff.lo), number(l, diff.hi)]
      return {
        en: `${a} to ${b} ${noun.en} are in ${source} but not yet in ${to.name}, waiting ${sinceText.en}.`,
        nl: `${a} tot ${b} ${noun.nl} staan in ${source} maar nog niet in ${to.name}; ze wachten ${sinceText.nl}.`,
        fr: `${a} à ${b} ${noun.fr} sont dans ${source} mais pas encore dans ${to.name} ; ils attendent ${sinceText.fr}.`,
        de: `${a} bis ${b} ${noun.de} sind in ${source}, aber noch nicht in ${to.name}; sie warten ${sinceText.de}.`,
      }[l]
    })
  }
  return texts((l) => {
    const [a, b] = [number(l, diff.lo), number(l, diff.hi)]
    const [p, u] = [percent(l, judged.leastShare!), percent(l, judged.usual!.usual)]
    return {
      en: `${a} to ${b} ${noun.en} are in ${source} but not in ${to.name} (${sinceText.en}): at least ${p} of them, where this project usually loses ${u} on this step.`,
      nl: `${a} tot ${b} ${noun.nl} staan in ${source} maar niet in ${to.name} (${sinceText.nl}): minstens ${p} ervan, waar dit project bij deze stap gewoonlijk ${u} verliest.`,
      fr: `${a} à ${b} ${noun.fr} sont dans ${source} mais pas dans ${to.name} (${sinceText.fr}) : au moins ${p} d'entre eux, alors que ce projet en perd d'habitude ${u} à cette étape.`,
      de: `${a} bis ${b} ${noun.de} sind in ${source}, aber nicht in ${to.name} (${sinceText.de}): mindestens ${p} davon, wo dieses Projekt bei diesem Schritt üblicherweise ${u} verliert.`,
    }[l]
  })
}

const range = (i: Interval): CountRangeData => ({ __typename: 'CountRange', lowerBound: i.lo, upperBound: i.hi })

/**
 * The links of a project's path among the components it uses: the external
 * sources together into HD Integration (HD Integration counts what all of
 * them delivered, as one figure), then each internal component into the next
 * one the project uses.
 */
export function pipelineLinks(used: readonly ComponentId[]): { from: ComponentId[]; to: ComponentId }[] {
  const usedSet = new Set(used)
  const ordered = COMPONENT_IDS.filter((id) => usedSet.has(id))
  const sources = ordered.filter((id) => componentInfo(id).location === 'EXTERNAL')
  const chain = PIPELINE_CHAIN.filter((id) => usedSet.has(id))
  const links: { from: ComponentId[]; to: ComponentId }[] = []
  if (sources.length > 0 && chain[0] === 'HD_INTEGRATION') links.push({ from: sources, to: 'HD_INTEGRATION' })
  for (let k = 1; k < chain.length; k++) links.push({ from: [chain[k - 1]!], to: chain[k]! })
  return links
}

/**
 * A project's pipeline on `date` from its published daily series over the
 * window `from`..`date` (one point per day, as the history loader gives them).
 */
export function buildPipeline(input: { date: string; from: string; series: readonly SeriesData[]; noun: PipelineNoun }): PipelineData {
  const { date, noun } = input
  const byComponent = new Map(input.series.map((s) => [s.component.id, s]))
  const pointsOf = new Map(
    input.series.map(
      (s) => [s.component.id, new Map(s.points.map((p) => [p.date, p.count]))] as [ComponentId, Map<string, CountValueData>],
    ),
  )
  const days: string[] = []
  for (let d = input.from; d <= date; d = addDays(d, 1)) days.push(d)
  const countOn = (id: ComponentId, day: string): CountValueData =>
    pointsOf.get(id)?.get(day) ?? { __typename: 'NotCollected', reason: noCountCollected(componentInfo(id).name, day) }

  const links = pipelineLinks([...byComponent.keys()])
  const onPath = new Set(links.flatMap((l) => [...l.from, l.to]))
  const stages = [...byComponent.values()]
    .filter((s) => onPath.has(s.component.id))
    .map((s) => ({ component: s.component, count: countOn(s.component.id, date) }))

  return {
    date,
    stages,
    links: links.map((link) => {
      const fromRefs = link.from.map((id) => byComponent.get(id)!.component)
      const toRef = byComponent.get(link.to)!.component
      const linkDay = (day: string): LinkDay => {
        const ups = link.from.map((id) => publishedInterval(countOn(id, day)))
        const down = publishedInterval(countOn(link.to, day))
        const up = sumIntervals(ups)
        if (!up || !down) {
          const missing = [...fromRefs.filter((_, k) => ups[k] === null), ...(down ? [] : [toRef])]
          return { missing }
        }
        return { up, down, diff: differenceInterval(up, down) }
      }
      const series = days.map((d) => ({ date: d, day: linkDay(d) }))
      const today = series.at(-1)!.day
      const judged = judgeLink(series)
      const message = linkMessage(noun, date, fromRefs, toRef, judged, today)
      if ('missing' in today) {
        const reason = message
        const side = (refs: readonly ComponentRef[]): PipelineCountData =>
          refs.some((r) => today.missing.includes(r))
            ? { __typename: 'NotCollected', reason }
            : range(sumIntervals(refs.map((r) => publishedInterval(countOn(r.id, date))))!)
        return {
          from: fromRefs,
          to: toRef,
          upstream: side(fromRefs),
          downstream: side([toRef]),
          difference: { __typename: 'NotCollected', reason },
          verdict: judged.verdict,
          since: null,
          lossShareAtLeast: null,
          usualLossShare: null,
          message,
        }
      }
      return {
        from: fromRefs,
        to: toRef,
        upstream: range(today.up),
        downstream: range(today.down),
        difference: range(today.diff),
        verdict: judged.verdict,
        since: judged.since,
        lossShareAtLeast: judged.leastShare,
        usualLossShare: judged.usual?.usual ?? null,
        message,
      }
    }),
  }
}
