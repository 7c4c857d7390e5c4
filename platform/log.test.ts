/**
 * The deployment's log format: JSON lines with the part's name, and on a line
 * written while a request is served, its id and, with tracing on, the active
 * span's trace and span ids, without the caller naming them.
 */
import { trace } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { execFileSync } from 'node:child_process'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { BatchedLines, createLogger, currentRequestId, enterRequest, LOG_BATCH_MS, lifecycleLogger } from './log.js'
import { startTracing } from './tracing.js'

const tracing = startTracing({ spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())], env: {} })

function capture() {
  const lines: Record<string, unknown>[] = []
  return { lines, destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) } }
}

describe('the log format', () => {
  afterAll(async () => {
    await tracing?.shutdown()
  })

  it('writes JSON lines with the time, the level, the part and the message, and the bindings it is given', () => {
    const { lines, destination } = capture()
    createLogger({ name: 'hd4res-test', destination, bindings: { worker: 1 } }).warn({ extra: 'x' }, 'something to see')
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, time: expect.any(Number), name: 'hd4res-test', worker: 1, extra: 'x', msg: 'something to see' }),
    ])
    expect(lines[0]).not.toHaveProperty('requestId')
  })

  it('names the request being served on every line of its work, each request its own, and what a call names wins', async () => {
    const { lines, destination } = capture()
    const log = createLogger({ name: 'hd4res-test', destination })
    // Each request in a callback of its own, as a server's socket events are: what one enters stays in its callback.
    const serve = (requestId: string) =>
      new Promise<void>((resolve, reject) =>
        setImmediate(() => {
          enterRequest(requestId)
          void new Promise((r) => setTimeout(r, 5))
            .then(() => {
              log.info('working')
              expect(currentRequestId()).toBe(requestId)
            })
            .then(resolve, reject)
        }),
      )
    await Promise.all([serve('req-one'), serve('req-two')])
    log.info({ requestId: 'named-by-the-call' }, 'told')
    expect(lines.map((l) => l.requestId).sort()).toEqual(['named-by-the-call', 'req-one', 'req-two'])
    // Outside any request, nothing is made up.
    expect(currentRequestId()).toBeUndefined()
  })

  it('names the active span’s trace and span ids while tracing is on', async () => {
    const { lines, destination } = capture()
    const log = createLogger({ name: 'hd4res-test', destination })
    let ids: { traceId: string; spanId: string } | undefined
    await trace.getTracer('log-test').startActiveSpan('work', async (span) => {
      ids = { traceId: span.spanContext().traceId, spanId: span.spanContext().spanId }
      await new Promise((resolve) => setTimeout(resolve, 5))
      log.info('inside a span')
      span.end()
    })
    log.info('outside')
    expect(lines[0]).toMatchObject({ msg: 'inside a span', ...ids })
    expect(lines[0]!.traceId).toMatch(/^[0-9a-f]{32}$/)
    expect(lines[1]).not.toHaveProperty('traceId')
    expect(lines[1]).not.toHaveProperty('spanId')
  })

  it('writes an entry point’s own lines at info even when LOG_LEVEL silences the rest, and more when it asks for more', () => {
    for (const [level, written] of [
      ['silent', ['info', 'warn']],
      ['error', ['info', 'warn']],
      ['debug', ['debug', 'info', 'warn']],
    ] as const) {
      const { lines, destination } = capture()
      const log = lifecycleLogger('hd4res-test', level, destination)
      log.debug('debug')
      log.info('info')
      log.warn('warn')
      expect(lines.map((l) => l.msg)).toEqual(written)
    }
  })
})

describe('lines on standard output', () => {
  it('go out together within LOG_BATCH_MS, in order, and at once when flushed', () => {
    vi.useFakeTimers()
    try {
      const written: string[] = []
      const lines = new BatchedLines({ write: (text) => written.push(text) })
      lines.write('one\n')
      lines.write('two\n')
      expect(written).toEqual([])
      vi.advanceTimersByTime(LOG_BATCH_MS)
      expect(written).toEqual(['one\ntwo\n'])
      lines.write('three\n')
      lines.flush()
      expect(written).toEqual(['one\ntwo\n', 'three\n'])
      // Nothing held: nothing written, now or later.
      lines.flush()
      vi.advanceTimersByTime(LOG_BATCH_MS * 2)
      expect(written).toHaveLength(2)
    } finally {
      vi.useRealTimers()
    }
  })

  it('are all written by a process that exits right after them, however it exits', () => {
    const logTs = new URL('./log.ts', import.meta.url).pathname
    for (const ending of ['', 'process.exit(3)']) {
      const script = `import { createLogger } from '${logTs}'
        const log = createLogger({ name: 'hd4res-test' })
        for (let i = 0; i < 500; i++) log.info({ i }, 'line')
        ${ending}`
      let out: string
      try {
        out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8' })
      } catch (error) {
        out = (error as { stdout: string }).stdout
      }
      const lines = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { i: number })
      expect(lines.map((l) => l.i)).toEqual(Array.from({ length: 500 }, (_, i) => i))
    }
  })
})
