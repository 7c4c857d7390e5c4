/**
 * npm run bench [-- collectors|gateway]: runs the benchmarks and writes
 * BENCHMARKS.md with the machine, the versions, the command and the date.
 * With DATABASE_URL set, PostgreSQL is measured (beside PGlite for the
 * collectors; the gateway benchmark then uses the large demo platform).
 * A run of one suite keeps the other suite's section as it was.
 * HD4RES_BENCH_LEVERS=<text> (some levers only) and HD4RES_BENCH_WORKLOADS=<text>
 * (some workloads only, e.g. "cold", no levers) print their rows and leave
 * BENCHMARKS.md as it is.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { benchCollectors } from './collectors.js'
import { benchGateway, HERD_SIZE, HERD_SPREAD_MS, HERD_WORKLOAD, type GatewayBenchRow, type HerdRow } from './gateway.js'

const root = path.resolve(import.meta.dirname, '..')
const file = path.join(root, 'BENCHMARKS.md')
const version = (pkg: string) =>
  (JSON.parse(readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version
const fmt = (n: number, digits = 0) => n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits })
const suites = process.argv[2] ? [process.argv[2]] : ['collectors', 'gateway']
if ((process.env.HD4RES_BENCH_LEVERS || process.env.HD4RES_BENCH_WORKLOADS) && process.argv[2] !== 'gateway') {
  console.error('HD4RES_BENCH_LEVERS and HD4RES_BENCH_WORKLOADS pick parts of the gateway suite: npm run bench -- gateway')
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
  const { rows, herd, levers, unable, store } = await benchGateway(log)
  const find = (w: string, prefix: string) => rows.find((r) => r.workload === w && r.contender.startsWith(prefix))
  const line = (r: GatewayBenchRow) => {
    const s = find(r.workload, 'stock')
    const c = find(r.workload, 'ceiling')
    const rounds = r.rssAfterRounds.length > 0 ? r.rssAfterRounds.map((x) => fmt(x)).join(' / ') : '–'
    const cpu = r.cpuMsPerRequest === null ? '–' : fmt(r.cpuMsPerRequest, 2)
    const cpuVsStock = s && r.cpuMsPerRequest !== null && s.cpuMsPerRequest ? `${fmt(r.cpuMsPerRequest / s.cpuMsPerRequest, 2)}×` : ''
    return `| ${r.workload} | ${r.contender} | ${fmt(r.requestsPerSecond)} | ${fmt(r.p50, 2)} | ${fmt(r.p99, 2)} | ${r.errors} | ${cpu} | ${r.peakRssMb === null ? '–' : fmt(r.peakRssMb)} | ${rounds} | ${s ? `${fmt(r.requestsPerSecond / s.requestsPerSecond, 2)}×` : ''} | ${cpuVsStock} | ${c ? `${fmt((100 * r.requestsPerSecond) / c.requestsPerSecond)} %` : ''} |`
  }
  const head = [
    '| workload | gateway | req/s | p50 ms | p99 ms | errors | CPU ms/request | peak RSS MB | RSS after each round MB | req/s vs stock | CPU vs stock | vs ceiling |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|',
  ]
  // One line per contender and reason, naming the workloads by their letters.
  const failures = new Map<string, { contender: string; reason: string; workloads: string[] }>()
  for (const u of unable) {
    const key = `${u.contender}\n${u.reason}`
    const entry = failures.get(key) ?? { contender: u.contender, reason: u.reason, workloads: [] }
    if (u.workload) entry.workloads.push(u.workload.split(' ')[0]! + (u.workload.endsWith(', cold') ? ' cold' : ''))
    failures.set(key, entry)
  }
  const unableText = failures.size
    ? [...failures.values()]
        .map(
          (f) =>
            `- **${f.contender}** could not serve ${f.workloads.length ? `workload ${f.workloads.join(', ')}` : 'this supergraph'}: ${f.reason}`,
        )
        .join('\n')
    : '- Every contender served every workload.'
  if (process.env.HD4RES_BENCH_WORKLOADS) {
    // Some workloads only: the rows and the targets they bear on are printed, and BENCHMARKS.md is left as it is.
    console.log(
      `\nWorkloads matching "${process.env.HD4RES_BENCH_WORKLOADS}", on ${store}${rows.length > 0 ? `, ${process.env.HD4RES_BENCH_SECONDS ?? 5} s a round, median of 3 rounds` : ''}:\n`,
    )
    if (rows.length > 0) console.log([...head, ...rows.map(line)].join('\n'))
    if (herd.length > 0) console.log(`\n${HERD_WORKLOAD}:\n\n${herdTable(herd)}`)
    console.log(`\n${targets(rows, herd)}\n\n${unableText}`)
    process.exit(0)
  }
  sections.set(
    'Gateway',
    `## Gateway

Run ${today} with \`${command}\`, on ${store}. Each gateway runs in a
process of its own (\`bench/gateway-process.ts\`) in front of the same
subgraph processes (\`bench/subgraphs-process.ts\`, one per subgraph on
PostgreSQL); the load comes from autocannon in the harness's process,
${process.env.HD4RES_BENCH_SECONDS ?? 5} s a round, 8 connections on the cold workloads and 16 on
the cached ones, median of 3 rounds (by req/s; its p50, p99 and CPU are
shown). First, 20 s of load through the stock gateway on each set of
subgraph processes, not counted, so that the subgraphs' code is optimised
before the first contender is measured. Before each
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

- The **cold** rows have nothing cached anywhere: every contender is in
  front of a second set of the same five subgraph processes started with
  \`HD4RES_SUBGRAPH_CACHE_MB=0\`, and ours runs with its response cache off
  (its parsed-document and query-plan caches stay on, as stock and Hive keep
  theirs; so do its memory of verified tokens and of researchers'
  memberships, which stock and the peers need not look up: the load hands
  them a signed identity). (a) is the project dashboard for researchers at
  random; (c) the 365-day record-count history of the 10 components, the
  \`points\` form; (f) the same history in the \`compact\` form; (e) a project's incidents, first 50, filtered by states
  (open, closed, or all) and priorities (critical and high, down to
  moderate, or any) drawn at random, for a random project of a random
  researcher. The rows named **cached** keep the caches as deployed.
- **CPU ms/request** is the gateway's CPU time (user and system, from
  \`/proc/<pid>/stat\`, all its processes summed) over the reported round,
  divided by the requests answered in it.
- **ours** runs as deployed, except that every contender's process loads
  its code through tsx rather than from compiled JavaScript: production mode, a JWT checked on every
  request (a token already verified is answered from memory until it
  expires), limits and rate limits, request ids, the response cache on (its
  default) except for the cold rows and the cached (a) row, which are
  uncached at the gateway; "2
  workers" is the production entry point's \`HD4RES_GATEWAY_WORKERS=2\`
  (one is the default). Here the two workers share the machine's two cores
  with the load generator and the five subgraphs: the 2-worker rows show what
  a second process costs or gains on a machine that has no core to spare, not
  how far ours scales.
- The **subgraphs** of the cached rows keep their own result caches (part of
  the deployed system, shared by every contender alike): after the priming
  requests they answer workload (a) from them too. The cold (a) rows show it
  with nothing cached anywhere, every contender side by side.
- **stock** is a plain \`@apollo/gateway\` + \`@apollo/server\` with default
  settings; it and the peers forward the signed identity header the load
  generator sends, since the subgraphs require one (they do no sign-in).
- **@graphql-hive/gateway** is its runtime on \`node:http\` with default settings;
  **with its Rust query planner** it is given \`@graphql-hive/router-runtime\`'s
  \`unifiedGraphHandler\` (what its CLI's \`--hive-router-runtime\` switch loads).
- The **forwarding floor** (\`bench/floor.ts\`) is not a gateway to deploy but
  a floor for comparison: it answers only the workload's query, whose plan
  it makes once at start with \`@apollo/query-planner\`, by sending exactly
  the plan's subgraph fetches (each distinct entity once) and merging their
  answers as they are, with no validation, null propagation, shaping to the
  client's selection, limits or sign-in.
- The **ceiling** is a bare \`node:http\` server answering the bytes ours
  answered to the workload's first request.
- Errors count the failed requests of the reported round and the priming
  answers (one request per researcher drawn from) that were not a 200
  without GraphQL errors.
- Peak RSS is the largest gateway process's high-water mark (VmHWM; a
  worker's, with two) over its whole life; the RSS after each round shows
  whether memory stays flat. Each
  worker of ours runs with an old-generation limit sized from its caches
  (\`HD4RES_GATEWAY_HEAP_MB=auto\`: 128 MB plus the document, plan and
  in-memory response caches' sizes).

${[...head, ...rows.map(line)].join('\n')}

### The morning after an import

${HERD_WORKLOAD}, on PostgreSQL only, in front of the normal subgraph set
(their result caches on, as deployed; an import moves the data version, so
they miss too). Three gateways side by side, each in turn, a warm-up and 3
rounds: ours as deployed (response cache on, stale answers for 30 s, the
default), ours with \`HD4RES_RESPONSE_CACHE_STALE_SECONDS=0\` (no stale
answers: the behaviour before), and stock \`@apollo/gateway\` (no response
cache). Each round: ${HERD_SIZE} distinct researchers ask their project dashboard once
(their answers are kept); a real import runs through the HD4DevOps collector
(one component's last day delivered again, one transaction ending in
\`recordImportRun\`, whose NOTIFY the participants subgraph streams to the
gateway); once ours has heard of it (a researcher outside the herd asks until
the answer is no longer a hit), the ${HERD_SIZE} dashboards are sent, one every
${HERD_SPREAD_MS / HERD_SIZE} ms in a random order (${HERD_SPREAD_MS / 1000} s). Latency is each answer's whole time; the
percentiles are over all rounds' answers. A stale answer's age is the time from
the import's start to the answer's arrival; the bound is the setting.
"Recomputed" is when ours' background recomputes of the stale answers had all
run (its \`/metrics\` misses), from the import's start.

${herdTable(herd)}

### Against the targets

${targets(rows, herd)}

### Contenders that could not run

${unableText}

### Each lever of ours

The same workloads with one lever changed, compare with the "ours" rows
above: each lever switched off, except two: persisted queries switched on
(the load sends the operation's hash only, as a frontend does once the
gateway knows it; the rows above send the text) and V8's own young
generation (\`HD4RES_GATEWAY_SEMI_SPACE_MB=0\`, about 64 MB a semi-space on
Node 24, where ours caps it at 32 MB). The audit trail is measured three ways side by side,
their rounds interleaved, all in development mode since production refuses
to switch it off: on; on with its records shipped only after the rounds
(the synchronous write on the answer's path alone, without the store's work
of keeping the records, which here shares the machine); and off
(\`HD4RES_AUDIT=off\`).

${[...head, ...levers.map(line)].join('\n')}
`,
  )
}

/** The herd's rows: latency, where the answers came from, and how old the stale ones were. */
function herdTable(herd: HerdRow[]): string {
  if (herd.length === 0)
    return `Not measured${process.env.DATABASE_URL ? ' in this run' : ' (the herd needs PostgreSQL: the harness imports into the store the subgraphs read)'}.`
  const list = (values: number[], digits = 0) => (values.length > 0 ? values.map((v) => fmt(v, digits)).join(' / ') : '–')
  return [
    '| gateway | answers | p50 ms | p99 ms | max ms | p99 each round ms | stale / miss / hit | errors | oldest stale answer, s after the import | stale bound s | heard of the import after, ms | stale answers recomputed after, s |',
    '|---|---:|---:|---:|---:|---|---|---:|---:|---:|---|---|',
    ...herd.map(
      (h) =>
        `| ${h.contender} | ${h.answers} | ${fmt(h.p50, 2)} | ${fmt(h.p99, 2)} | ${fmt(h.max, 2)} | ${list(h.p99ByRound, 1)} | ${h.none === h.answers ? '– (no response cache)' : `${h.stale} / ${h.miss} / ${h.hit}`} | ${h.errors} | ${h.oldestStaleMs === null ? '–' : fmt(h.oldestStaleMs / 1000, 2)} | ${h.staleSeconds ?? '–'} | ${list(h.heardMs)} | ${list(
          h.recomputedMs.map((ms) => ms / 1000),
          1,
        )} |`,
    ),
  ].join('\n')
}

/** The herd's done-when figures: ours as deployed (stale answers on). */
function herdTargets(herd: HerdRow[]): string[] {
  const mark = (ok: boolean) => (ok ? 'met' : 'not met')
  const ours = herd.find((h) => h.staleSeconds !== null && h.staleSeconds > 0)
  if (!ours) return [`- (h) herd after an import: not measured${process.env.DATABASE_URL ? ' in this run' : ' (it needs PostgreSQL)'}`]
  const bound = ours.staleSeconds! * 1000
  const withinBound = ours.errors === 0 && ours.staleWithoutVersion === 0 && (ours.oldestStaleMs ?? 0) <= bound
  return [
    `- (h) herd after an import, ours as deployed: p99 ${fmt(ours.p99, 2)} ms over ${ours.answers} answers (target under 50 ms: ${mark(ours.p99 < 50)})`,
    `- (h) herd after an import, ours as deployed: ${ours.stale} of ${ours.answers} answers stale, the oldest ${ours.oldestStaleMs === null ? '–' : `${fmt(ours.oldestStaleMs / 1000, 2)} s`} after the import, the bound ${ours.staleSeconds} s (target no answer older than the bound: ${mark(withinBound)})`,
  ]
}

/** The issue's done-when figures, read off this run's rows. */
function targets(rows: GatewayBenchRow[], herd: HerdRow[]): string {
  // The cached rows (the first targets); the cold ones are the issue's cold-path targets below.
  const cached = rows.filter((r) => !r.workload.endsWith(', cold'))
  const at = (w: string, prefix: string) => cached.find((r) => r.workload.startsWith(w) && r.contender.startsWith(prefix))
  const ratio = (a?: GatewayBenchRow, b?: GatewayBenchRow) =>
    a && b && b.requestsPerSecond > 0 ? a.requestsPerSecond / b.requestsPerSecond : NaN
  const mark = (ok: boolean) => (ok ? 'met' : 'not met')
  const lines: string[] = []
  for (const who of cached.length > 0 ? ['ours', 'ours, 2 workers'] : []) {
    const ours = at('(a)', who)
    const stock = at('(a)', 'stock')
    const peers = cached.filter((r) => r.workload.startsWith('(a)') && r.contender.startsWith('@') && r.requestsPerSecond > 0)
    const ahead = ours !== undefined && peers.every((p) => p.requestsPerSecond < ours.requestsPerSecond && p.p99 > ours.p99)
    const x = ratio(ours, stock)
    if (ours)
      lines.push(
        `- (a) gateway cache off, subgraphs cached, ${who}: ${fmt(x, 2)}× stock (target 2×: ${mark(x >= 2)}); ahead of every peer that served, with lower p99: ${ahead ? 'yes' : 'no'}`,
      )
    const b = ratio(at('(b)', who), at('(b)', 'ceiling'))
    if (at('(b)', who)) lines.push(`- (b) repeating, cached, ${who}: ${fmt(100 * b)} % of the ceiling (target 70 %: ${mark(b >= 0.7)})`)
    const c = at('(c)', who)
    if (c) lines.push(`- (c) history, cached, ${who}: p99 ${c.p99} ms (target under 50 ms: ${mark(c.p99 < 50)})`)
    const d = at('(d)', who)
    const direct = at('(d)', 'direct')
    if (d && direct)
      lines.push(
        `- (d) small query, cached, ${who}: p50 ${d.p50} ms against ${direct.p50} ms direct (target at most 1.3×: ${mark(d.p50 <= 1.3 * direct.p50)})`,
      )
    const peaks = rows.filter((r) => r.contender === who && r.peakRssMb !== null).map((r) => r.peakRssMb!)
    if (peaks.length)
      lines.push(
        `- memory, ${who}: peak ${fmt(Math.max(...peaks))} MB over all workloads (target under 300 MB: ${mark(Math.max(...peaks) < 300)}); flat across rounds: see the table`,
      )
  }
  lines.push(...coldTargets(rows.filter((r) => r.workload.endsWith(', cold'))))
  lines.push(...herdTargets(herd))
  return lines.join('\n')
}

/** The cold path's done-when figures (nothing cached anywhere), from the cold rows; a target whose rows are missing is not met. */
function coldTargets(cold: GatewayBenchRow[]): string[] {
  if (cold.length === 0)
    return [`- cold path: not measured${process.env.DATABASE_URL ? ' in this run' : ' (the cold workloads need PostgreSQL)'}`]
  const row = (w: string, who: string) => cold.find((r) => r.workload.startsWith(w) && r.contender === who)
  const mark = (ok: boolean) => (ok ? 'met' : 'not met')
  const times = (a?: GatewayBenchRow, b?: GatewayBenchRow) =>
    a && b && b.requestsPerSecond > 0 ? `${fmt(a.requestsPerSecond / b.requestsPerSecond, 2)}×` : 'not measured'
  const lines: string[] = []
  for (const [w, name, againstRust] of [
    ['(a)', 'dashboard', true],
    ['(e)', 'incidents', true],
    ['(c)', 'history', false],
  ] as const) {
    const ours = row(w, 'ours')
    const stock = row(w, 'stock @apollo/gateway')
    const rust = row(w, '@graphql-hive/gateway, Rust query planner')
    const threeTimes = !!ours && !!stock && ours.requestsPerSecond >= 3 * stock.requestsPerSecond
    let line = `- ${w} ${name}, cold: ours ${times(ours, stock)} stock in req/s (target at least 3×: ${mark(threeTimes)})`
    if (againstRust) {
      const ahead = !!ours && !!rust && ours.requestsPerSecond > rust.requestsPerSecond
      line += `; ${times(ours, rust)} Hive Gateway with its Rust query planner (target ahead: ${mark(ahead)})`
    }
    lines.push(line)
  }
  const points = row('(c)', 'ours')
  const compact = row('(f)', 'ours')
  if (compact) {
    const smaller = points?.answerBytes && compact.answerBytes ? points.answerBytes / compact.answerBytes : NaN
    lines.push(
      `- (f) history in the compact form, cold: ours p99 ${fmt(compact.p99, 2)} ms (target under 50 ms: ${mark(compact.p99 < 50)}); its answer ${compact.answerBytes === undefined ? 'not measured' : `${fmt(compact.answerBytes / 1024, 1)} KB`}, ${Number.isNaN(smaller) ? 'not compared' : `${fmt(smaller, 1)}× smaller than the points form's ${fmt(points!.answerBytes! / 1024, 1)} KB`} (target at least 5×: ${mark(smaller >= 5)})`,
    )
  } else lines.push('- (f) history in the compact form, cold: not measured in this run')
  const peaks = cold.filter((r) => r.contender === 'ours').map((r) => r.peakRssMb)
  const measured = peaks.length > 0 && peaks.every((p) => p !== null)
  const peak = measured ? Math.max(...(peaks as number[])) : NaN
  lines.push(
    `- memory, cold: ours peaks at ${measured ? `${fmt(peak)} MB` : 'not measured'} over the cold workloads (target under 300 MB on every cold workload: ${mark(measured && peak < 300)})`,
  )
  return lines
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
