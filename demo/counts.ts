/**
 * Daily record and subject counts for the demo platform. Records appear in the
 * external components where data providers enter them, reach HD Integration a
 * day later, DWH Staging the day after, and DWH Exploitation at its weekly
 * refresh (Mondays), losing a few on the way (rejected, still in transit), as a
 * researcher following them along the path would see.
 */
import type { CountsTable } from '../subgraphs/kit/counts/store.js'
import { componentInfo, type ComponentId } from '../subgraphs/kit/catalogue/components.js'
import type { Queryable } from '../subgraphs/kit/store/db.js'
import { insertRows, insertStream } from './insert.js'
import type { DemoPlatform, DemoProject } from './platform.js'
import { addDays, daysBetween, Random } from './random.js'

export interface DemoDailyCount {
  projectId: string
  componentId: ComponentId
  day: string
  records: number
  /** Unique subjects; null for components that do not know their subjects. */
  subjects: number | null
}

/** When HD4RES collects a day's counts: the next morning at 04:00 UTC. */
export function collectedAtFor(day: string): string {
  return `${addDays(day, 1)}T04:00:00.000Z`
}

export function* projectDailyCounts(platform: DemoPlatform, project: DemoProject): Generator<DemoDailyCount> {
  const rnd = new Random(platform.seed).fork(`counts:${project.id}`)
  const firstDay = addDays(platform.endDate, -(platform.size.days - 1))
  // Cumulative records per source, from the project's start up to the window.
  const shares = project.sources.map((_, i) => (i === 0 ? 0.75 : 0.25 / Math.max(1, project.sources.length - 1)))
  const preWindowDays = Math.max(0, daysBetween(project.startDate, firstDay))
  const cumulative = shares.map((share) => Math.floor(project.dailyRecords * share * preWindowDays))
  const external: number[] = [] // sum of external sources per day index
  const integration: number[] = []
  const staging: number[] = []
  let exploitation = 0
  const subjectsOf = (records: number) => Math.round(records / project.recordsPerSubject)

  for (let d = 0; d < platform.size.days; d++) {
    const day = addDays(firstDay, d)
    if (day < project.startDate) {
      external.push(0)
      integration.push(0)
      staging.push(0)
      continue
    }
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay()
    const weekendFactor = weekday === 0 || weekday === 6 ? 0.2 : 1
    project.sources.forEach((_, i) => {
      const mean = project.dailyRecords * shares[i]! * weekendFactor
      const increment = Math.max(0, Math.round(mean * (0.6 + rnd.next() * 0.8)))
      cumulative[i]! += mean < 1 ? (rnd.chance(mean) ? 1 : 0) : increment
    })
    const ext = cumulative.reduce((a, b) => a + b, 0)
    external.push(ext)
    integration.push(Math.floor((external[d - 1] ?? ext) * 0.995))
    staging.push(Math.floor((integration[d - 1] ?? integration[d]!) * 0.99))
    if (weekday === 1 || exploitation === 0) exploitation = staging[d]!

    for (const [i, componentId] of project.sources.entries()) {
      // HD4DevOps misses a feed now and then: that day is simply not collected.
      if (rnd.chance(0.01)) continue
      const records = cumulative[i]!
      yield { projectId: project.id, componentId, day, records, subjects: componentId === 'BIOIT' ? null : subjectsOf(records) }
    }
    const internal: [ComponentId, number][] = [
      ['HD_INTEGRATION', integration[d]!],
      ['HD_DWH_STAGING', staging[d]!],
      ['HD_DWH_EXPLOITATION', exploitation],
    ]
    for (const [componentId, records] of internal) {
      yield { projectId: project.id, componentId, day, records, subjects: subjectsOf(records) }
    }
  }
}

/**
 * Writes one daily count per project, component and day into a counts table
 * (records or subjects), and each project's components with their first and
 * last day into the matching project_components table.
 */
export async function fillDailyCounts(
  db: Queryable,
  options: {
    platform: DemoPlatform
    /** The subgraph's own description of its counts table, as its collectors write it. */
    counts: CountsTable
    /** The count to store, or null to store none for this component. */
    value: (count: DemoDailyCount) => number | null
    /** Sees every stored count, for figures derived from them. */
    onCount?: (count: DemoDailyCount, value: number) => void
  },
): Promise<number> {
  const { platform } = options
  const { schema, table, column } = options.counts
  const spans = new Map<string, [string, string, string, string]>()
  const breakdown = installationBreakdown(platform)
  const firstBreakdownDay = addDays(platform.endDate, -(INSTALLATION_DAYS - 1))
  const parts: unknown[][] = []
  const rows = function* () {
    for (const project of platform.projects) {
      for (const c of projectDailyCounts(platform, project)) {
        const value = options.value(c)
        if (value === null) continue
        options.onCount?.(c, value)
        const key = `${c.projectId}|${c.componentId}`
        const span = spans.get(key)
        if (span) span[3] = c.day
        else spans.set(key, [c.projectId, c.componentId, c.day, c.day])
        if (c.componentId === 'HD4DP_V2_LOCAL' && c.day >= firstBreakdownDay) {
          for (const [site, share] of split(value, breakdown.get(c.projectId) ?? [])) {
            parts.push([c.projectId, `inst-${site.id}`, site.host, c.day, share, collectedAtFor(c.day)])
          }
        }
        yield [c.projectId, c.componentId, c.day, value, componentInfo(c.componentId).countSource, collectedAtFor(c.day)]
      }
    }
  }
  const total = await insertStream(
    db,
    `${schema}.${table}`,
    ['project_id', 'component_id', 'day', column, 'source', 'collected_at'],
    ['text', 'text', 'date', 'int', 'text', 'timestamptz'],
    rows(),
  )
  await insertRows(
    db,
    `${schema}.project_components`,
    ['project_id', 'component_id', 'first_day', 'last_day'],
    ['text', 'text', 'date', 'date'],
    [...spans.values()],
  )
  await insertRows(
    db,
    `${schema}.installation_counts`,
    ['project_id', 'installation_id', 'host', 'day', column, 'collected_at'],
    ['text', 'text', 'text', 'date', 'int', 'timestamptz'],
    parts,
  )
  return total + parts.length
}

/** Days of per-installation counts the demo keeps for HD4DP v2 Local. */
const INSTALLATION_DAYS = 90

/** Each project's HD4DP v2 Local installations, with a steady share of its records each. */
function installationBreakdown(platform: DemoPlatform): Map<string, { id: string; host: string; weight: number }[]> {
  const hosts = new Map(platform.organisations.filter((o) => o.installationHost).map((o) => [o.id, o.installationHost!]))
  const result = new Map<string, { id: string; host: string; weight: number }[]>()
  for (const project of platform.projects) {
    if (!project.sources.includes('HD4DP_V2_LOCAL')) continue
    const rnd = new Random(platform.seed).fork(`installations:${project.id}`)
    const sites = project.providerOrganisationIds
      .filter((id) => hosts.has(id))
      // A few large hospitals and a tail of small sites, as in real registries.
      .map((id) => ({ id, host: hosts.get(id)!, weight: rnd.next() ** 3 + 0.01 }))
    if (sites.length > 0) result.set(project.id, sites)
  }
  return result
}

/** Splits `value` across sites by weight, in whole numbers that add up to it. */
function split(value: number, sites: readonly { id: string; host: string; weight: number }[]): [{ id: string; host: string }, number][] {
  if (sites.length === 0) return []
  const total = sites.reduce((sum, s) => sum + s.weight, 0)
  const shares = sites.map((s) => Math.floor((value * s.weight) / total))
  const heaviest = sites.reduce((best, s, i) => (s.weight > sites[best]!.weight ? i : best), 0)
  shares[heaviest]! += value - shares.reduce((a, b) => a + b, 0)
  return sites.map((s, i) => [s, shares[i]!])
}
