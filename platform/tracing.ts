/**
 * OpenTelemetry tracing, switched on by the standard OTEL_* variables and off
 * otherwise: OTEL_TRACES_EXPORTER (otlp, console; none switches it off) or an
 * OTLP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT)
 * turns it on; OTEL_SDK_DISABLED=true keeps it off whatever else is set. The
 * rest (OTEL_SERVICE_NAME, OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_TRACES_SAMPLER,
 * OTEL_PROPAGATORS…) is read by the SDK itself. Traces only: the metrics are
 * Prometheus's (/metrics) and the logs pino's.
 *
 * Incoming HTTP requests (node:http, under fastify), outgoing fetches
 * (undici, Node's fetch) and the PostgreSQL driver's statements (pg) are
 * instrumented, and @apollo/gateway adds its own spans (gateway.request,
 * gateway.validate, gateway.plan, gateway.execute, gateway.fetch,
 * gateway.postprocessing). Each subgraph fetch carries a W3C traceparent
 * header, so a subgraph's server span joins the gateway's trace, and its SQL
 * statements hang under it. A statement's span keeps its text (with $1
 * placeholders), never its parameters, which may be about people; a GET's
 * document and variables are redacted from the server span's url.query.
 * PGlite, the embedded store, runs in-process without the driver: no SQL
 * spans there.
 *
 * Must start before the servers' modules load (node:http is instrumented as
 * it is required): the entry points import bin/tracing.ts first.
 */
import type { IncomingMessage } from 'node:http'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg'
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici'
import { NodeSDK } from '@opentelemetry/sdk-node'
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base'
import { createLogger } from './log.js'

/** Probes and scrapes, polled every few seconds: no trace of them. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics'])

const listOf = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean)

/** Whether the environment asks for traces. */
export function tracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false
  const exporters = listOf(env.OTEL_TRACES_EXPORTER)
  if (exporters.length > 0) return !(exporters.length === 1 && exporters[0] === 'none')
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim())
}

export interface Tracing {
  /** Ends the spans still open and sends what is pending; safe to call twice. */
  shutdown(): Promise<void>
}

export interface TracingOptions {
  env?: NodeJS.ProcessEnv
  /** The service name when OTEL_SERVICE_NAME is not set. */
  serviceName?: string
  /** Send spans here instead of the exporters OTEL_TRACES_EXPORTER names (tests); starts whatever the environment says. */
  spanProcessors?: SpanProcessor[]
}

/** Starts tracing when the environment asks for it (or span processors are given); null when it stays off. */
export function startTracing(options: TracingOptions = {}): Tracing | null {
  const env = options.env ?? process.env
  if (!options.spanProcessors && !tracingRequested(env)) return null
  const sdk = new NodeSDK({
    // A name the environment gives wins over ours.
    serviceName:
      env.OTEL_SERVICE_NAME?.trim() || /(^|,)\s*service\.name=/.test(env.OTEL_RESOURCE_ATTRIBUTES ?? '') ? undefined : options.serviceName,
    spanProcessors: options.spanProcessors,
    // The SDK would otherwise also export metrics and logs over OTLP by default.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request: IncomingMessage) => UNTRACED_PATHS.has((request.url ?? '').split('?', 1)[0]!),
        // Outgoing calls are fetches (undici, below); node:http clients add nothing but noise.
        disableOutgoingRequestInstrumentation: true,
        // A GraphQL GET carries its document and variables in the address: the span keeps them out of url.query.
        redactedQueryParamsServer: ['query', 'variables', 'extensions'],
      }),
      new UndiciInstrumentation({
        ignoreRequestHook: (request) => UNTRACED_PATHS.has(request.path.split('?', 1)[0]!),
      }),
      new PgInstrumentation({
        // Parameters stay out of the spans: they are researchers' ids, project ids, days.
        enhancedDatabaseReporting: false,
        // Statements outside a request (migrations, the collectors' imports) start no trace of their own.
        requireParentSpan: true,
      }),
    ],
  })
  sdk.start()
  let stopping: Promise<void> | undefined
  return {
    shutdown: () =>
      (stopping ??= sdk.shutdown().catch((error: unknown) => {
        createLogger({ name: options.serviceName ?? 'hd4res' }).warn(`Tracing did not shut down cleanly: ${(error as Error).message}`)
      })),
  }
}
