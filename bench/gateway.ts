/**
 * Gateway throughput, latency, CPU and memory, side by side on the same
 * subgraph processes. Two kinds of workload:
 *
 * - cold (names end in ", cold"): nothing cached anywhere, on a set of
 *   subgraph processes started with HD4RES_SUBGRAPH_CACHE_MB=0 and ours with
 *   its response cache off (its parsed-document and plan caches stay, as
 *   stock and Hive keep theirs); 8 connections. (a) the project dashboard,
 *   researchers at random; (c) the 365-day record-count history of the 10
 *   components; (f) the same year in the compact form (ComponentCountSeries.compact);
 *   (e) a project's incidents, first 50, filtered by states and
 *   priorities drawn at random, a random project of a random researcher.
 *   Contenders: ours, stock @apollo/gateway, @graphql-hive/gateway with its
 *   default planner and with its Rust query planner
 *   (@graphql-hive/router-runtime), and the forwarding floor (bench/floor.ts:
 *   the plan's subgraph fetches and nothing else, a floor for comparison).
 *   PostgreSQL only: the embedded store serves one subgraph process.
 * - cached (names say "cached"): the deployed caches on, 16 connections;
 *   ours (one and two workers), stock, the peers (@graphql-hive/gateway,
 *   @mercuriusjs/gateway), the ceiling (a bare node:http server answering the
 *   same bytes) and, for the single-subgraph workload, the subgraph called
 *   directly.
 * - the herd (HERD_WORKLOAD): the morning after an import, on the normal
 *   (cached) subgraph set, PostgreSQL only. 200 distinct researchers each ask
 *   their project dashboard once (their answers are kept), a real import
 *   moves the data version, and the same 200 dashboards arrive within 2 s;
 *   ours with stale answers on (as deployed), ours with them off
 *   (HD4RES_RESPONSE_CACHE_STALE_SECONDS=0) and stock @apollo/gateway, in
 *   turn, three rounds each. See herdWorkload.
 *
 * Each workload runs for the same duration, three rounds; the median round
 * (by requests a second) is reported, with the gateway's CPU time per request
 * in that round (utime + stime from /proc/<pid>/stat, the gateway's processes
 * summed) and its peak memory (VmHWM). The contenders of a workload run side
 * by side and take their rounds in turn, so that they meet the same machine.
 * Then each lever of ours is measured.
 *
 * HD4RES_BENCH_WORKLOADS=<text> runs only the workloads whose names hold the
 * text (e.g. "cold"), without the levers; bench/index.ts then prints the rows
 * instead of rewriting BENCHMARKS.md.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { DEV_AUDIENCE, DEV_ISSUER } from '../gateway/auth.js'
import { CACHE_HEADER, CACHE_VERSION_HEADER, REVALIDATE_HEADER } from '../gateway/responseCache.js'
import { collectHd4devopsCounts } from '../collectors/hd4devops.js'
import { SUBGRAPHS } from '../subgraphs/index.js'
import { openDb } from '../subgraphs/kit/store/db.js'
import { IDENTITY_HEADER, signIdentity } from '../platform/identity.js'
import { descendants } from '../test/helpers/processTree.js'
import { createScratchDatabase } from '../test/helpers/scratchDatabase.js'
import { COMPACT_HISTORY, DASHBOARD, HISTORY, INCIDENTS, PRIORITY_SETS, SMALL, STATE_SETS } from './queries.js'

const root = path.resolve(import.meta.dirname, '..')
const tsx = path.join(root, 'node_modules/.bin/tsx')
/** The first gateway's port; those measured beside it take the next ones. */
const PORT = 4310
const DURATION = Number(process.env.HD4RES_BENCH_SECONDS ?? 5)
/** Concurrent connections of the cached workloads, and of the cold ones. */
const CONNECTIONS = 16
const COLD_CONNECTIONS = 8
const ROUNDS = 3

export interface GatewayBenchRow {
  workload: string
  contender: string
  requestsPerSecond: number
  p50: number
  p99: number
  errors: number
  /** The gateway's CPU time (user + system, all its processes) per request in the reported round, ms. */
  cpuMsPerRequest: number | null
  peakRssMb: number | null
  rssAfterRounds: number[]
  /** The size of the contender's answer to its first request, bytes. */
  answerBytes?: number
}

/** One contender's answers to the herd after an import, over all its rounds. */
export interface HerdRow {
  contender: string
  /** The stale bound ours ran with (HD4RES_RESPONSE_CACHE_STALE_SECONDS); null for a gateway without a response cache. */
  staleSeconds: number | null
  answers: number
  p50: number
  p99: number
  max: number
  p99ByRound: number[]
  /** Answers by their x-hd4res-cache header; "none" for a gateway that sends none. */
  stale: number
  miss: number
  hit: number
  none: number
  errors: number
  /** Each stale answer's age, the time from the import's start to the answer: the oldest, ms (null without any). */
  oldestStaleMs: number | null
  /** Stale answers without the version they were computed at (x-hd4res-cache-version). */
  staleWithoutVersion: number
  /** From the import's start until ours answered as if it knew of the new version, ms, each round. */
  heardMs: number[]
  /** From the import's start until every stale answer's background recompute had run, ms, each round (ours with stale answers). */
  recomputedMs: number[]
}

/** The herd's name, which HD4RES_BENCH_WORKLOADS is matched against. */
export const HERD_WORKLOAD = '(h) herd: 200 researchers’ dashboards within 2 s after an import, cached as deployed'
export const HERD_SIZE = 200
export const HERD_SPREAD_MS = 2000

export interface GatewayBenchResult {
  rows: GatewayBenchRow[]
  /** The herd after an import (empty when not measured). */
  herd: HerdRow[]
  /** Levers of ours, each measured on and off. */
  levers: GatewayBenchRow[]
  store: string
  /** Contenders that could not serve the supergraph, and why. */
  unable: { contender: string; reason: string; workload?: string }[]
}

function start(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ child: ChildProcess; firstLine: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] })
    let buffer = ''
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString()
      const newline = buffer.indexOf('\n')
      if (newline >= 0) {
        child.stdout!.off('data', onData)
        resolve({ child, firstLine: buffer.slice(0, newline) })
      }
    }
    child.stdout!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}${buffer ? `: ${buffer.trim()}` : ''}`)))
  })
}

function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  try {
    return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  } catch {
    return 0
  }
}

/** Memory of a gateway: the processes under the tsx launcher (one, or the cluster's primary and workers). */
function gatewayMemory(child: ChildProcess): { peakMb: number; rssMb: number } {
  const pids = descendants(child.pid!)
  const measured = pids.length > 0 ? pids : [child.pid!]
  return {
    // The largest single process: each worker is a whole gateway.
    peakMb: Math.max(...measured.map((p) => statusKb(p, 'VmHWM'))) / 1024,
    rssMb: Math.max(...measured.map((p) => statusKb(p, 'VmRSS'))) / 1024,
  }
}

/** Clock ticks a second, the unit of /proc/<pid>/stat's CPU times. */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/** CPU time a process has used so far (utime + stime), in ms; 0 once it is gone. */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The fields after the command name (which may hold spaces): state is the 3rd field, utime the 14th, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS
  } catch {
    return 0
  }
}

/** CPU time of a gateway so far: the tsx launcher and every process under it (the cluster's primary and workers). */
const gatewayCpuMs = (child: ChildProcess): number => [child.pid!, ...descendants(child.pid!)].reduce((sum, pid) => sum + cpuMs(pid), 0)

/** SIGTERM, then, for a process that does not stop within 5 s, SIGKILL to it and everything it started. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const tree = [child.pid!, ...descendants(child.pid!)]
  child.kill('SIGTERM')
  const timer = setTimeout(() => {
    for (const pid of tree.reverse()) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
  }, 5000)
  await exited
  clearTimeout(timer)
}

interface Load {
  url: string
  /** A request body and headers, drawn for each request. */
  next: () => { body: string; headers: Record<string, string> }
  /** Every distinct request the load draws from. */
  each?: () => { body: string; headers: Record<string, string> }[]
}

/**
 * Sends every distinct request of a load once, as many at a time as the
 * workload's connections, before a contender is measured: the subgraphs'
 * caches are then equally warm for every contender, whichever runs first.
 * Returns how many answers were not a 200 without GraphQL errors.
 */
async function prime(load: Load, connections: number): Promise<number> {
  const queue = load.each?.() ?? []
  let failed = 0
  await Promise.all(
    Array.from({ length: connections }, async () => {
      for (let item = queue.pop(); item; item = queue.pop()) {
        const response = await fetch(load.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...item.headers },
          body: item.body,
        })
        const text = await response.text()
        if (response.status !== 200 || text.includes('"errors":')) failed++
      }
    }),
  )
  return failed
}

interface Measured {
  requestsPerSecond: number
  p50: number
  p99: number
  errors: number
  cpuMsPerRequest: number | null
  /** Resident memory of the gateway after each round, MB. */
  rssAfterRounds: number[]
}

/** Seconds of load before the measured rounds, for every contender alike: compiled code and the subgraphs' caches warm. */
const WARM_UP = 2
/** Seconds of load through one gateway before anything is measured, so that the subgraphs' code is optimised for every contender. */
const SYSTEM_WARM_UP = 20

/** autocannon's request list for a load: each request a JSON POST drawn afresh from the load. */
const drawnFrom = (load: Load): autocannon.Request[] => [
  {
    method: 'POST',
    setupRequest: (request) => {
      const { body, headers } = load.next()
      return { ...request, body, headers: { ...request.headers, 'content-type': 'application/json', ...headers } }
    },
  },
]

/** The latency at a percentile, in milliseconds to two decimals (0 without any). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0
  const sorted = Float64Array.from(values).sort()
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]! * 100) / 100
}

/** The bearer token the harness reads our gateways' /metrics with. */
export const BENCH_METRICS_TOKEN = 'bench-metrics-token-0123456789'

/**
 * Waits until a gateway of ours has shipped its audit spool, or has stopped
 * shipping (one that holds its spool back until after the rounds): until its
 * unshipped bytes are 0, or the same twice 500 ms apart. At most 60 s.
 */
export async function auditSettled(gatewayUrl: string): Promise<void> {
  const metricsUrl = new URL('/metrics', gatewayUrl)
  const unshipped = async () => {
    const response = await fetch(metricsUrl, { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } })
    const match = /^hd4res_gateway_audit_unshipped_bytes(?:\{[^}]*\})? (\d+)/m.exec(await response.text())
    return match ? Number(match[1]) : 0
  }
  const until = Date.now() + 60_000
  let before = await unshipped()
  while (before > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 500))
    const now = await unshipped()
    if (now === before) return
    before = now
  }
}

/**
 * Measures one or more gateways with their rounds interleaved (a round of each
 * in turn), so that contenders compared with each other meet the same machine:
 * on a shared machine the speed available drifts over minutes, and rounds
 * minutes apart would measure the drift as much as the gateways.
 */
async function measure(
  subjects: { load: Load; gateway?: ChildProcess; settle?: () => Promise<void> }[],
  connections: number,
): Promise<Measured[]> {
  const rounds: Omit<Measured, 'rssAfterRounds'>[][] = subjects.map(() => [])
  const rssAfterRounds: number[][] = subjects.map(() => [])
  for (let r = -1; r < ROUNDS; r++) {
    for (const [i, { load, gateway }] of subjects.entries()) {
      // Work a contender left behind (ours ships its audit spool after its round) must not fall in another's round.
      await Promise.all(subjects.map((s) => s.settle?.()))
      // The promise autocannon returns is also its event emitter (the typings show only the promise).
      const cpuBefore = gateway ? gatewayCpuMs(gateway) : 0
      const instance = autocannon({
        url: load.url,
        connections,
        duration: r < 0 ? WARM_UP : DURATION,
        requests: drawnFrom(load),
      }) as Promise<autocannon.Result> & Pick<autocannon.Instance, 'on'>
      // autocannon's own percentiles are whole milliseconds; its response events carry the exact time.
      const latencies: number[] = []
      instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
        if (status >= 200 && status < 300) latencies.push(ms)
      })
      const result = await instance
      if (r < 0) continue
      const cpu = gateway ? gatewayCpuMs(gateway) - cpuBefore : null
      if (gateway) rssAfterRounds[i]!.push(gatewayMemory(gateway).rssMb)
      rounds[i]!.push({
        requestsPerSecond: result.requests.average,
        p50: percentile(latencies, 0.5),
        p99: percentile(latencies, 0.99),
        errors: result.errors + result.non2xx + result.timeouts,
        cpuMsPerRequest: cpu !== null && result.requests.total > 0 ? cpu / result.requests.total : null,
      })
    }
  }
  return rounds.map((list, i) => {
    const sorted = [...list].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)
    return { ...sorted[Math.floor(sorted.length / 2)]!, rssAfterRounds: rssAfterRounds[i]! }
  })
}

export async function benchGateway(log: (line: string) => void): Promise<GatewayBenchResult> {
  // HD4RES_BENCH_LEVERS=<text>: only the lever runs whose labels hold the text, without the contenders' table (a quick look at one lever).
  const only = process.env.HD4RES_BENCH_LEVERS
  // HD4RES_BENCH_WORKLOADS=<text>: only the workloads whose names hold the text, without the levers (a short run).
  const workloadFilter = process.env.HD4RES_BENCH_WORKLOADS
  const engine = process.env.DATABASE_URL ? 'postgres' : 'pglite'
  const size = process.env.HD4RES_BENCH_SIZE ?? (engine === 'postgres' ? 'large' : 'default')
  const database = await createScratchDatabase(engine, 'hd4res_benchgw')
  const secret = 'b'.repeat(48)
  const work = mkdtempSync(path.join(tmpdir(), 'hd4res-benchgw-'))
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const publicJwk = { ...(await exportJWK(publicKey)), kid: 'dev-1', alg: 'ES256' }
  const rows: GatewayBenchRow[] = []
  const levers: GatewayBenchRow[] = []
  const herd: HerdRow[] = []
  const unable: GatewayBenchResult['unable'] = []
  const running: ChildProcess[] = []
  try {
    log(`filling the ${size} demo platform on ${engine}…`)
    const filled = await start(['bench/subgraphs-process.ts', database.url, size, secret, '--fill-only'])
    await new Promise((resolve) => (filled.child.exitCode !== null ? resolve(null) : filled.child.once('exit', resolve)))

    /** The subgraphs: one process each on PostgreSQL, one process on the embedded store (it serves one process only). */
    const startSubgraphs = async (env: Record<string, string>): Promise<Record<string, string>> => {
      const groups = engine === 'postgres' ? SUBGRAPHS.map((s) => [s.name]) : [[]]
      const urls: Record<string, string> = {}
      for (const names of groups) {
        const started = await start(['bench/subgraphs-process.ts', database.url, size, secret, ...names], { ...process.env, ...env })
        running.push(started.child)
        Object.assign(urls, (JSON.parse(started.firstLine) as { urls: Record<string, string> }).urls)
      }
      return urls
    }
    log(
      'starting the subgraphs (and, on PostgreSQL, a second set with their result cache off, for the cold workloads and the lever table)…',
    )
    const urls = await startSubgraphs({})
    // The embedded store serves one process: there the subgraph-cache lever is not measured.
    const uncachedUrls = engine === 'postgres' ? await startSubgraphs({ HD4RES_SUBGRAPH_CACHE_MB: '0' }) : null

    // Researchers and their projects, read once from the store (a second connection; PostgreSQL only).
    let researchers: { id: string; projects: string[] }[] = []
    if (engine === 'postgres') {
      const db = await openDb({ databaseUrl: database.url, poolSize: 1 })
      const found = await db.query<{ researcher_id: string; projects: string[] }>(
        `SELECT researcher_id, array_agg(project_id ORDER BY project_id) AS projects FROM participants.memberships GROUP BY researcher_id ORDER BY researcher_id LIMIT 300`,
      )
      researchers = found.map((r) => ({ id: r.researcher_id, projects: r.projects }))
      await db.close()
    } else {
      // The embedded store is held by the subgraph process; the demo's first researchers are known.
      researchers = [{ id: 'researcher-0001', projects: ['prj-0001', 'prj-0002', 'prj-0003'] }]
    }
    const people = await Promise.all(
      researchers.map(async (r) => ({
        ...r,
        token: await new SignJWT({ name: r.id, roles: ['researcher'] })
          .setProtectedHeader({ alg: 'ES256', kid: 'dev-1' })
          .setSubject(r.id)
          .setIssuer(DEV_ISSUER)
          .setAudience(DEV_AUDIENCE)
          .setIssuedAt()
          .setExpirationTime('2h')
          .sign(privateKey),
      })),
    )
    type Person = (typeof people)[number]
    const identityOf = (r: Person) => signIdentity({ sub: r.id, name: r.id, roles: ['researcher'], projects: r.projects }, secret)
    const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!

    const repeated = people.slice(0, 5)

    type Workload = {
      name: string
      query: string
      people: Person[]
      cache: boolean
      direct?: string
      /** Nothing cached: the uncached subgraph set, 8 connections, the cold contenders. */
      cold?: boolean
      /** A request's variables (the researcher's first project unless given). */
      variables?: (r: Person) => Record<string, unknown>
    }
    const cachedWorkloads: Workload[] = [
      { name: '(a) project dashboard, researchers at random, cached in the subgraphs only', query: DASHBOARD, people, cache: false },
      { name: '(b) project dashboard, 5 researchers repeating (9 a.m.), cached', query: DASHBOARD, people: repeated, cache: true },
      { name: '(c) 365-day record-count history, 10 components, cached', query: HISTORY, people: repeated, cache: true },
      { name: '(d) small single-subgraph query (publications), cached', query: SMALL, people, cache: true, direct: urls.participants },
    ]
    const coldWorkloads: Workload[] = [
      { name: '(a) project dashboard, researchers at random, cold', query: DASHBOARD, people, cache: false, cold: true },
      { name: '(c) 365-day record-count history, 10 components, cold', query: HISTORY, people, cache: false, cold: true },
      {
        name: '(f) 365-day record-count history, 10 components, compact form, cold',
        query: COMPACT_HISTORY,
        people,
        cache: false,
        cold: true,
      },
      {
        name: '(e) incidents, first 50, filtered by state and priority, researchers and projects at random, cold',
        query: INCIDENTS,
        people,
        cache: false,
        cold: true,
        variables: (r) => ({ id: pick(r.projects), states: pick(STATE_SETS), priorities: pick(PRIORITY_SETS) }),
      },
    ]
    // The embedded store serves one subgraph process: the cold set (its own processes, result cache off) needs PostgreSQL.
    if (!uncachedUrls) log('the cold workloads need PostgreSQL (DATABASE_URL): on the embedded store they are not measured')
    const workloads = [...(uncachedUrls ? coldWorkloads : []), ...cachedWorkloads].filter(
      (w) => !workloadFilter || w.name.includes(workloadFilter),
    )
    const connectionsOf = (w: Workload) => (w.cold ? COLD_CONNECTIONS : CONNECTIONS)
    const bodyOf = (w: Workload) => (r: Person) =>
      JSON.stringify({ query: w.query, variables: w.variables ? w.variables(r) : { id: r.projects[0] } })
    const gatewayUrl = `http://127.0.0.1:${PORT}/graphql`
    const withToken = (w: Workload, body = bodyOf(w), url = gatewayUrl): Load => {
      const request = (r: Person) => ({ body: body(r), headers: { authorization: `Bearer ${r.token}` } })
      return { url, next: () => request(pick(w.people)), each: () => w.people.map(request) }
    }
    const withIdentity = (w: Workload, url = gatewayUrl): Load => {
      const request = (r: Person) => ({ body: bodyOf(w)(r), headers: { [IDENTITY_HEADER]: identityOf(r) } })
      return { url, next: () => request(pick(w.people)), each: () => w.people.map(request) }
    }

    interface Contender {
      label: string
      kind: string
      load: Load
      workers?: number
      env?: Record<string, string>
      cache?: boolean
      subgraphs?: Record<string, string>
      warm?: () => Promise<void>
    }
    const ceilingFile = path.join(work, 'ceiling.json')
    const gatewayConfig = (c: Contender, w: Workload) =>
      JSON.stringify({
        urls: c.subgraphs ?? (w.cold ? uncachedUrls : urls),
        secret,
        publicJwk,
        cache: c.cache ?? w.cache,
        workers: c.workers,
        env: c.env,
        ceilingBodyFile: ceilingFile,
        queries: [w.query],
      })
    // One that cannot take the supergraph is not started again; one that fails a workload's query is tried on the next workload.
    const cannot = (w: Workload, c: Contender, what: 'supergraph' | 'workload', reason: string) => {
      if (what === 'supergraph' && !unable.some((u) => u.contender === c.label && !u.workload)) unable.push({ contender: c.label, reason })
      if (what === 'workload') unable.push({ contender: c.label, reason, workload: w.name })
      log(`${w.name}: ${c.label} cannot serve this ${what}: ${reason}`)
    }
    /** The size of each contender's first answer on each workload, by workload and contender. */
    const answerBytes = new Map<string, number>()
    /** Starts one gateway on a port and sends it one request; null (the reason noted) when it cannot serve. */
    const launch = async (w: Workload, c: Contender, port: number): Promise<ChildProcess | null> => {
      let gateway
      try {
        gateway = await start(['bench/gateway-process.ts', c.kind, String(port), gatewayConfig(c, w)])
      } catch (error) {
        cannot(w, c, 'supergraph', String((error as Error).message).replace(/^.*?failed: /s, ''))
        return null
      }
      // A contender that cannot serve says so on its first line instead of "ready".
      if (gateway.firstLine.startsWith('failed: ')) {
        await stop(gateway.child)
        cannot(w, c, 'supergraph', gateway.firstLine.slice('failed: '.length))
        return null
      }
      try {
        await c.warm?.()
        // One request first: a contender that answers it with errors cannot serve this workload.
        const probe = c.load.next()
        const answer = await fetch(c.load.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...probe.headers },
          body: probe.body,
        })
        const text = await answer.text()
        answerBytes.set(`${w.name}|${c.label}`, Buffer.byteLength(text))
        if (answer.status !== 200 || text.includes('"errors"')) {
          const message = (JSON.parse(text) as { errors?: { message?: string }[] }).errors?.[0]?.message ?? `HTTP ${answer.status}`
          await stop(gateway.child)
          cannot(w, c, 'workload', `it answers the workload's query with an error (HTTP ${answer.status}): ${message}`)
          return null
        }
      } catch (error) {
        await stop(gateway.child)
        throw error
      }
      return gateway.child
    }
    /**
     * Starts the gateways of one comparison side by side (the first on PORT,
     * the next on PORT + 1…), measures them with their rounds interleaved, and
     * stops them; `direct` is an address measured in the same rotation. A
     * gateway that cannot serve is left out (and named in BENCHMARKS.md).
     */
    const run = async (w: Workload, contenders: Contender[], direct?: { label: string; load: Load }): Promise<GatewayBenchRow[]> => {
      const started: { label: string; load: Load; gateway?: ChildProcess; settle?: () => Promise<void> }[] = []
      try {
        for (const [i, c] of contenders.entries()) {
          if (unable.some((u) => u.contender === c.label && !u.workload)) continue
          const gateway = await launch(w, c, PORT + i)
          if (gateway)
            started.push({ label: c.label, load: c.load, gateway, settle: c.kind === 'ours' ? () => auditSettled(c.load.url) : undefined })
        }
        if (started.length === 0) return []
        if (direct) started.push(direct)
        log(`${w.name}: ${started.map((s) => s.label).join(' | ')}${started.length > 1 ? ', rounds interleaved' : ''}…`)
        // The priming requests (one per researcher) are also the answers checked for GraphQL errors.
        const failedAnswers: number[] = []
        for (const s of started) failedAnswers.push(await prime(s.load, connectionsOf(w)))
        const measured = await measure(started, connectionsOf(w))
        return started.map((s, i) => {
          const m = { ...measured[i]!, errors: measured[i]!.errors + failedAnswers[i]! }
          const peak = s.gateway ? gatewayMemory(s.gateway).peakMb : null
          log(
            `  ${s.label}: ${m.requestsPerSecond.toFixed(0)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, errors ${m.errors}${m.cpuMsPerRequest === null ? '' : `, CPU ${m.cpuMsPerRequest.toFixed(2)} ms/request`}${peak === null ? '' : `, peak RSS ${peak.toFixed(0)} MB (after rounds ${m.rssAfterRounds.map((x) => x.toFixed(0)).join('/')})`}`,
          )
          return { workload: w.name, contender: s.label, ...m, peakRssMb: peak, answerBytes: answerBytes.get(`${w.name}|${s.label}`) }
        })
      } finally {
        for (const s of started) if (s.gateway) await stop(s.gateway)
      }
    }

    // The subgraph processes have just started: their code is not yet optimised, so whichever
    // contender ran first would pay for that. A warm-up of the whole system through the stock
    // gateway first, not counted; every contender then meets the same warm subgraphs.
    // The uncached set has processes of its own: it is warmed up the same way, its time shared by the cold workloads.
    const warmUp = async (set: Record<string, string>, through: Workload[], what: string) => {
      if (through.length === 0) return
      log(`warming the ${what} up for ${SYSTEM_WARM_UP} s through the stock gateway (not counted)…`)
      const stock = await start([
        'bench/gateway-process.ts',
        'stock',
        String(PORT),
        JSON.stringify({ urls: set, secret, publicJwk, cache: false }),
      ])
      try {
        for (const w of through) {
          const load = withIdentity(w)
          await prime(load, connectionsOf(w))
          const duration = Math.max(1, Math.round(SYSTEM_WARM_UP / through.length))
          await autocannon({ url: load.url, connections: connectionsOf(w), duration, requests: drawnFrom(load) })
        }
      } finally {
        await stop(stock.child)
      }
    }
    const selected = only ? [] : workloads
    // The herd needs PostgreSQL: the harness imports into the store the subgraph processes read.
    const herdSelected = !only && (!workloadFilter || HERD_WORKLOAD.includes(workloadFilter))
    if (herdSelected && engine !== 'postgres') log('the herd needs PostgreSQL (DATABASE_URL): on the embedded store it is not measured')
    const herdWanted = herdSelected && engine === 'postgres'
    await warmUp(urls, only || herdWanted || selected.some((w) => !w.cold) ? [cachedWorkloads[0]!] : [], 'subgraphs')
    if (uncachedUrls)
      await warmUp(
        uncachedUrls,
        selected.filter((w) => w.cold),
        'subgraphs with their result cache off',
      )

    for (const w of selected) {
      const at = (i: number) => `http://127.0.0.1:${PORT + i}/graphql`
      if (w.cold) {
        // Nothing cached anywhere: every contender in front of the uncached subgraph set, side by side, rounds interleaved.
        const cold: Contender[] = [
          { label: 'ours', kind: 'ours', load: withToken(w, bodyOf(w), at(0)) },
          { label: 'stock @apollo/gateway', kind: 'stock', load: withIdentity(w, at(1)) },
          { label: '@graphql-hive/gateway', kind: 'hive', load: withIdentity(w, at(2)) },
          { label: '@graphql-hive/gateway, Rust query planner', kind: 'hive-rust', load: withIdentity(w, at(3)) },
          { label: 'forwarding floor (the plan’s fetches only)', kind: 'floor', load: withIdentity(w, at(4)) },
        ]
        rows.push(...(await run(w, cold)))
        continue
      }
      // The ceiling answers exactly what ours answers, for the same request: the bytes are taken first.
      {
        const gateway = await start([
          'bench/gateway-process.ts',
          'ours',
          String(PORT),
          JSON.stringify({ urls, secret, publicJwk, cache: false }),
        ])
        try {
          const r = w.people[0]!
          const sample = await fetch(gatewayUrl, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${r.token}` },
            body: bodyOf(w)(r),
          })
          const bytes = Buffer.from(await sample.arrayBuffer())
          if (sample.status !== 200 || bytes.includes('"errors"'))
            throw new Error(`${w.name}: the ceiling's sample answer is an error (HTTP ${sample.status}): ${bytes.toString('utf8', 0, 300)}`)
          writeFileSync(ceilingFile, bytes)
        } finally {
          await stop(gateway.child)
        }
      }
      // Every gateway of the workload side by side, their rounds interleaved: the targets compare them with each other.
      const contenders: Contender[] = [
        { label: 'ours', kind: 'ours', load: withToken(w, bodyOf(w), at(0)) },
        { label: 'ours, 2 workers', kind: 'ours', workers: 2, load: withToken(w, bodyOf(w), at(1)) },
        { label: 'stock @apollo/gateway', kind: 'stock', load: withIdentity(w, at(2)) },
        { label: '@graphql-hive/gateway', kind: 'hive', load: withIdentity(w, at(3)) },
        { label: '@mercuriusjs/gateway', kind: 'mercurius', load: withIdentity(w, at(4)) },
        {
          label: 'ceiling (bare node:http, same bytes)',
          kind: 'ceiling',
          load: { url: at(5), next: () => ({ body: bodyOf(w)(pick(w.people)), headers: {} }) },
        },
      ]
      rows.push(
        ...(await run(w, contenders, w.direct ? { label: 'direct (participants subgraph)', load: withIdentity(w, w.direct) } : undefined)),
      )
    }

    if (herdWanted)
      herd.push(
        ...(await herdWorkload({
          log,
          databaseUrl: database.url,
          urls,
          secret,
          publicJwk,
          sign: (id) =>
            new SignJWT({ name: id, roles: ['researcher'] })
              .setProtectedHeader({ alg: 'ES256', kid: 'dev-1' })
              .setSubject(id)
              .setIssuer(DEV_ISSUER)
              .setAudience(DEV_AUDIENCE)
              .setIssuedAt()
              .setExpirationTime('2h')
              .sign(privateKey),
          query: DASHBOARD,
        })),
      )

    // Each lever of ours, off, beside the figures above where it is on.
    const [a, b, c, d] = cachedWorkloads as [Workload, Workload, Workload, Workload]
    const apqBody = (r: Person) =>
      JSON.stringify({
        variables: { id: r.projects[0] },
        extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(DASHBOARD).digest('hex') } },
      })
    const leverRuns: [Workload, Contender][] = [
      [
        a,
        { label: 'ours, subgraph connections not kept alive', kind: 'ours', load: withToken(a), env: { HD4RES_SUBGRAPH_KEEPALIVE: 'off' } },
      ],
      ...(uncachedUrls
        ? [
            [a, { label: 'ours, subgraph result cache off', kind: 'ours', load: withToken(a), subgraphs: uncachedUrls }] as [
              Workload,
              Contender,
            ],
          ]
        : []),
      [a, { label: 'ours, no heap limit (V8 default)', kind: 'ours', load: withToken(a), env: { HD4RES_GATEWAY_HEAP_MB: '0' } }],
      // The compiled shaper is measured where it works hardest: the cold year-long history, nothing cached.
      ...(uncachedUrls
        ? [
            [
              coldWorkloads[1]!,
              {
                label: 'ours, answers shaped as stock does (HD4RES_COMPILED_SHAPING=off)',
                kind: 'ours',
                load: withToken(coldWorkloads[1]!),
                env: { HD4RES_COMPILED_SHAPING: 'off' },
              },
            ] as [Workload, Contender],
          ]
        : []),
      [
        a,
        {
          label: 'ours, young generation as V8 sizes it (HD4RES_GATEWAY_SEMI_SPACE_MB=0)',
          kind: 'ours',
          load: withToken(a),
          env: { HD4RES_GATEWAY_SEMI_SPACE_MB: '0' },
        },
      ],
      [
        a,
        {
          label: 'ours, parsed-document and query-plan caches off',
          kind: 'ours',
          load: withToken(a),
          env: { HD4RES_DOCUMENT_CACHE_MB: '0', HD4RES_QUERY_PLAN_CACHE_MB: '0' },
        },
      ],
      [
        a,
        {
          label: 'ours, persisted queries (hash only)',
          kind: 'ours',
          load: withToken(a, apqBody),
          // The first request with the text registers the hash.
          warm: async () => {
            const r = people[0]!
            await fetch(gatewayUrl, {
              method: 'POST',
              headers: { 'content-type': 'application/json', authorization: `Bearer ${r.token}` },
              body: JSON.stringify({ ...JSON.parse(apqBody(r)), query: DASHBOARD }),
            })
          },
        },
      ],
      [b, { label: 'ours, response cache off', kind: 'ours', load: withToken(b), cache: false }],
      [c, { label: 'ours, response cache off', kind: 'ours', load: withToken(c), cache: false }],
      ...(uncachedUrls
        ? [
            [
              c,
              {
                label: 'ours, response cache and subgraph result cache off',
                kind: 'ours',
                load: withToken(c),
                cache: false,
                subgraphs: uncachedUrls,
              },
            ] as [Workload, Contender],
          ]
        : []),
      [d, { label: 'ours, response cache off', kind: 'ours', load: withToken(d), cache: false }],
    ]
    // The audit trail on and off side by side, rounds interleaved. The off switch is refused in production, so all
    // three run in development mode; the middle one writes every record but ships none during the rounds, so that the
    // cost on the answer's path shows apart from the store's work of keeping the records (on this one machine).
    const auditRuns = (w: Workload): [Workload, Contender[]] => {
      const at = (i: number) => withToken(w, bodyOf(w), `http://127.0.0.1:${PORT + i}/graphql`)
      return [
        w,
        [
          { label: 'ours, audit on (development mode, beside the next rows)', kind: 'ours', load: at(0), env: { NODE_ENV: 'development' } },
          {
            label: 'ours, audit on, shipped after the rounds (the answer’s path alone)',
            kind: 'ours',
            load: at(1),
            env: { NODE_ENV: 'development', HD4RES_AUDIT_SHIP_MS: '3600000' },
          },
          { label: 'ours, audit off (development mode)', kind: 'ours', load: at(2), env: { NODE_ENV: 'development', HD4RES_AUDIT: 'off' } },
        ],
      ]
    }
    const pairs: [Workload, Contender[]][] = [
      ...leverRuns.map(([w, lever]): [Workload, Contender[]] => [w, [lever]]),
      auditRuns(a),
      auditRuns(d),
    ]
    for (const [w, contenders] of workloadFilter ? [] : pairs) {
      if (only && !contenders.some((c) => c.label.includes(only))) continue
      levers.push(...(await run(w, contenders)))
    }
  } finally {
    for (const child of running) await stop(child)
    await database.drop()
  }
  return {
    rows,
    herd,
    levers,
    unable,
    store: `${engine === 'postgres' ? 'PostgreSQL 15 (local server)' : 'PGlite'}, ${size} demo platform`,
  }
}

interface HerdOptions {
  log: (line: string) => void
  databaseUrl: string
  /** The normal subgraph set: the herd meets the caches as deployed. */
  urls: Record<string, string>
  secret: string
  publicJwk: Record<string, unknown>
  sign: (researcher: string) => Promise<string>
  /** The project dashboard's query (variables: the researcher's first project). */
  query: string
}

interface HerdAnswer {
  ms: number
  cache: string | null
  version: string | null
  /** From the import's start to this answer, ms. */
  ageMs: number
  ok: boolean
}

/** The component whose last day the herd's import delivers again, through the collector. */
const HERD_IMPORT_COMPONENT = 'BIOIT'

/**
 * The morning after an import. Three gateways side by side on the normal
 * subgraph set: ours as deployed (response cache on, stale answers for 30 s,
 * the default), ours with HD4RES_RESPONSE_CACHE_STALE_SECONDS=0 (the
 * behaviour before stale answers), and stock @apollo/gateway. Each round, in
 * turn for each gateway: the 200 researchers ask their dashboard once, with
 * x-hd4res-revalidate so that each answer is computed afresh and kept at the
 * version now (never a stale one a previous round left); then a real import
 * through the HD4DevOps collector (the last day of one component's counts
 * delivered again as the store holds them, one transaction ending in
 * recordImportRun, whose NOTIFY the participants subgraph streams to the
 * gateway); once ours answers as if it knew of the new version (a
 * researcher outside the herd asks until it is no longer a hit), the 200
 * dashboards are sent, one every 10 ms in a random order. A stale answer's
 * age is the time from the import's start to the answer's arrival. Between
 * gateways, ours' background recomputes are awaited (its /metrics) and its
 * audit spool is shipped. The first round of each is a warm-up, not counted.
 * Needs 201 researchers with a project: a smaller demo platform is given
 * bench researchers ("bench-herd-…"), each a member of one project.
 */
async function herdWorkload(options: HerdOptions): Promise<HerdRow[]> {
  const { log } = options
  const db = await openDb({ databaseUrl: options.databaseUrl, poolSize: 2 })
  const started: ChildProcess[] = []
  try {
    const researchersWithProjects = () =>
      db.query<{ researcher_id: string; projects: string[] }>(
        `SELECT researcher_id, array_agg(project_id ORDER BY project_id) AS projects FROM participants.memberships
         GROUP BY researcher_id ORDER BY researcher_id LIMIT ${HERD_SIZE + 1}`,
      )
    let found = await researchersWithProjects()
    if (found.length < HERD_SIZE + 1) {
      const missing = HERD_SIZE + 1 - found.length
      log(`the herd: the demo platform has ${found.length} researchers with a project; adding ${missing} bench researchers`)
      const ids = Array.from({ length: missing }, (_, i) => `bench-herd-${String(i + 1).padStart(3, '0')}`)
      await db.query(
        `INSERT INTO participants.researchers (id, display_name) SELECT id, id FROM unnest($1::text[]) AS id ON CONFLICT DO NOTHING`,
        [ids],
      )
      await db.query(
        `INSERT INTO participants.memberships
         SELECT r.id, p.id FROM unnest($1::text[]) WITH ORDINALITY AS r(id, n)
         JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k, count(*) OVER () AS total FROM participants.projects) p ON p.k = r.n % p.total
         ON CONFLICT DO NOTHING`,
        [ids],
      )
      found = await researchersWithProjects()
    }
    const everyone = await Promise.all(
      found.map(async (r) => ({
        id: r.researcher_id,
        project: r.projects[0]!,
        projects: r.projects,
        token: await options.sign(r.researcher_id),
      })),
    )
    const probe = everyone.pop()!
    const people = everyone.slice(0, HERD_SIZE)
    const body = (p: (typeof people)[number]) => JSON.stringify({ query: options.query, variables: { id: p.project } })

    // The import: the store's last day of one component's counts, delivered again through the collector as they are.
    const [last] = await db.query<{ day: string | null }>(
      `SELECT max(day)::text AS day FROM records.study_record_counts WHERE component_id = $1`,
      [HERD_IMPORT_COMPONENT],
    )
    if (!last?.day) throw new Error(`the herd: the store holds no ${HERD_IMPORT_COMPONENT} counts to import again`)
    const counts = await db.query<{ code: string; records: number }>(
      `SELECT p.code, c.records FROM records.study_record_counts c JOIN participants.projects p ON p.id = c.project_id
       WHERE c.component_id = $1 AND c.day = $2 ORDER BY p.code`,
      [HERD_IMPORT_COMPONENT, last.day],
    )
    const document = JSON.stringify({
      format: 'hd4devops-counts/1',
      component: HERD_IMPORT_COMPONENT,
      day: last.day,
      projects: counts.map((c) => ({ project: c.code, records: Number(c.records) })),
    })
    const importOnce = async () => {
      const [outcome] = await collectHd4devopsCounts(db, [
        { name: `bench-herd-${HERD_IMPORT_COMPONENT}-${last.day}.json`, text: async () => document },
      ])
      if (outcome?.status !== 'imported')
        throw new Error(`the herd's import was not imported: ${outcome?.status === 'refused' ? outcome.error.message : outcome?.status}`)
    }

    interface HerdContender {
      label: string
      kind: 'ours' | 'stock'
      staleSeconds: number | null
      url: string
      child?: ChildProcess
      headers: (p: (typeof people)[number]) => Record<string, string>
    }
    const identity = (p: (typeof people)[number]) => ({
      [IDENTITY_HEADER]: signIdentity({ sub: p.id, name: p.id, roles: ['researcher'], projects: p.projects }, options.secret),
    })
    const bearer = (p: (typeof people)[number]) => ({ authorization: `Bearer ${p.token}` })
    const contenders: HerdContender[] = [
      { label: 'ours, stale answers for 30 s after an import (as deployed)', kind: 'ours', staleSeconds: 30, url: '', headers: bearer },
      {
        label: 'ours, stale answers off (HD4RES_RESPONSE_CACHE_STALE_SECONDS=0, the behaviour before)',
        kind: 'ours',
        staleSeconds: 0,
        url: '',
        headers: bearer,
      },
      { label: 'stock @apollo/gateway', kind: 'stock', staleSeconds: null, url: '', headers: identity },
    ]
    for (const [i, c] of contenders.entries()) {
      const port = PORT + i
      const config = {
        urls: options.urls,
        secret: options.secret,
        publicJwk: options.publicJwk,
        cache: c.kind === 'ours',
        env: c.staleSeconds === null ? undefined : { HD4RES_RESPONSE_CACHE_STALE_SECONDS: String(c.staleSeconds) },
      }
      const gateway = await start(['bench/gateway-process.ts', c.kind, String(port), JSON.stringify(config)])
      started.push(gateway.child)
      if (gateway.firstLine !== 'ready') throw new Error(`the herd: ${c.label} did not start: ${gateway.firstLine}`)
      c.child = gateway.child
      c.url = `http://127.0.0.1:${port}/graphql`
    }

    const post = async (url: string, headers: Record<string, string>, text: string) => {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: text })
      const answer = await response.text()
      return { response, ok: response.status === 200 && !answer.includes('"errors"') }
    }
    const misses = async (c: HerdContender) => {
      const response = await fetch(new URL('/metrics', c.url), { headers: { authorization: `Bearer ${BENCH_METRICS_TOKEN}` } })
      return Number(/^hd4res_gateway_response_cache_lookups_total\{result="miss"\} (\d+)/m.exec(await response.text())?.[1] ?? 0)
    }
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
    const probeQuery = JSON.stringify({ query: '{ me { id } }' })

    const cycle = async (c: HerdContender) => {
      // Priming: each researcher's dashboard computed afresh and kept at the version now, 8 at a time.
      const queue = [...people]
      let primingErrors = 0
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let p = queue.pop(); p; p = queue.pop())
            if (!(await post(c.url, { ...c.headers(p), [REVALIDATE_HEADER]: '1' }, body(p))).ok) primingErrors++
        }),
      )
      if (c.kind === 'ours') {
        // The probe's answer kept, so that its next answer is a hit until the gateway hears of the import.
        await post(c.url, bearer(probe), probeQuery)
        await post(c.url, bearer(probe), probeQuery)
      }
      const missesBefore = c.kind === 'ours' ? await misses(c) : 0
      const importedAt = performance.now()
      await importOnce()
      if (c.kind === 'ours') {
        for (let tries = 0; tries < 500; tries++) {
          const { response } = await post(c.url, bearer(probe), probeQuery)
          if (response.headers.get(CACHE_HEADER) !== 'hit') break
          await sleep(5)
        }
      }
      const heardMs = performance.now() - importedAt
      // The herd: one dashboard every HERD_SPREAD_MS / HERD_SIZE ms, the researchers in a random order.
      const order = [...people].sort(() => Math.random() - 0.5)
      const herdStart = performance.now()
      const answers = await Promise.all(
        order.map(async (p, i): Promise<HerdAnswer> => {
          await sleep(Math.max(0, herdStart + (i * HERD_SPREAD_MS) / HERD_SIZE - performance.now()))
          const sent = performance.now()
          const { response, ok } = await post(c.url, c.headers(p), body(p))
          const done = performance.now()
          return {
            ms: done - sent,
            cache: response.headers.get(CACHE_HEADER),
            version: response.headers.get(CACHE_VERSION_HEADER),
            ageMs: done - importedAt,
            ok,
          }
        }),
      )
      // Ours' background recomputes (each a miss in its metrics) have all run, or 30 s have passed.
      let recomputedMs = NaN
      const stale = answers.filter((a) => a.cache === 'stale').length
      if (c.kind === 'ours' && stale > 0) {
        const herdMisses = answers.filter((a) => a.cache === 'miss').length
        // The probe's own stale answer is recomputed too.
        const expected = missesBefore + herdMisses + stale + 1
        for (let tries = 0; tries < 600 && (await misses(c)) < expected; tries++) await sleep(50)
        recomputedMs = performance.now() - importedAt
      }
      if (c.kind === 'ours') await auditSettled(c.url)
      return { answers, heardMs, recomputedMs, primingErrors }
    }

    const results = contenders.map(() => [] as Awaited<ReturnType<typeof cycle>>[])
    log(`${HERD_WORKLOAD}: ${contenders.map((c) => c.label).join(' | ')}, in turn, a warm-up and ${ROUNDS} rounds…`)
    for (let r = -1; r < ROUNDS; r++)
      for (const [i, c] of contenders.entries()) {
        const result = await cycle(c)
        if (r >= 0) results[i]!.push(result)
      }

    return contenders.map((c, i): HerdRow => {
      const rounds = results[i]!
      const all = rounds.flatMap((r) => r.answers)
      const latencies = all.map((a) => a.ms)
      const staleAnswers = all.filter((a) => a.cache === 'stale')
      const row: HerdRow = {
        contender: c.label,
        staleSeconds: c.staleSeconds,
        answers: all.length,
        p50: percentile(latencies, 0.5),
        p99: percentile(latencies, 0.99),
        max: Math.round(Math.max(...latencies) * 100) / 100,
        p99ByRound: rounds.map((r) =>
          percentile(
            r.answers.map((a) => a.ms),
            0.99,
          ),
        ),
        stale: staleAnswers.length,
        miss: all.filter((a) => a.cache === 'miss').length,
        hit: all.filter((a) => a.cache === 'hit').length,
        none: all.filter((a) => a.cache === null).length,
        errors: all.filter((a) => !a.ok).length + rounds.reduce((sum, r) => sum + r.primingErrors, 0),
        oldestStaleMs: staleAnswers.length > 0 ? Math.round(Math.max(...staleAnswers.map((a) => a.ageMs))) : null,
        staleWithoutVersion: staleAnswers.filter((a) => !a.version).length,
        heardMs: c.kind === 'ours' ? rounds.map((r) => Math.round(r.heardMs)) : [],
        recomputedMs: rounds.filter((r) => !Number.isNaN(r.recomputedMs)).map((r) => Math.round(r.recomputedMs)),
      }
      log(
        `  ${row.contender}: p50 ${row.p50} ms, p99 ${row.p99} ms, max ${row.max} ms, stale ${row.stale} / miss ${row.miss} / hit ${row.hit}, errors ${row.errors}, oldest stale ${row.oldestStaleMs ?? '–'} ms after the import`,
      )
      return row
    })
  } finally {
    for (const child of started) await stop(child)
    await db.close()
  }
}
