/**
 * Fills an empty store with the demo platform: each subgraph writes its own
 * tables, and the import log says when each source was last collected.
 */
import type { Db } from '../subgraphs/kit/store/db.js'
import { addDays } from '../subgraphs/kit/dates.js'
import { IMPORT_SOURCES, type ImportSource } from '../subgraphs/kit/catalogue/publications.js'
import { COMPONENT_IDS } from '../subgraphs/kit/catalogue/components.js'
import type { Queryable } from '../subgraphs/kit/store/db.js'
import { recordFailedImportRun, recordImportRun } from '../subgraphs/kit/store/ops.js'
import { fillComponents } from './components.js'
import { fillParticipants } from './participants.js'
import { fillRecords } from './records.js'
import { fillSubjects } from './subjects.js'
import { fillSupport } from './support.js'
import { generatePlatform, type DemoOptions, type DemoPlatform } from './platform.js'
import { Random } from './random.js'

export interface FillResult {
  platform: DemoPlatform
  rows: Record<string, number>
}

/** True when the store holds no project yet. */
export async function isEmpty(db: Db): Promise<boolean> {
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM participants.projects')
  return rows[0]!.n === 0
}

export async function fillDemo(db: Db, options: DemoOptions & { now?: Date } = {}): Promise<FillResult> {
  const platform = generatePlatform(options)
  // One transaction: a store is either filled whole or left empty.
  const rows = await db.transaction(async (tx) => {
    const counts: Record<string, number> = {}
    await fillParticipants(tx, platform)
    counts.records = await fillRecords(tx, platform)
    counts.subjects = await fillSubjects(tx, platform)
    counts.availabilityChecks = await fillComponents(tx, platform, options.now)
    counts.tickets = await fillSupport(tx, platform)
    counts.importRuns = await fillImportLog(tx, platform)
    return counts
  })
  return { platform, rows }
}

/** Days of import log the demo keeps. */
const LOG_DAYS = 7

/**
 * A week of the import log as the nightly collection leaves it: every source
 * once a night, mostly successful, with a refused document, a failed run and a
 * warning among them, each followed by the retry that got through. The last
 * night's runs all succeed and end at 04:00 UTC, which is when the demo's data
 * reads as last collected.
 */
async function fillImportLog(db: Queryable, platform: DemoPlatform): Promise<number> {
  const rnd = new Random(platform.seed).fork('import-log')
  const external = COMPONENT_IDS.filter((c) => c.startsWith('HD4') || ['NRC', 'HERA', 'BIOIT'].includes(c)).length
  const rowsOf: Record<ImportSource, () => number> = {
    'hd4devops-counts': () => platform.projects.length * external + rnd.int(0, 40),
    'hd4devops-availability': () => 288 * COMPONENT_IDS.length,
    'internal-counts': () => platform.projects.length * 8,
    servicenow: () => rnd.int(15, 60),
    registry: () => platform.projects.length,
  }
  const at = (day: string, hour: number, minute: number, second: number) =>
    `${addDays(day, 1)}T${[hour, minute, second].map((n) => String(n).padStart(2, '0')).join(':')}.000Z`
  const dayAt = (n: number) => addDays(platform.endDate, n - (LOG_DAYS - 1))
  const local = platform.projects.find((p) => p.sources.includes('HD4DP_V2_LOCAL')) ?? platform.projects[0]!
  /** The mishaps of the week: which source, which night, and what went wrong. */
  const mishaps: {
    source: ImportSource
    night: number
    outcome: 'refused' | 'failed'
    message: string
    file?: string
    line?: number
    path?: string
  }[] = [
    {
      source: 'hd4devops-counts',
      night: 1,
      outcome: 'refused',
      message: 'unknown HD4DP v2 Local installation "hd4dp.nieuwe-site.be"',
      file: `/var/lib/hd4res/inbox/hd4devops-counts-HD4DP_V2_LOCAL-${dayAt(1)}.json`,
      line: 214,
      path: '$.projects[7].installations[3].installation',
    },
    {
      source: 'servicenow',
      night: 2,
      outcome: 'failed',
      message: 'ServiceNow answered 503 Service Unavailable for table incident, page 3 (after 3 attempts)',
      file: 'https://healthdata.service-now.com/api/now/table/incident?sysparm_offset=200&sysparm_limit=100',
    },
    {
      source: 'internal-counts',
      night: 3,
      outcome: 'failed',
      message: 'The query of HD_DWH_STAGING failed: canceling statement due to statement timeout',
    },
    {
      source: 'hd4devops-availability',
      night: 4,
      outcome: 'refused',
      message: `check time ${dayAt(5)}T00:00:00Z is not on ${dayAt(4)} (UTC)`,
      file: `/var/lib/hd4res/inbox/hd4devops-availability-HD_INTEGRATION-${dayAt(4)}.json`,
      line: 1731,
      path: '$.checks[287].at',
    },
  ]
  let runs = 0
  for (let night = 0; night < LOG_DAYS; night++) {
    const day = dayAt(night)
    const last = night === LOG_DAYS - 1
    for (const [index, source] of IMPORT_SOURCES.entries()) {
      const mishap = mishaps.find((m) => m.source === source && m.night === night)
      const minute = 5 + index * 9
      if (mishap) {
        await recordFailedImportRun(db, {
          source,
          day,
          startedAt: at(day, 3, minute, rnd.int(0, 59)),
          finishedAt: at(day, 3, minute + 1, rnd.int(0, 59)),
          outcome: mishap.outcome,
          message: mishap.message,
          file: mishap.file ?? null,
          line: mishap.line ?? null,
          path: mishap.path ?? null,
        })
        runs++
      }
      // The night's run, or the retry after a mishap, later in the morning.
      const warn = source === 'hd4devops-counts' && night === 5
      const finishedAt = last ? at(day, 4, 0, 0) : at(day, mishap ? 6 : 3, minute + 3, rnd.int(0, 59))
      const startedAt = last ? at(day, 3, 58, rnd.int(0, 59)) : at(day, mishap ? 6 : 3, minute, rnd.int(0, 59))
      await recordImportRun(db, {
        source,
        day,
        startedAt,
        finishedAt,
        rows: rowsOf[source](),
        outcome: warn ? 'warning' : 'succeeded',
        message: warn
          ? `HD4DP_V2_LOCAL ${day}: study records of ${local.id} fell from 1520 to 1104 (more than 20 % in a day)`
          : mishap
            ? `retried after the ${mishap.outcome} run at 03:${String(minute + 1).padStart(2, '0')}`
            : null,
      })
      runs++
    }
  }
  return runs
}
