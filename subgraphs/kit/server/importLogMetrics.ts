/**
 * The import log as metrics: runs by source and outcome, and when each
 * source last imported successfully. Collectors run in other processes (the
 * collect command, the schedule), so the figures are read from ops.import_runs
 * when Prometheus scrapes, not counted as runs happen.
 */
import { Counter, Gauge, type Registry } from 'prom-client'
import type { Queryable } from '../store/db.js'
import { IMPORT_SOURCES } from '../catalogue/publications.js'
import { importRunGroups, type ImportRunGroup } from '../store/ops.js'

const OUTCOMES = ['running', 'succeeded', 'warning', 'failed'] as const
const KNOWN_SOURCES = new Set<string>(IMPORT_SOURCES)
const KNOWN_OUTCOMES = new Set<string>(OUTCOMES)

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
      const latest = new Map<string, number>()
      for (const g of groups) {
        if ((g.outcome !== 'succeeded' && g.outcome !== 'warning') || !g.last || !KNOWN_SOURCES.has(g.source)) continue
        const seconds = new Date(g.last).getTime() / 1000
        if (seconds > (latest.get(g.source) ?? 0)) latest.set(g.source, seconds)
      }
      for (const [source, seconds] of latest) this.set({ source }, seconds)
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
