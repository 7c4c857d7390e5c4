/**
 * Several gateway workers behind one port (Node's cluster module: the primary
 * holds the socket and hands connections to the workers in turn). Each worker
 * is a whole gateway; with REDIS_URL they share one response cache, without
 * it each keeps its own. Workers get the gateway's Node flags
 * (gatewayNodeFlags), so a single worker with flags runs under a primary too.
 * A worker that dies is replaced, at most once a second; SIGTERM or SIGINT on
 * the primary stops every worker gracefully. Each worker has a slot (0, 1, …)
 * that its replacement takes over: the audit spool file is named by it, so a
 * replacement ships what the worker before it left unshipped.
 *
 * /metrics answers for the whole cluster whichever worker the scrape reaches:
 * that worker asks the primary, which gathers every ready worker's metrics
 * and sums them (prom-client's aggregation: counters and histograms add up,
 * so a scrape counts every worker's requests).
 */
import { runLastSteps } from '../platform/lastSteps.js'
import cluster, { type Worker } from 'node:cluster'
import { availableParallelism } from 'node:os'
import { AggregatorRegistry, type Registry } from 'prom-client'

/** HD4RES_GATEWAY_WORKERS: a number, or "auto" for one per core. */
export function workerCount(setting: string | undefined): number {
  if (!setting || setting === '1') return 1
  if (setting === 'auto') return availableParallelism()
  const count = Number(setting)
  if (!Number.isInteger(count) || count < 1 || count > 64) {
    throw new Error(`HD4RES_GATEWAY_WORKERS must be a whole number from 1 to 64, or "auto"; got "${setting}"`)
  }
  return count
}

/**
 * What a gateway process holds besides its caches (the supergraph, its query
 * graphs, the servers), MB, with room for the answers in flight. Measured on
 * the cold year-long history (nothing cached): with 188 MB in all (128 plus
 * the document and plan caches) a worker ran a full collection every two
 * requests and answered 400 of them in 14 s; with 256 MB it ran six in all and
 * took 5 s, its peak memory 293 MB instead of 240 MB (V8 grows a small
 * old generation by small steps). 200 plus those caches stays above 256.
 */
export const GATEWAY_HEAP_BASE_MB = 200

interface HeapSettings {
  performance: { semiSpaceMb: number; heapMb: string; documentCacheMb: number; queryPlanCacheMb: number }
  responseCache: { enabled: boolean; maxMegabytes: number; redisUrl?: string }
}

/**
 * The old-generation limit of a gateway worker, MB: HD4RES_GATEWAY_HEAP_MB, or
 * with "auto" what the process holds besides its caches plus every cache it
 * keeps in memory at its configured size. Without a limit V8 lets garbage pile
 * up to a large share of the machine's memory before collecting it; with one,
 * a worker's memory stays near what it really holds. 0: no limit.
 */
export function gatewayHeapMb(settings: HeapSettings): number {
  const { performance, responseCache } = settings
  if (performance.heapMb !== 'auto') return Number(performance.heapMb)
  const responseCacheMb = responseCache.enabled && !responseCache.redisUrl ? responseCache.maxMegabytes : 0
  return GATEWAY_HEAP_BASE_MB + performance.documentCacheMb + performance.queryPlanCacheMb + responseCacheMb
}

/**
 * Node flags for the gateway's worker processes: the old-generation limit
 * (gatewayHeapMb) and the young generation (HD4RES_GATEWAY_SEMI_SPACE_MB, 32 MB
 * a semi-space by default). A gateway request allocates much that dies with
 * it, so the young generation matters as much as the old. Left to itself,
 * Node 24's V8 lets each semi-space grow to about 64 MB (heap_size_limit
 * 474 MB beside a 260 MB old generation, 373 MB with 32 MB semi-spaces),
 * some 80 MB more resident memory for the same CPU: the measurements are in
 * docs/performance.md ("Memory").
 */
export function gatewayNodeFlags(settings: HeapSettings): string[] {
  const flags: string[] = []
  const heapMb = gatewayHeapMb(settings)
  if (heapMb > 0) flags.push(`--max-old-space-size=${heapMb}`)
  if (settings.performance.semiSpaceMb > 0) flags.push(`--max-semi-space-size=${settings.performance.semiSpaceMb}`)
  return flags
}

/** Set by the primary for each worker it forks. */
const WORKER_SLOT_VARIABLE = 'HD4RES_GATEWAY_WORKER_SLOT'

/** This gateway process's slot: 0 outside a cluster; in a worker, the slot the primary gave it. */
export function gatewayWorkerSlot(): number {
  if (!cluster.isWorker) return 0
  const slot = Number(process.env[WORKER_SLOT_VARIABLE])
  return Number.isInteger(slot) && slot >= 0 ? slot : cluster.worker!.id
}

/** The messages of the metrics' round trip: a worker asks the primary, the primary asks every worker for its own. */
const METRICS = {
  /** worker → primary: the cluster's metrics, please; answered with SUM. */
  ask: 'hd4res:metrics-ask',
  sum: 'hd4res:metrics-sum',
  /** primary → each worker: yours, please; answered with OWN. */
  collect: 'hd4res:metrics-collect',
  own: 'hd4res:metrics-own',
} as const

interface MetricsMessage {
  type?: string
  id?: number
  text?: string
  error?: string
  metrics?: object[][]
}

/** How long the primary waits for each worker's metrics, and a worker for the primary's sum. */
const METRICS_WAIT_MS = 3000

/**
 * In a gateway worker: answers the primary's requests for this worker's
 * metrics (these registries), and returns what /metrics serves, the whole
 * cluster's sum from the primary. Null outside a cluster.
 */
export function clusterMetricsSource(registries: Registry[]): (() => Promise<string>) | null {
  if (!cluster.isWorker || !process.send) return null
  const waiting = new Map<number, { resolve: (text: string) => void; reject: (error: Error) => void }>()
  let next = 0
  process.on('message', (message: MetricsMessage) => {
    if (message?.type === METRICS.collect) {
      void Promise.all(registries.map((r) => r.getMetricsAsJSON())).then(
        (metrics) => process.send!({ type: METRICS.own, id: message.id, metrics }),
        (error: Error) => process.send!({ type: METRICS.own, id: message.id, error: error.message }),
      )
    } else if (message?.type === METRICS.sum) {
      const asked = waiting.get(message.id!)
      waiting.delete(message.id!)
      if (message.error !== undefined) asked?.reject(new Error(message.error))
      else asked?.resolve(message.text ?? '')
    }
  })
  return () =>
    new Promise<string>((resolve, reject) => {
      const id = next++
      const timer = setTimeout(() => {
        waiting.delete(id)
        reject(new Error(`the gateway's primary process gave no answer within ${METRICS_WAIT_MS} ms`))
      }, METRICS_WAIT_MS)
      const settle =
        <T>(done: (value: T) => void) =>
        (value: T) => {
          clearTimeout(timer)
          done(value)
        }
      waiting.set(id, { resolve: settle(resolve), reject: settle(reject) })
      process.send!({ type: METRICS.ask, id })
    })
}

/** The metrics of these workers, each its own, summed into one Prometheus text. */
function sumOfWorkers(workers: Worker[], id: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const pending = new Set(workers)
    const gathered: object[][] = []
    const timer = setTimeout(
      () => finish(new Error(`${pending.size} gateway worker(s) gave no metrics within ${METRICS_WAIT_MS} ms`)),
      METRICS_WAIT_MS,
    )
    const listeners = new Map<Worker, (message: MetricsMessage) => void>()
    function finish(error?: Error) {
      clearTimeout(timer)
      for (const [worker, listener] of listeners) worker.off('message', listener)
      if (error) return reject(error)
      AggregatorRegistry.aggregate(gathered).metrics().then(resolve, reject)
    }
    for (const worker of workers) {
      const listener = (message: MetricsMessage) => {
        if (message?.type !== METRICS.own || message.id !== id || !pending.delete(worker)) return
        if (message.error !== undefined) return finish(new Error(message.error))
        gathered.push(...(message.metrics ?? []))
        if (pending.size === 0) finish()
      }
      listeners.set(worker, listener)
      worker.on('message', listener)
      worker.send({ type: METRICS.collect, id })
    }
    if (workers.length === 0) finish()
  })
}

/** In the primary: answers each worker's request for the cluster's metrics with the sum over the ready workers. */
function serveClusterMetrics(ready: Set<Worker>): void {
  let next = 0
  cluster.on('message', (asker, message: MetricsMessage) => {
    if (message?.type !== METRICS.ask) return
    const workers = [...ready].filter((w) => w.isConnected())
    sumOfWorkers(workers, next++).then(
      (text) => asker.isConnected() && asker.send({ type: METRICS.sum, id: message.id, text }),
      (error: Error) => asker.isConnected() && asker.send({ type: METRICS.sum, id: message.id, error: error.message }),
    )
  })
}

export interface ClusterOptions {
  workers: number
  /** Node flags for the workers; when given, even a single worker runs in a process of its own (and is replaced if it dies). */
  nodeFlags?: string[]
  /** Runs in each worker: starts the gateway and resolves once it listens. */
  startWorker: () => Promise<{ close: () => Promise<void> }>
  log: (line: string) => void
  /** On SIGTERM or SIGINT, how long in-flight requests may take before the process exits anyway (HD4RES_SHUTDOWN_TIMEOUT_MS). */
  shutdownTimeoutMs?: number
}

/**
 * Stops taking requests, lets the ones in flight finish (`close`), and exits:
 * 0 once they have, 1 if the deadline came first. A second signal is ignored.
 */
export function stopOnSignals(close: () => Promise<void>, deadlineMs: number, log: (line: string) => void): void {
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    const deadline = setTimeout(() => {
      log(`${signal}: requests still in flight after ${deadlineMs} ms (HD4RES_SHUTDOWN_TIMEOUT_MS); exiting anyway`)
      process.exit(1)
    }, deadlineMs)
    deadline.unref()
    // The last spans leave once the in-flight requests that made them are done, within the same deadline.
    close().then(
      () => runLastSteps().then(() => process.exit(0)),
      (error: Error) => {
        log(`${signal}: stopping failed: ${error.message}`)
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
}

/** In the primary: forks the workers and keeps them running. In a worker: runs startWorker. */
export async function runClustered(options: ClusterOptions): Promise<void> {
  const flags = (options.nodeFlags ?? []).filter((flag) => !process.execArgv.includes(flag))
  if ((options.workers <= 1 && flags.length === 0) || cluster.isWorker) {
    const served = await options.startWorker()
    stopOnSignals(() => served.close(), options.shutdownTimeoutMs ?? 25_000, options.log)
    if (cluster.isWorker) process.send?.({ ready: true })
    return
  }

  cluster.setupPrimary({ execArgv: [...process.execArgv, ...flags] })
  let stopping = false
  let lastRestart = 0
  /** Each worker's slot, by cluster worker id: a replacement is given the slot of the worker it replaces. */
  const slots = new Map<number, number>()
  /** The workers that are serving: their metrics make up the cluster's. */
  const ready = new Set<Worker>()
  serveClusterMetrics(ready)
  const fork = (slot: number): Promise<Worker> =>
    new Promise((resolve, reject) => {
      const worker = cluster.fork({ [WORKER_SLOT_VARIABLE]: String(slot) })
      slots.set(worker.id, slot)
      const onExit = (code: number | null) => reject(new Error(`A gateway worker exited with ${code} before it was ready`))
      worker.once('exit', onExit)
      worker.on('message', (message: { ready?: boolean }) => {
        if (!message?.ready) return
        worker.off('exit', onExit)
        ready.add(worker)
        worker.once('exit', () => ready.delete(worker))
        resolve(worker)
      })
    })

  await Promise.all(Array.from({ length: options.workers }, (_, slot) => fork(slot)))
  options.log(`${options.workers} gateway worker${options.workers > 1 ? 's' : ''} ready`)

  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return
    options.log(`gateway worker ${worker.process.pid} stopped (${signal ?? code}); starting another`)
    const wait = Math.max(0, lastRestart + 1000 - Date.now())
    lastRestart = Date.now() + wait
    const slot = slots.get(worker.id) ?? 0
    slots.delete(worker.id)
    setTimeout(() => void fork(slot).catch((error: Error) => options.log(error.message)), wait)
  })

  const stopAll = async () => {
    stopping = true
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w)
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            worker.once('exit', () => resolve())
            worker.process.kill('SIGTERM')
          }),
      ),
    )
    process.exit(0)
  }
  // The workers keep their own deadline; this one covers a worker that hangs past it.
  const lastResort = (options.shutdownTimeoutMs ?? 25_000) + 5_000
  stopOnSignals(stopAll, lastResort, options.log)
}
