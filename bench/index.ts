/**
 * npm run bench [-- collectors|gateway]: runs the benchmarks and writes
 * BENCHMARKS.md with the machine, the versions, the command and the date.
 * With DATABASE_URL set, PostgreSQL is measured (beside PGlite for the
 * collectors; the gateway benchmark then uses the large demo platform).
 * A run of one suite keeps the other suite's section as it was.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { benchCollectors } from './collectors.js'
import { benchGateway, type GatewayBenchRow } from './gateway.js'

const root = path.resolve(import.meta.dirname, '..')
const file = path.join(root, 'BENCHMARKS.md')
const version = (pkg: string) =>
  (JSON.parse(readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version
const fmt = (n: number, digits = 0) => n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const suites = process.argv[2] ? [process.argv[2]] : ['collectors', 'gateway']
if (process.env.HD4RES_BENCH_LEVERS && process.argv[2] !== 'gateway') {
  console.error('HD4RES_BENCH_LEVERS picks levers of the gateway suite: npm run bench -- gateway')
  process.exit(2)
}
const log = (line: string) => console.log(line)
const today = new Date().toISOString().slice(0, 10)
const command = `${process.env.DATABASE_URL ? 'DATABASE_URL=postgres://…/postgres ' : ''}npm run bench${process.argv[2] ? ` -- ${process.argv[2]}` : ''}`

/** The existing file's sections, by heading, to keep those this run does not redo. */
const sections = new Map<string, string>()
if (existsSync(file)) {
  for (const part of readFileSync(file, 'utf8').split(/^## /m).slice(1)) sections.set(part.split('\n')[0]!.trim(), `## ${part.trimEnd()}\n`)
}

if (suites.includes('collectors')) {
  const rows = await benchCollectors(log)
  const table = [
    '| workload | store | rows written | seconds | rows/s | input MB | peak RSS MB |',
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.workload} | ${r.store} | ${fmt(r.rows)} | ${fmt(r.seconds, 1)} | ${fmt(r.rowsPerSecond)} | ${r.inputMb > 0 ? fmt(r.inputMb, 1) : '(a database)'} | ${fmt(r.peakRssMb)} |`,
    ),
  ].join('\n')
  sections.set(
    'Collectors',
    `## Collectors

Run ${today} with \`${command}\`.

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
`,
  )
}

if (suites.includes('gateway') && process.env.HD4RES_BENCH_LEVERS) {
  // Some levers only: their rows are printed, and BENCHMARKS.md is left as it is.
  const { levers, store } = await benchGateway(log)
  console.log(
    `\nLevers matching "${process.env.HD4RES_BENCH_LEVERS}", on ${store}, ${process.env.HD4RES_BENCH_SECONDS ?? 5} s a round, median of 3 rounds:`,
  )
  for (const r of levers)
    console.log(
      `  ${r.workload} | ${r.contender}: ${fmt(r.requestsPerSecond)} req/s, p50 ${fmt(r.p50, 2)} ms, p99 ${fmt(r.p99, 2)} ms, errors ${r.errors}`,
    )
  process.exit(0)
}

if (suites.includes('gateway')) {
  const { rows, levers, unable, store } = await benchGateway(log)
  const find = (w: string, prefix: string) => rows.find((r) => r.workload === w && r.contender.startsWith(prefix))
  const line = (r: GatewayBenchRow) => {
    const s = find(r.workload, 'stock')
    const c = find(r.workload, 'ceiling')
    const rounds = r.rssAfterRounds.length > 0 ? r.rssAfterRounds.map((x) => fmt(x)).join(' / ') : '–'
    return `| ${r.workload} | ${r.contender} | ${fmt(r.requestsPerSecond)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${r.errors} | ${r.peakRssMb === null ? '–' : fmt(r.peakRssMb)} | ${rounds} | ${s ? `${fmt(r.requestsPerSecond / s.requestsPerSecond, 2)}×` : ''} | ${c ? `${fmt((100 * r.requestsPerSecond) / c.requestsPerSecond)} %` : ''} |`
  }
  const head = [
    '| workload | gateway | req/s | p50 ms | p99 ms | errors | peak RSS MB | RSS after each round MB | vs stock | vs ceiling |',
    '|---|---|---:|---:|---:|---:|---:|---|---:|---:|',
  ]
  const unableText = unable.length
    ? unable.map((u) => `- **${u.contender}** could not serve this supergraph: ${u.reason}`).join('\n')
    : '- Every contender served the supergraph.'
  sections.set(
    'Gateway',
    `## Gateway

Run ${today} with \`${command}\`, on ${store}. Each gateway runs in a
process of its own (\`bench/gateway-process.ts\`) in front of the same
subgraph processes (\`bench/subgraphs-process.ts\`, one per subgraph on
PostgreSQL); the load comes from autocannon in the harness's process,
${process.env.HD4RES_BENCH_SECONDS ?? 5} s a round, 16 connections, median of 3 rounds. First, 20 s of
workload (a) through the stock gateway, not counted, so that the subgraphs'
code is optimised before the first contender is measured. Before each
gateway's rounds: one request for every researcher the workload draws from
(so every contender finds the subgraphs' caches equally warm, whichever runs
first), then a 2 s warm-up round; neither is counted. All on the same machine.
Latency percentiles come from each response's exact time. All the gateways
of a workload (and, for (d), the subgraph called directly) run side by side,
each idle but for its own rounds, and their rounds are interleaved (a round of
each in turn): the targets compare them with each other, and on a shared
machine the speed available drifts over minutes. The levers are measured one
by one afterwards, so compare them with each other rather than with the
table above.

- **ours** runs as deployed: production mode, a JWT checked on every
  request (a token already verified is answered from memory until it
  expires), limits and rate limits, request ids, the response cache on (its
  default) except for workload (a), which is uncached at the gateway; "2
  workers" is the production entry point's \`HD4RES_GATEWAY_WORKERS=2\`
  (one is the default). Here the two workers share the machine's two cores
  with the load generator and the five subgraphs: the 2-worker rows show what
  a second process costs or gains on a machine that has no core to spare, not
  how far ours scales.
- The **subgraphs** keep their own result caches (part of the deployed
  system, shared by every contender alike): after the priming requests they
  answer workload (a) from them too. The lever table's "subgraph result cache off"
  row shows (a) with nothing cached anywhere.
- **stock** is a plain \`@apollo/gateway\` + \`@apollo/server\` with default
  settings; it and the peers forward the signed identity header the load
  generator sends, since the subgraphs require one (they do no sign-in).
- **@graphql-hive/gateway** is its runtime on \`node:http\` with default settings.
- The **ceiling** is a bare \`node:http\` server answering the bytes ours
  answered to the workload's first request.
- Peak RSS is the largest gateway process's high-water mark (a worker's,
  with two); the RSS after each round shows whether memory stays flat. Each
  worker of ours runs with an old-generation limit sized from its caches
  (\`HD4RES_GATEWAY_HEAP_MB=auto\`: 128 MB plus the document, plan and
  in-memory response caches' sizes).

${[...head, ...rows.map(line)].join('\n')}

### Against the targets

${targets(rows)}

### Contenders that could not run

${unableText}

### Each lever of ours

The same workloads with one lever changed, compare with the "ours" rows
above: each lever switched off, except two switched on: persisted queries
(the load sends the operation's hash only, as a frontend does once the
gateway knows it; the rows above send the text) and a 32 MB young
generation (\`HD4RES_GATEWAY_SEMI_SPACE_MB\`, off by default: it costs memory
for no clear gain). The audit trail is measured three ways side by side,
their rounds interleaved, all in development mode since production refuses
to switch it off: on; on with its records shipped only after the rounds
(the synchronous write on the answer's path alone, without the store's work
of keeping the records, which here shares the machine); and off
(\`HD4RES_AUDIT=off\`).

${[...head, ...levers.map(line)].join('\n')}
`,
  )
}

/** The issue's done-when figures, read off this run's rows. */
function targets(rows: GatewayBenchRow[]): string {
  const at = (w: string, prefix: string) => rows.find((r) => r.workload.startsWith(w) && r.contender.startsWith(prefix))
  const ratio = (a?: GatewayBenchRow, b?: GatewayBenchRow) =>
    a && b && b.requestsPerSecond > 0 ? a.requestsPerSecond / b.requestsPerSecond : NaN
  const mark = (ok: boolean) => (ok ? 'met' : 'not met')
  const lines: string[] = []
  for (const who of ['ours', 'ours, 2 workers']) {
    const ours = at('(a)', who)
    const stock = at('(a)', 'stock')
    const peers = rows.filter((r) => r.workload.startsWith('(a)') && r.contender.startsWith('@') && r.requestsPerSecond > 0)
    const ahead = ours !== undefined && peers.every((p) => p.requestsPerSecond < ours.requestsPerSecond && p.p99 > ours.p99)
    const x = ratio(ours, stock)
    lines.push(
      `- (a) uncached, ${who}: ${fmt(x, 2)}× stock (target 2×: ${mark(x >= 2)}); ahead of every peer that served, with lower p99: ${ahead ? 'yes' : 'no'}`,
    )
    const b = ratio(at('(b)', who), at('(b)', 'ceiling'))
    lines.push(`- (b) repeating, ${who}: ${fmt(100 * b)} % of the ceiling (target 70 %: ${mark(b >= 0.7)})`)
    const c = at('(c)', who)
    if (c) lines.push(`- (c) history, ${who}: p99 ${c.p99} ms (target under 50 ms: ${mark(c.p99 < 50)})`)
    const d = at('(d)', who)
    const direct = at('(d)', 'direct')
    if (d && direct)
      lines.push(
        `- (d) small query, ${who}: p50 ${d.p50} ms against ${direct.p50} ms direct (target at most 1.3×: ${mark(d.p50 <= 1.3 * direct.p50)})`,
      )
    const peaks = rows.filter((r) => r.contender === who && r.peakRssMb !== null).map((r) => r.peakRssMb!)
    if (peaks.length)
      lines.push(
        `- memory, ${who}: peak ${fmt(Math.max(...peaks))} MB over all workloads (target under 300 MB: ${mark(Math.max(...peaks) < 300)}); flat across rounds: see the table`,
      )
  }
  return lines.join('\n')
}

const header = `# Benchmarks

Written by \`npm run bench\` (\`-- collectors\` or \`-- gateway\` for one suite).
Numbers come from single runs on the machine below; rerun the command to
compare on yours.

- Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${fmt(os.totalmem() / 2 ** 30)} GiB memory, ${os.type()} ${os.release()}
- Node.js ${process.version}; PGlite ${version('@electric-sql/pglite')}; node-postgres ${version('pg')}; @apollo/gateway ${version('@apollo/gateway')}; @apollo/server ${version('@apollo/server')}; autocannon ${version('autocannon')}

`
writeFileSync(
  file,
  header +
    ['Collectors', 'Gateway']
      .filter((s) => sections.has(s))
      .map((s) => sections.get(s))
      .join('\n'),
)
console.log('Wrote BENCHMARKS.md')
