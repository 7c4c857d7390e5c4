/**
 * Gateway throughput, latency, CPU and memory, side by side on the same
 * subgraph processes. Two kinds of workload:
 *
 * - cold (names end in ", cold"): nothing cached anywhere, on a set of
 *   subgraph processes started with HD4RES_SUBGRAPH_CACHE_MB=0 and ours with
 *   its response cache off (its parsed-document and plan caches stay, as
 *   stock and Hive keep theirs); 8 connections. (a) the project dashboard,
 *   researchers at random; (c) the 365-day record-count history of the 10
 *   components; (e) a project's incidents, first 50, filtered by states and
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
import { COMPONENT_IDS } from '../subgraphs/kit/catalogue/components.js'
import { SUBGRAPHS } from '../subgraphs/index.js'
import { openDb } from '../subgraphs/kit/store/db.js'
import { IDENTITY_HEADER, signIdentity } from '../platform/identity.js'
import { descendants } from '../test/helpers/processTree.js'
import { createScratchDatabase } from '../test/helpers/scratchDatabase.js'

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
}

export interface GatewayBenchResult {
  rows: GatewayBenchRow[]
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

    const dashboard = `query Dashboard($id: ID!) { project(id: $id) { code name
      studyRecordCounts { ... on StudyRecordCounts { date components { component { id name } count { ... on ExactCount { value } ... on NotCollected { reason } } } } }
      uniqueSubjectCounts { ... on UniqueSubjectCounts { components { component { id } count { ... on ExactCount { value } ... on SuppressedCount { threshold } } } } }
      dataProviderOrganisations { ... on OrganisationList { totalCount items { name } } }
      componentStatus { ... on ComponentStatusList { items { component { id } status availability } } }
      incidents(first: 20) { ... on IncidentConnection { totalCount edges { node { number state priority openedAt } } } } } }`
    const history = `query History($id: ID!) { project(id: $id) { studyRecordCountHistory(from: "2025-11-22", to: "2026-11-21", components: [${COMPONENT_IDS.join(', ')}]) {
      ... on StudyRecordCountHistory { series { component { id } points { date count { ... on ExactCount { value } } } } } } } }`
    const small = '{ publications { id state } }'
    const incidents = `query Incidents($id: ID!, $states: [TicketState!], $priorities: [TicketPriority!]) { project(id: $id) {
      incidents(first: 50, filter: { states: $states, priorities: $priorities }) { ... on IncidentConnection { totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { id number shortDescription state priority openedAt updatedAt affectedComponent { id name } } } } } } }`
    // What a researcher filters the incident list by: the open ones, the closed ones, or all; the urgent ones, or any.
    const stateSets = [
      ['NEW', 'IN_PROGRESS', 'ON_HOLD'],
      ['RESOLVED', 'CLOSED'],
      ['NEW', 'IN_PROGRESS', 'ON_HOLD', 'RESOLVED', 'CLOSED', 'CANCELLED'],
    ]
    const prioritySets = [['CRITICAL', 'HIGH'], ['CRITICAL', 'HIGH', 'MODERATE'], null]
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
      { name: '(a) project dashboard, researchers at random, cached in the subgraphs only', query: dashboard, people, cache: false },
      { name: '(b) project dashboard, 5 researchers repeating (9 a.m.), cached', query: dashboard, people: repeated, cache: true },
      { name: '(c) 365-day record-count history, 10 components, cached', query: history, people: repeated, cache: true },
      { name: '(d) small single-subgraph query (publications), cached', query: small, people, cache: true, direct: urls.participants },
    ]
    const coldWorkloads: Workload[] = [
      { name: '(a) project dashboard, researchers at random, cold', query: dashboard, people, cache: false, cold: true },
      { name: '(c) 365-day record-count history, 10 components, cold', query: history, people, cache: false, cold: true },
      {
        name: '(e) incidents, first 50, filtered by state and priority, researchers and projects at random, cold',
        query: incidents,
        people,
        cache: false,
        cold: true,
        variables: (r) => ({ id: pick(r.projects), states: pick(stateSets), priorities: pick(prioritySets) }),
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
          return { workload: w.name, contender: s.label, ...m, peakRssMb: peak }
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
    await warmUp(urls, only || selected.some((w) => !w.cold) ? [cachedWorkloads[0]!] : [], 'subgraphs')
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

    // Each lever of ours, off, beside the figures above where it is on.
    const [a, b, c, d] = cachedWorkloads as [Workload, Workload, Workload, Workload]
    const apqBody = (r: Person) =>
      JSON.stringify({
        variables: { id: r.projects[0] },
        extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(dashboard).digest('hex') } },
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
      [
        a,
        {
          label: 'ours, young generation 32 MB (switched on)',
          kind: 'ours',
          load: withToken(a),
          env: { HD4RES_GATEWAY_SEMI_SPACE_MB: '32' },
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
              body: JSON.stringify({ ...JSON.parse(apqBody(r)), query: dashboard }),
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
  return { rows, levers, unable, store: `${engine === 'postgres' ? 'PostgreSQL 15 (local server)' : 'PGlite'}, ${size} demo platform` }
}
