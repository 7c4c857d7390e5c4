/**
 * One measured import, in a process of its own so that its peak memory is its
 * own: prints one JSON line {rows, seconds, peakRssMb, baselineRssMb}.
 *
 *   tsx bench/collect-one.ts <servicenow|counts|internal> <store: pglite:<dir> | postgres://...> <input>
 *
 * For internal, <input> is the source database, holding counts.internal_counts
 * and counts.subject_keys (see bench/collectors.ts).
 */
import { collectHd4devopsCounts } from '../collectors/hd4devops.js'
import { folderDocuments } from '../collectors/input.js'
import { collectInternalCounts } from '../collectors/internal.js'
import { collectServiceNow } from '../collectors/servicenow/collect.js'
import { openDb } from '../subgraphs/kit/store/db.js'

const [kind, store, input] = process.argv.slice(2)
if (!kind || !store || !input) {
  console.error('usage: tsx bench/collect-one.ts <servicenow|counts> <store> <input>')
  process.exit(2)
}

const db = await openDb({ databaseUrl: store })
global.gc?.()
const baseline = process.memoryUsage().rss
let peak = baseline
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss)
}, 20)
const started = performance.now()
let rows = 0
if (kind === 'servicenow') {
  rows = (await collectServiceNow(db, [{ kind: 'file', table: 'incident', file: input }], { day: '2026-11-22' })).rows
} else if (kind === 'internal') {
  const component = (name: string) => ({
    databaseUrl: input,
    query: `SELECT project, records, unique_subjects FROM counts.internal_counts WHERE component = '${name}'`,
  })
  const [result] = await collectInternalCounts(
    db,
    {
      components: {
        HD_INTEGRATION: component('HD_INTEGRATION'),
        HD_DWH_STAGING: component('HD_DWH_STAGING'),
        HD_DWH_EXPLOITATION: component('HD_DWH_EXPLOITATION'),
      },
      multiStudy: { databaseUrl: input, query: 'SELECT project, subject_key FROM counts.subject_keys' },
    },
    ['2026-11-21'],
  )
  rows = result!.rows
} else {
  const outcomes = await collectHd4devopsCounts(db, await folderDocuments(input))
  for (const o of outcomes) {
    if (o.status !== 'imported') throw new Error(`${o.name}: ${o.status === 'refused' ? o.error.message : o.reason}`)
    rows += o.result.rows
  }
}
const seconds = (performance.now() - started) / 1000
clearInterval(sampler)
peak = Math.max(peak, process.memoryUsage().rss)
await db.close()
console.log(JSON.stringify({ rows, seconds, peakRssMb: peak / 2 ** 20, baselineRssMb: baseline / 2 ** 20 }))
