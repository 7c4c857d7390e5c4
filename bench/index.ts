/**
 * npm run bench: runs the benchmarks and writes BENCHMARKS.md with the machine,
 * the versions, the command and the date. With DATABASE_URL set, PostgreSQL is
 * measured beside PGlite.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { benchCollectors } from './collectors.js'

const root = path.resolve(import.meta.dirname, '..')
const version = (pkg: string) => (JSON.parse(readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version

const rows = await benchCollectors((line) => console.log(line))

const fmt = (n: number, digits = 0) => n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const table = [
  '| workload | store | rows written | seconds | rows/s | input MB | peak RSS MB |',
  '|---|---|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.workload} | ${r.store} | ${fmt(r.rows)} | ${fmt(r.seconds, 1)} | ${fmt(r.rowsPerSecond)} | ${r.inputMb > 0 ? fmt(r.inputMb, 1) : "(a database)"} | ${fmt(r.peakRssMb)} |`),
].join('\n')

const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
const doc = `# Benchmarks

Written by \`npm run bench\` (with \`DATABASE_URL\` set, PostgreSQL is measured beside PGlite).
Numbers are from one run on the machine below; rerun the command to compare on yours.

- Date: ${new Date().toISOString().slice(0, 10)}
- Command: \`DATABASE_URL=${process.env.DATABASE_URL ? 'postgres://…/postgres' : '(unset)'} npm run bench\`
- Machine: ${os.cpus().length} × ${cpu}, ${fmt(os.totalmem() / 2 ** 30, 0)} GiB memory, ${os.type()} ${os.release()}
- Node.js ${process.version}; PGlite ${version('@electric-sql/pglite')}; node-postgres ${version('pg')}; stream-json ${version('stream-json')}

## Collectors

Each import runs in a process of its own (\`bench/collect-one.ts\`) against a
fresh store holding the large platform's registry (1,000 projects), and is one
transaction, as in production. "Rows written" counts upserted tickets, or
count rows (records, subjects and HD4DP v2 Local installation breakdowns).
Peak RSS is the importing process's resident memory, sampled every 20 ms.

${table}

The ServiceNow extract streams through \`stream-json\` in batches of 2,000
tickets: a file twelve times larger (over 500 MB) should take about the same
peak memory; compare the 100,000 and 1,200,000 rows. PGlite's own WebAssembly
heap makes most of its process's memory. The HD4DevOps and internal rows
together are one day for 1,000 projects across the 9 components that hold
counts (HD MDM is monitored for status only).
`
writeFileSync(path.join(root, 'BENCHMARKS.md'), doc)
console.log(`\n${table}\n\nWrote BENCHMARKS.md`)
