/**
 * npm run collect -- <source> [options]: the daily collectors.
 *
 *   hd4devops-counts        --file F ... | --folder D | --url TEMPLATE   [--day D | --from D --to D]
 *   hd4devops-availability  --file F ... | --folder D | --url TEMPLATE   [--day D | --from D --to D]
 *   availability            --file F | --url ADDRESS | --config F        (current checks: every few minutes)
 *   internal-counts         --config F                                   [--day D | --from D --to D]
 *   servicenow              --file F [--table incident|sc_request|task_sla] ... | --url BASE [--table T ...]   [--project-field u_project]
 *   all                     --config F                                   [--day D | --from D --to D]
 *   runs                    the latest runs of the import log
 *
 * A day is YYYY-MM-DD, or `today` / `yesterday` (UTC), for schedulers with no shell to compute one.
 * Common: --wait (wait for a running import of the same source instead of refusing).
 * Against DATABASE_URL, or the embedded store in HD4RES_DATA_DIR.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { collectAll, describeOutcomes } from '../collectors/all.js'
import { checksDocument, collectAvailability, configuredChecksDocument } from '../collectors/availability.js'
import { internalCountsConfig, loadCollectorsConfig } from '../collectors/config.js'
import { ImportLocked } from '../collectors/errors.js'
import { collectHd4devopsAvailability, collectHd4devopsCounts } from '../collectors/hd4devops.js'
import { fileDocuments, folderDocuments, urlDocuments, type SourceDocument } from '../collectors/input.js'
import { collectInternalCounts } from '../collectors/internal.js'
import { collectServiceNow, SERVICENOW_TABLES, type ServiceNowInput } from '../collectors/servicenow/collect.js'
import type { ServiceNowTable } from '../collectors/servicenow/mapping.js'
import { readSettings } from '../platform/settings.js'
import { migrateAll } from '../subgraphs/index.js'
import { COMPONENTS } from '../subgraphs/kit/catalogue/components.js'
import { openDb } from '../subgraphs/kit/store/db.js'
import { importRuns } from '../subgraphs/kit/store/ops.js'
import { addDays, daysInRange, todayUtc } from '../subgraphs/kit/dates.js'
import { isIsoDate } from '../subgraphs/kit/graphql/scalars.js'

const SOURCES = ['hd4devops-counts', 'hd4devops-availability', 'availability', 'internal-counts', 'servicenow', 'all', 'runs'] as const

/** --table values, each one of the tables the collector reads. */
function checkTables(values: readonly string[]): ServiceNowTable[] {
  for (const t of values) {
    if (!(SERVICENOW_TABLES as readonly string[]).includes(t)) usage(`--table must be ${SERVICENOW_TABLES.join(', ')}; got "${t}"`)
  }
  return values as ServiceNowTable[]
}

/** Without --table, a file named after its table says which it is (task_sla.json, sc_request.json); tickets otherwise. */
function tableOfFile(name: string): ServiceNowTable {
  if (/task_sla|\bsla/i.test(name)) return 'task_sla'
  return /sc_request|request/i.test(name) ? 'sc_request' : 'incident'
}

function usage(message?: string): never {
  if (message) console.error(message)
  console.error(`Usage: npm run collect -- <${SOURCES.join('|')}> [options]; see docs/collectors.md`)
  process.exit(2)
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        file: { type: 'string', multiple: true },
        folder: { type: 'string' },
        url: { type: 'string' },
        table: { type: 'string', multiple: true },
        day: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        config: { type: 'string' },
        'project-field': { type: 'string' },
        'drop-warning': { type: 'string' },
        wait: { type: 'boolean' },
      },
    })
  } catch (error) {
    return usage((error as Error).message)
  }
})()

const source = positionals[0] as (typeof SOURCES)[number] | undefined
if (!source || !SOURCES.includes(source)) usage(source ? `Unknown source "${source}"` : undefined)

/** A scheduled job's day in words, as the day it names on the UTC calendar. */
const DAY_WORDS: Record<string, () => string> = { today: todayUtc, yesterday: () => addDays(todayUtc(), -1) }
for (const name of ['day', 'from', 'to'] as const) {
  const v = values[name]
  if (v !== undefined && DAY_WORDS[v]) values[name] = DAY_WORDS[v]()
  else if (v !== undefined && !isIsoDate(v)) usage(`--${name} must be a date written YYYY-MM-DD, today or yesterday; got "${v}"`)
}
if (values.day && (values.from || values.to)) usage('Give --day, or --from and --to, not both')
if ((values.from && !values.to) || (values.to && !values.from)) usage('--from and --to go together')
if (values.from && values.to && values.from > values.to) usage(`--from (${values.from}) is after --to (${values.to})`)
const explicitDays = values.day ? [values.day] : values.from ? daysInRange(values.from, values.to!) : null
if (explicitDays && explicitDays.length > 400) usage('Import at most 400 days at once')
const days = explicitDays ?? [todayUtc()]
const dropShare = values['drop-warning'] === undefined ? undefined : Number(values['drop-warning'])
if (dropShare !== undefined && !(dropShare >= 0 && dropShare <= 1)) usage('--drop-warning must be a share between 0 and 1, such as 0.2')

const settings = readSettings()
const db = await openDb({ databaseUrl: settings.databaseUrl, dataDir: path.join(settings.dataDir, 'pglite') })
let failed = false
try {
  await migrateAll(db)
  const options = { wait: values.wait ?? false }
  const print = (lines: string[]) => lines.forEach((l) => console.log(l))

  if (source === 'runs') {
    const runs = await importRuns(db, { source: null, outcome: null, last: 30 })
    for (const r of runs) {
      console.log(
        `${r.finished_at === null ? 'running'.padEnd(24) : new Date(r.finished_at).toISOString()}  ${String(r.source).padEnd(24)} ${r.day}  ${String(r.outcome).padEnd(9)} ${r.rows} rows${r.file ? `  ${r.file}${r.line !== null ? `:${r.line}` : ''}${r.path ? ` at ${r.path}` : ''}` : ''}${r.message ? `  ${String(r.message).split('\n')[0]}` : ''}`,
      )
    }
  } else if (source === 'hd4devops-counts' || source === 'hd4devops-availability') {
    const given = [values.file, values.folder, values.url].filter(Boolean).length
    if (given !== 1) usage('Give one of --file, --folder or --url')
    const components = COMPONENTS.filter((c) => source === 'hd4devops-availability' || c.location === 'EXTERNAL').map((c) => c.id)
    const documents: SourceDocument[] = values.file
      ? fileDocuments(values.file)
      : values.folder
        ? await folderDocuments(values.folder)
        : urlDocuments(values.url!, components, days)
    const collect = source === 'hd4devops-counts' ? collectHd4devopsCounts : collectHd4devopsAvailability
    const outcomes = await collect(db, documents, {
      ...options,
      days: explicitDays || values.url ? new Set(days) : undefined,
      dropWarningShare: dropShare,
    })
    print(describeOutcomes(outcomes))
    failed = outcomes.some((o) => o.status === 'refused')
    if (outcomes.some((o) => o.status === 'refused' && o.error instanceof ImportLocked)) process.exitCode = 3
    if (outcomes.length === 0) console.log('No documents found.')
  } else if (source === 'availability') {
    const given = [values.file, values.url, values.config].filter(Boolean).length
    if (given > 1 || (values.file?.length ?? 0) > 1) usage('availability takes one of --file F, --url ADDRESS or --config F')
    const configFile = values.config ?? settings.collectorsConfig
    const document = values.file
      ? checksDocument(values.file[0]!)
      : values.url
        ? checksDocument(values.url)
        : configFile
          ? configuredChecksDocument(loadCollectorsConfig(configFile), process.env)
          : usage('availability needs --file F, --url ADDRESS, or --config F (or HD4RES_COLLECTORS_CONFIG) naming hd4devops.checks')
    if (!document) usage(`${configFile} names no hd4devops.checks endpoint (see config/collectors.example.yaml)`)
    const outcome = await collectAvailability(db, document, options)
    print(describeOutcomes([outcome]))
    failed = outcome.status === 'refused'
    if (outcome.status === 'refused' && outcome.error instanceof ImportLocked) process.exitCode = 3
  } else if (source === 'internal-counts') {
    if (!values.config) usage('internal-counts needs --config <file> (see config/collectors.example.yaml)')
    const results = await collectInternalCounts(db, internalCountsConfig(loadCollectorsConfig(values.config), process.env), days, options)
    print(results.map((r) => `${r.day}: ${r.rows} rows, ${r.outcome}${r.warnings.map((w) => `\n    warning: ${w}`).join('')}`))
  } else if (source === 'servicenow') {
    let inputs: ServiceNowInput[]
    if (values.file) {
      const tables = checkTables(values.table ?? [])
      inputs = values.file.map((file, i) => ({
        kind: 'file',
        file,
        // Without --table, a file named after its table says which it is.
        table: tables[i] ?? tableOfFile(path.basename(file)),
      }))
    } else if (values.url) {
      const auth = process.env.SERVICENOW_TOKEN
        ? { token: process.env.SERVICENOW_TOKEN }
        : process.env.SERVICENOW_USER
          ? { user: process.env.SERVICENOW_USER, password: process.env.SERVICENOW_PASSWORD ?? '' }
          : undefined
      inputs = (values.table ? checkTables(values.table) : SERVICENOW_TABLES).map((table) => ({
        kind: 'pull',
        table,
        baseUrl: values.url!,
        auth,
      }))
    } else {
      usage('servicenow needs --file <extract.json> or --url <https://instance.service-now.com>')
    }
    const r = await collectServiceNow(db, inputs, { ...options, projectField: values['project-field'], day: explicitDays?.[0] })
    print([
      `servicenow ${r.day}: ${r.rows} tickets, ${r.outcome} (${r.seconds.toFixed(1)} s)${r.warnings.map((w) => `\n    warning: ${w}`).join('')}`,
    ])
  } else if (source === 'all') {
    const file = values.config ?? settings.collectorsConfig
    if (!file) usage('all needs --config <file> or HD4RES_COLLECTORS_CONFIG')
    const results = await collectAll(db, loadCollectorsConfig(file), process.env, days, options)
    for (const r of results) {
      console.log(`${r.source}: ${r.ok ? 'ok' : 'FAILED'}`)
      print(r.lines.map((l) => `  ${l}`))
    }
    failed = results.some((r) => !r.ok)
  }
} catch (error) {
  console.error(error instanceof ImportLocked ? error.message : `Refused: ${(error as Error).message}`)
  process.exitCode = error instanceof ImportLocked ? 3 : 1
} finally {
  await db.close()
}
if (failed && !process.exitCode) process.exitCode = 1
