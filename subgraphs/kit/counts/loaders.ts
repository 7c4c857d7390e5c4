/**
 * Turning daily count rows into the contract's ComponentCount and DailyCount
 * values, shared by the records and subjects subgraphs. Every count goes
 * through the subgraph's Disclosure here (disclosure.ts), so no path can skip it.
 */
import { COMPONENT_IDS, componentInfo, componentRef, isComponentId, type ComponentId, type ComponentRef } from '../catalogue/components.js'
import type { CountsStore, DayCountRow, DayRequest, RangeRequest, RangeSeriesRow } from './store.js'
import { manyByKey, objectLoader } from '../graphql/loaders.js'
import { daysInRange } from '../dates.js'
import type { Disclosure } from './disclosure.js'
import type { CountValueData } from './types.js'
import { noCountCollected, noCountCollectedOver, noDataYet, noDataYetOver } from './texts.js'
import type { NotCollectedRun } from './compact.js'
import type { Localisable, Texts } from '../i18n/texts.js'

export interface ComponentCountData {
  component: ComponentRef
  count: CountValueData
  source: 'HD4DEVOPS' | 'HD4RES'
  collectedAt: string | null
  installations: { installation: string; count: CountValueData }[]
}

export interface DayCountsData {
  date: string
  components: ComponentCountData[]
}

export interface SeriesData {
  component: ComponentRef
  points: { date: string; count: CountValueData }[]
}

const flowOrder = (a: { component: ComponentRef }, b: { component: ComponentRef }) =>
  COMPONENT_IDS.indexOf(a.component.id) - COMPONENT_IDS.indexOf(b.component.id)

export function notCollected(componentId: ComponentId, day: string, firstDay: string | null): CountValueData {
  const name = componentInfo(componentId).name
  if (firstDay && day < firstDay) return { __typename: 'NotCollected', reason: noDataYet(name, day), run: noDataYetRun(name) }
  return { __typename: 'NotCollected', reason: noCountCollected(name, day), run: noCountRun(name) }
}

// What a run of such days says (compact.ts); one of each per component, shared by every day.
const runs = new Map<string, NotCollectedRun>()
const runOf = (key: string, make: () => NotCollectedRun['over']): NotCollectedRun => {
  let run = runs.get(key)
  if (!run) runs.set(key, (run = { key, over: make() }))
  return run
}
const noDataYetRun = (name: string) => runOf(`no-data-yet ${name}`, () => (from, to) => noDataYetOver(name, from, to))
const noCountRun = (name: string) => runOf(`no-count ${name}`, () => (from, to) => noCountCollectedOver(name, from, to))

function toDayCounts(
  rows: DayCountRow[],
  fallbackDay: string,
  disclosure: Disclosure,
  include: (id: ComponentId) => boolean,
): DayCountsData {
  const day = rows[0]?.day ?? fallbackDay
  const components: ComponentCountData[] = []
  for (const row of rows) {
    if (!row.component_id || !isComponentId(row.component_id) || !include(row.component_id)) continue
    const id = row.component_id
    components.push({
      component: componentRef(id),
      count: row.value === null ? notCollected(id, day, row.first_day) : disclosure.cell(row.value),
      source: (row.source as ComponentCountData['source'] | null) ?? componentInfo(id).countSource,
      collectedAt: row.collected_at === null ? null : new Date(row.collected_at).toISOString(),
      installations: [],
    })
  }
  return { date: day, components: components.sort(flowOrder) }
}

export interface CountLoaderOptions {
  store: CountsStore
  /** How every count of this publication is published (disclosure.ts). */
  disclosure: Disclosure
  /** Which components this publication covers (subject counts leave out components without subjects). */
  include: (id: ComponentId) => boolean
  /** Why a component the publication does not cover has no count: a history that asks for one answers it NotCollected with this. */
  notCovered: (id: ComponentId) => Localisable
  /** The day to report when a project has no counts at all. */
  today: () => string
}

/** The component whose count is also reported per installation. */
const PER_INSTALLATION: ComponentId = 'HD4DP_V2_LOCAL'

export function createCountLoaders(options: CountLoaderOptions) {
  const { store, disclosure, include } = options
  return {
    /** A project's counts on a day (or its latest day), one SQL statement per batch. */
    onDay: objectLoader<DayRequest, DayCountsData>(
      async (requests) => {
        const rows = await store.countsOnDays(requests)
        const perRequest = manyByKey(
          requests.map((_, i) => i + 1),
          rows,
          (r) => r.ord,
        )
        const days = perRequest.map((rs, i) => toDayCounts(rs, requests[i]!.date ?? options.today(), disclosure, include))
        // HD4DP v2 Local's count per installation: one statement for the whole batch.
        const local = days.map((d, i) => ({ projectId: requests[i]!.projectId, day: d.date }))
        const parts = manyByKey(
          local.map((_, i) => i + 1),
          await store.installationCounts(local),
          (r) => r.ord,
        )
        days.forEach((d, i) => {
          const component = d.components.find((c) => c.component.id === PER_INSTALLATION)
          const raw = perRequest[i]!.find((r) => r.component_id === PER_INSTALLATION)
          if (!component || raw?.value === null || raw?.value === undefined || parts[i]!.length === 0) return
          const published = disclosure.breakdown(
            raw.value,
            parts[i]!.map((p) => p.value),
          )
          component.count = published.total
          component.installations = published.parts.map((count, k) => ({ installation: parts[i]![k]!.host, count }))
        })
        return days
      },
      (r) => `${r.projectId}|${r.date ?? ''}`,
    ),

    /** Each project's daily series between two days, one SQL statement per batch (the components it uses included). */
    inRange: objectLoader<RangeRequest & { components: ComponentId[] | null }, SeriesData[]>(
      async (requests) => {
        const perRequest = manyByKey(
          requests.map((_, i) => i + 1),
          await store.countsInRanges(requests),
          (r) => r.ord,
        )
        return perRequest.map((rs, i) => toSeries(requests[i]!, rs, disclosure, include, options.notCovered))
      },
      (r) => `${r.projectId}|${r.from}|${r.to}|${r.components?.join(',') ?? '*'}`,
    ),
  }
}

/** A component the project has no counts in: every day of its series says so. */
export const notUsedByProject = (component: string): Texts => ({
  en: `${component} is not used by this project`,
  nl: `${component} wordt niet gebruikt door dit project`,
  fr: `${component} n'est pas utilisé par ce projet`,
  de: `${component} wird von diesem Projekt nicht genutzt`,
})

/**
 * A project's daily series between two days, from its rows (one request's,
 * countsInRanges). Without `components`, one per component of the project
 * the publication covers. With them, one per
 * component asked for, each once, none left out: a component the publication
 * does not cover (HD MDM for records, say) comes back too, every day
 * NotCollected with `notCovered`'s reason, so that no series the caller asked
 * for goes missing without a word. Always in the order records travel.
 */
export function toSeries(
  request: RangeRequest & { components: ComponentId[] | null },
  rows: RangeSeriesRow[],
  disclosure: Disclosure,
  include: (id: ComponentId) => boolean,
  notCovered: (id: ComponentId) => Localisable,
): SeriesData[] {
  const wanted = request.components
    ? [...new Set(request.components)]
    : [
        ...new Set(
          rows
            .filter((r) => r.used && isComponentId(r.component_id))
            .map((r) => r.component_id as ComponentId)
            .filter(include),
        ),
      ]
  const byComponent = new Map<string, RangeSeriesRow>()
  for (const row of rows) byComponent.set(row.component_id, row)
  const days = daysInRange(request.from, request.to)
  const usedHere = new Set(rows.filter((r) => r.used).map((r) => r.component_id))
  return wanted
    .map((id): SeriesData => {
      if (!include(id)) {
        // Nothing of the project is read for it: the reason is the publication's, the same for every project and day.
        const count: CountValueData = { __typename: 'NotCollected', reason: notCovered(id) }
        return { component: componentRef(id), points: days.map((date) => ({ date, count })) }
      }
      // Each day's published count by its place in the range, and the first day with one.
      const counts = new Array<CountValueData | undefined>(days.length)
      const row = byComponent.get(id)
      let first = Infinity
      if (row)
        for (let k = 0; k < row.days.length; k++) {
          const day = row.days[k]!
          counts[day] = disclosure.cell(row.values[k]!)
          if (day < first) first = day
        }
      const firstDay = first === Infinity ? null : days[first]!
      const unused: CountValueData | null = usedHere.has(id)
        ? null
        : { __typename: 'NotCollected', reason: notUsedByProject(componentInfo(id).name) }
      return {
        component: componentRef(id),
        points: days.map((date, i) => ({ date, count: counts[i] ?? unused ?? notCollected(id, date, firstDay) })),
      }
    })
    .sort(flowOrder)
}

export type CountLoaders = ReturnType<typeof createCountLoaders>
