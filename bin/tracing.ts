/**
 * Imported first by the entry points (npm start, npm run serve), before any
 * server module loads: starts OpenTelemetry tracing when the OTEL_* variables
 * ask for it (platform/tracing.ts), and sends the pending spans on the way out.
 * The service is "hd4res" for the whole graph in one process, and
 * "hd4res-<part>" for `serve -- <part>`, unless OTEL_SERVICE_NAME names it.
 */
import path from 'node:path'
import { addLastStep } from '../platform/lastSteps.js'
import { startTracing } from '../platform/tracing.js'

const script = process.argv[1] ?? ''
const part = path.basename(script, path.extname(script)) === 'serve' ? process.argv[2] : undefined

export const tracing = startTracing({ serviceName: part ? `hd4res-${part}` : 'hd4res' })

if (tracing) {
  const flush = () => void tracing.shutdown()
  // A served part drains on these signals, then sends its last spans (platform/lastSteps.ts) and exits.
  addLastStep(() => tracing.shutdown())
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      // Alone (a one-shot command), this listener must end the process as the signal would, once the spans are out.
      if (process.listenerCount(signal) > 0) return
      void tracing.shutdown().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143))
    })
  }
  process.once('beforeExit', flush)
}
