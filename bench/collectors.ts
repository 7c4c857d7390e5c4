/**
 * Collector throughput and memory: 100,000 ServiceNow tickets, and one day of
 * HD4DevOps counts for 1,000 projects, on PGlite and on PostgreSQL (when
 * DATABASE_URL is set); plus a file four times larger, to show that memory
 * does not grow with the file.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { createScratchDatabase } from '../test/helpers/scratchDatabase.js'
import { serviceNowRecordStream, writeResultFile } from '../demo/sources.js'
import { COMPONENTS } from '../subgraphs/kit/catalogue/components.js'
import { openDb } from '../subgraphs/kit/store/db.js'
import { fillParticipants } from '../demo/participants.js'
import { migrateAll } from '../subgraphs/index.js'
import { generatePlatform } from '../demo/platform.js'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '..')
const END = '2026-11-21'

export interface CollectorBenchRow {
  workload: string
  store: string
  rows: number
  seconds: number
  rowsPerSecond: number
  peakRssMb: number
  inputMb: number
}

async function prepareStore(engine: 'pglite' | 'postgres', registry = true): Promise<{ url: string; drop: () => Promise<void> }> {
  const { url, drop } = await createScratchDatabase(engine, 'hd4res_bench')
  if (!registry) return { url, drop }
  // The registry of the large platform: 1,000 projects, 600 providers with their installations.
  const db = await openDb({ databaseUrl: url })
  await migrateAll(db)
  await db.transaction((tx) => fillParticipants(tx, generatePlatform({ size: 'large', seed: 7, endDate: END })))
  await db.close()
  return { url, drop }
}

/** One HD4DevOps counts document per external component, 1,000 projects each (HD4DP v2 Local with installations). */
async function writeCountsFolder(dir: string): Promise<number> {
  await mkdir(dir, { recursive: true })
  const platform = generatePlatform({ size: 'large', seed: 7, endDate: END })
  const hosts = platform.organisations.filter((o) => o.installationHost).map((o) => o.installationHost!)
  let bytes = 0
  for (const component of COMPONENTS.filter((c) => c.location === 'EXTERNAL')) {
    const projects = platform.projects.map((p, i) => {
      const records = 1000 + ((i * 7919) % 50_000)
      return {
        project: p.code,
        records,
        ...(component.holdsSubjects ? { uniqueSubjects: Math.floor(records / 2) } : {}),
        ...(component.id === 'HD4DP_V2_LOCAL'
          ? {
              installations: [0, 1, 2].map((k) => ({
                installation: hosts[(i * 3 + k) % hosts.length]!,
                records: Math.floor(records / 3),
                uniqueSubjects: Math.floor(records / 6),
              })),
            }
          : {}),
      }
    })
    // Installations repeat across a project's entries only by chance; keep them distinct.
    for (const p of projects)
      if ('installations' in p && p.installations) p.installations = [...new Map(p.installations.map((x) => [x.installation, x])).values()]
    const text = JSON.stringify(
      { format: 'hd4devops-counts/1', component: component.id, day: END, generatedAt: `${END}T23:00:00Z`, projects },
      null,
      2,
    )
    writeFileSync(path.join(dir, `counts-${component.id}.json`), text)
    bytes += text.length
  }
  return bytes / 2 ** 20
}

/**
 * The internal components' side: per component and project, the aggregates
 * the configured queries return, and 200,000 pseudonymised subject keys, 8 %
 * of them in two studies, for the multi-study figures.
 */
async function prepareInternalSource(engine: 'pglite' | 'postgres'): Promise<{ url: string; drop: () => Promise<void> }> {
  const source = await prepareStore(engine, false)
  const db = await openDb({ databaseUrl: source.url })
  const projects = generatePlatform({ size: 'large', seed: 7, endDate: END }).projects.map((p) => p.code)
  await db.exec(`CREATE SCHEMA counts;
    CREATE TABLE counts.internal_counts (component text, project text, records int, unique_subjects int);
    CREATE TABLE counts.subject_keys (project text, subject_key text);`)
  for (const [c, component] of ['HD_INTEGRATION', 'HD_DWH_STAGING', 'HD_DWH_EXPLOITATION'].entries()) {
    await db.query(
      `INSERT INTO counts.internal_counts SELECT $1, p, 1000 + (i * 7919) % 50000 - $2, (1000 + (i * 7919) % 50000) / 2 FROM unnest($3::text[]) WITH ORDINALITY AS t(p, i)`,
      [component, c * 10, projects],
    )
  }
  await db.query(
    `INSERT INTO counts.subject_keys
     SELECT ($1::text[])[1 + (k % array_length($1::text[], 1))], 'subject-' || k FROM generate_series(1, 200000) AS k
     UNION ALL
     SELECT ($1::text[])[1 + ((k * 31) % array_length($1::text[], 1))], 'subject-' || k FROM generate_series(1, 200000, 12) AS k`,
    [projects],
  )
  await db.close()
  return source
}

async function measure(kind: 'servicenow' | 'counts' | 'internal', store: string, input: string) {
  const { stdout } = await run(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'bench/collect-one.ts'), kind, store, input], {
    cwd: root,
    maxBuffer: 1 << 20,
    env: { ...process.env, NODE_OPTIONS: '--expose-gc' },
  })
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { rows: number; seconds: number; peakRssMb: number }
}

export async function benchCollectors(log: (line: string) => void): Promise<CollectorBenchRow[]> {
  const work = mkdtempSync(path.join(tmpdir(), 'hd4res-bench-'))
  const rows: CollectorBenchRow[] = []
  try {
    log('writing inputs…')
    const small = path.join(work, 'incident-100k.json')
    const big = path.join(work, 'incident-1200k.json')
    await writeResultFile(small, serviceNowRecordStream('incident', { size: 'large', seed: 7, endDate: END, count: 100_000 }))
    await writeResultFile(big, serviceNowRecordStream('incident', { size: 'large', seed: 7, endDate: END, count: 1_200_000 }))
    const countsDir = path.join(work, 'counts')
    const countsMb = await writeCountsFolder(countsDir)
    const engines: ('pglite' | 'postgres')[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']
    for (const engine of engines) {
      const internal = await prepareInternalSource(engine)
      const workloads: [string, 'servicenow' | 'counts' | 'internal', string, number][] = [
        ['ServiceNow, 100,000 tickets', 'servicenow', small, statSync(small).size / 2 ** 20],
        ['ServiceNow, 1,200,000 tickets (memory check)', 'servicenow', big, statSync(big).size / 2 ** 20],
        ['HD4DevOps counts, 1,000 projects x 6 external components, one day', 'counts', countsDir, countsMb],
        [
          'Internal counts, 1,000 projects x 3 internal components + multi-study from 216,667 subject keys, one day',
          'internal',
          internal.url,
          0,
        ],
      ]
      for (const [workload, kind, input, inputMb] of workloads) {
        const store = await prepareStore(engine)
        try {
          log(`${engine}: ${workload}…`)
          const m = await measure(kind, store.url, input)
          rows.push({
            workload,
            store: engine === 'pglite' ? 'PGlite (embedded, on disk)' : 'PostgreSQL 15 (local server)',
            rows: m.rows,
            seconds: m.seconds,
            rowsPerSecond: m.rows / m.seconds,
            peakRssMb: m.peakRssMb,
            inputMb,
          })
          log(`  ${m.rows} rows in ${m.seconds.toFixed(1)} s, peak RSS ${m.peakRssMb.toFixed(0)} MB`)
        } finally {
          await store.drop()
        }
      }
      await internal.drop()
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  return rows
}
