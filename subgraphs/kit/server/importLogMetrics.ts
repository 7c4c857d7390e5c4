/**
 * The import log as metrics: attempts by source and outcome (refused and
 * failed ones included), when each source last imported successfully (the
 * gauge an alert on "no successful import of source X since T" reads) and
 * when it last tried. Collectors run in other processes (the
 * collect command, the schedule), so the figures are read from ops.import_runs
 * when Prometheus scrapes, not counted as runs happen.
 */
import { Counter, Gauge, type Registry } from 'prom-client'
import type { Queryable } from '../store/db.js'
import { IMPORT_SOURCES } from '../catalogue/publications.js'
import { importRunGroups, type ImportRunGroup } from '../store/ops.js'

const OUTCOMES = ['running', 'succeeded', 'warning', 'failed', 'refused'] as const
const KNOWN_SOURCES = new Set<string>(IMPORT_SOURCES)
const KNOWN_OUTCOMES = new Set<string>(OUTCOMES)

/** The newest run of each known source among the groups that pass `keep`, in Unix seconds. */
function latestPerSource(groups: readonly ImportRunGroup[], keep: (g: ImportRunGroup) => boolean): Map<string, number> {
  const latest = new Map<string, number>()
  for (const g of groups) {
    if (!g.last || !KNOWN_SOURCES.has(g.source) || !keep(g)) continue
    const seconds = new Date(g.last).getTime() / 1000
    if (seconds > (latest.get(g.source) ?? 0)) latest.set(g.source, seconds)
  }
  return latest
}

export function registerImportLogMetrics(registry: Registry, db: Queryable): void {
  let groups: ImportRunGroup[] = []
  let readable = 1
  // prom-client collects the metrics of a scrape side by side: the three below
  // share one read of the log (one statement).
  let pending: Promise<void> | undefined
  const refresh = () =>
    (pending ??= importRunGroups(db)
      .then(
        (read) => {
          groups = read
          readable = 1
        },
        () => {
          // The store is down: /readyz says so, and the request metrics still answer.
          readable = 0
        },
      )
      .finally(() => {
        pending = undefined
      }))

  new Counter({
    name: 'hd4res_import_runs_total',
    help: 'Collector runs recorded in the import log, by source and outcome',
    labelNames: ['source', 'outcome'],
    registers: [registry],
    async collect() {
      await refresh()
      this.reset()
      for (const source of IMPORT_SOURCES) for (const outcome of OUTCOMES) this.inc({ source, outcome }, 0)
      for (const g of groups) {
        this.inc(
          { source: KNOWN_SOURCES.has(g.source) ? g.source : 'other', outcome: KNOWN_OUTCOMES.has(g.outcome) ? g.outcome : 'other' },
          g.runs,
        )
      }
    },
  })

  new Gauge({
    name: 'hd4res_import_last_success_timestamp_seconds',
    help: 'When each source last imported successfully (succeeded or with warnings), in Unix seconds',
    labelNames: ['source'],
    registers: [registry],
    async collect() {
      await refresh()
      this.reset()
      for (const [source, seconds] of latestPerSource(groups, (g) => g.outcome === 'succeeded' || g.outcome === 'warning'))
        this.set({ source }, seconds)
    },
  })

  new Gauge({
    name: 'hd4res_import_last_attempt_timestamp_seconds',
    help: 'When each source last tried to import, whatever the outcome, in Unix seconds',
    labelNames: ['source'],
    registers: [registry],
    async collect() {
      await refresh()
      this.reset()
      for (const [source, seconds] of latestPerSource(groups, () => true)) this.set({ source }, seconds)
    },
  })

  new Gauge({
    name: 'hd4res_import_log_readable',
    help: '1 when the import log could be read at this scrape, 0 when the store did not answer',
    registers: [registry],
    async collect() {
      await refresh()
      this.set(readable)
    },
  })
}
