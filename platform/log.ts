/**
 * The one log format of the deployment, for the gateway, every subgraph, the
 * collectors and the entry points' own lines: pino JSON lines on standard
 * output, one object a line, with `level` (pino's numbers: 30 info, 40 warn,
 * 50 error), `time` (Unix milliseconds), `pid`, `hostname`, `name` (the part:
 * `hd4res-gateway`, `hd4res-<subgraph>`, …) and `msg`.
 *
 * A line written while a request is served carries that request's id
 * (`requestId`) without the caller naming it: the server enters the request
 * (enterRequest) as it arrives, and every line until its answer has left finds
 * the id here. With tracing on, such a line also carries the active span's
 * `traceId` and `spanId`, so a log store links it to the trace.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { isSpanContextValid, trace } from '@opentelemetry/api'
import { pino, type DestinationStream, type Logger } from 'pino'
import { REQUEST_ID_HEADER } from './headers.js'

export type { DestinationStream, Logger }

interface RequestScope {
  readonly requestId: string
}

const requests = new AsyncLocalStorage<RequestScope>()

/**
 * Called by a server's first hook on each request: every line written from
 * here on in this request's work names its id. A hook cannot wrap the rest of
 * the request in a callback, so the id is entered, not run with; the next
 * request enters its own.
 */
export function enterRequest(requestId: string): void {
  requests.enterWith({ requestId })
}

/** The id of the request being served here and now, if any: for a call made on its behalf to pass on. */
export function currentRequestId(): string | undefined {
  return requests.getStore()?.requestId
}

/** The x-request-id header a call made on behalf of the request being served carries: the other part's lines name the request too. */
export function requestIdHeaders(): Record<string, string> {
  const requestId = currentRequestId()
  return requestId ? { [REQUEST_ID_HEADER]: requestId } : {}
}

/** The request id and the trace's ids a line written now carries; what the call itself names wins. */
export function logContext(): Record<string, string> {
  const fields: Record<string, string> = {}
  const requestId = requests.getStore()?.requestId
  if (requestId) fields.requestId = requestId
  const span = trace.getActiveSpan()?.spanContext()
  if (span && isSpanContextValid(span)) {
    fields.traceId = span.traceId
    fields.spanId = span.spanId
  }
  return fields
}

export interface LoggerOptions {
  /** The part, as `name` on every line: `hd4res-gateway`, `hd4res-records`, … */
  name: string
  /** The least severe level written (LOG_LEVEL); info when absent. */
  level?: string
  /** Fields on every line (a gateway worker's `worker` slot). */
  bindings?: Record<string, unknown>
  /** Where the lines go; standard output when absent (tests pass a stream to read them). */
  destination?: DestinationStream
}

/** The longest a line waits before it is written out. */
export const LOG_BATCH_MS = 50

/**
 * Lines gathered for at most LOG_BATCH_MS and written out together, one
 * system call for many: a subgraph writes an access line per request, and
 * writing each on its own (to a pipe, as a container's standard output is)
 * took about a tenth of a subgraph's CPU on a cold dashboard. What is held
 * when the process exits is written before it does; only a process killed
 * outright loses the last LOG_BATCH_MS of lines.
 */
export class BatchedLines implements DestinationStream {
  private held: string[] = []
  private timer: NodeJS.Timeout | undefined

  constructor(private readonly out: { write(text: string): unknown }) {}

  write(line: string): void {
    this.held.push(line)
    if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), LOG_BATCH_MS)
      // A line waiting to go out does not keep the process alive: the exit writes it.
      this.timer.unref()
    }
  }

  /** Writes out what is held, now. */
  flush(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    if (this.held.length === 0) return
    const text = this.held.join('')
    this.held = []
    this.out.write(text)
  }
}

let stdout: BatchedLines | undefined
/** Standard output, batched; sonic-boom does the writing (synchronously, so that the exit's flush is complete). */
function standardOutput(): BatchedLines {
  if (!stdout) {
    const lines = (stdout = new BatchedLines(pino.destination({ dest: 1, sync: true })))
    process.on('exit', () => lines.flush())
  }
  return stdout
}

export function createLogger(options: LoggerOptions): Logger {
  const settings = { name: options.name, level: options.level ?? 'info', mixin: logContext }
  const logger = pino(settings, options.destination ?? standardOutput())
  return options.bindings ? logger.child(options.bindings) : logger
}

/**
 * The logger of an entry point's own lines (listening, workers ready, stopping,
 * the collect schedule): at info whatever LOG_LEVEL says, unless LOG_LEVEL asks
 * for more, since a deployment needs to see a part come up and go down even
 * with its request lines silenced.
 */
export function lifecycleLogger(name: string, level = 'info', destination?: DestinationStream): Logger {
  const more = level === 'debug' || level === 'trace'
  return createLogger({ name, level: more ? level : 'info', destination })
}
