/**
 * Observability, through the real servers: the gateway's /metrics counts
 * requests by operation and outcome, times them and each subgraph fetch, and
 * counts the response cache's hits; each subgraph's /metrics counts its own
 * requests; participants' /metrics reports the import log; all of them answer
 * only the scrape token. One traced request yields the gateway's spans and a
 * subgraph's server span in the same trace, and on PostgreSQL each subgraph
 * statement's span beneath that subgraph's server span, without its
 * parameters.
 */
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { SpanKind } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTracing, tracingRequested } from '../platform/tracing.js'
import type { TestGraph } from './helpers/graph.js'

// Tracing first: node:http is instrumented as it is required, so the graph's
// modules are imported only once it runs (in beforeAll, below).
const spans = new InMemorySpanExporter()
const tracing = startTracing({ spanProcessors: [new SimpleSpanProcessor(spans)], serviceName: 'hd4res-test', env: {} })

const SCRAPE_TOKEN = 'scrape-token-for-the-observability-test'

interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line)
    if (!match) continue
    const labels: Record<string, string> = {}
    for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!
    samples.push({ name: match[1]!, labels, value: Number(match[3]) })
  }
  return samples
}

/** The value of the one sample with this name and these labels (others may be present); undefined when there is none. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string | RegExp> = {}): number | undefined {
  const found = samples.filter(
    (s) =>
      s.name === name && Object.entries(labels).every(([k, v]) => (typeof v === 'string' ? s.labels[k] === v : v.test(s.labels[k] ?? ''))),
  )
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`)
  return found[0]?.value
}

describe('observability', () => {
  let t: TestGraph
  let collectCounts: (typeof import('../collectors/hd4devops.js'))['collectHd4devopsCounts']
  let fileDocuments: (typeof import('../collectors/input.js'))['fileDocuments']

  const metricsUrl = (base: string) => new URL('/metrics', base).href
  async function scrape(base: string, token: string | null = SCRAPE_TOKEN) {
    const response = await fetch(metricsUrl(base), { headers: token ? { authorization: `Bearer ${token}` } : {} })
    return { status: response.status, type: response.headers.get('content-type'), text: await response.text() }
  }
  async function samples(base: string) {
    const scraped = await scrape(base)
    expect(scraped.status).toBe(200)
    return parseMetrics(scraped.text)
  }

  beforeAll(async () => {
    const { startTestGraph } = await import('./helpers/graph.js')
    const { loadPublicationRegistry } = await import('../subgraphs/kit/catalogue/publications.js')
    ;({ collectHd4devopsCounts: collectCounts } = await import('../collectors/hd4devops.js'))
    ;({ fileDocuments } = await import('../collectors/input.js'))
    t = await startTestGraph({
      registry: loadPublicationRegistry({ available: 'ALL' }),
      env: { HD4RES_RESPONSE_CACHE: 'on', HD4RES_DATA_VERSION_CHECK_MS: '0', HD4RES_METRICS_TOKEN: SCRAPE_TOKEN },
    })
  })
  afterAll(async () => {
    await t?.close()
    await tracing?.shutdown()
  })

  it('serves /metrics only with the scrape token, on the gateway and on every subgraph', async () => {
    for (const base of [t.graph.url, ...Object.values(t.graph.subgraphUrls)]) {
      expect((await scrape(base, null)).status).toBe(401)
      expect((await scrape(base, 'not-the-scrape-token-at-all')).status).toBe(401)
      const ok = await scrape(base)
      expect(ok.status).toBe(200)
      expect(ok.type).toMatch(/^text\/plain/)
      // The process's own metrics come with every server's.
      expect(ok.text).toMatch(/^process_cpu_user_seconds_total /m)
    }
  })

  it('keeps /metrics closed in production until a scrape token is set, and open in development', async () => {
    const { createSubgraphServer } = await import('../subgraphs/kit/server/subgraph.js')
    const { subgraphByName } = await import('../subgraphs/index.js')
    const serve = (production: boolean, metricsToken?: string) =>
      createSubgraphServer(subgraphByName('support'), {
        db: t.db,
        registry: t.graph.registry,
        settings: { identitySecret: t.graph.identitySecret, suppressionThreshold: 5, production, metricsToken },
      })
    for (const [production, token, status] of [
      [true, undefined, 403],
      [false, undefined, 200],
      [true, SCRAPE_TOKEN, 401],
    ] as const) {
      const app = await serve(production, token)
      try {
        expect((await app.inject({ url: '/metrics' })).statusCode).toBe(status)
      } finally {
        await app.close()
      }
    }
  })

  it('counts gateway requests by operation name and outcome, with latency buckets', async () => {
    const before = await samples(t.graph.url)
    expect((await t.query('query ObsProjects { projects { id } }')).status).toBe(200)
    const bad = await t.query(
      'query ObsBadRange { project(id: "prj-0001") { studyRecordCountHistory(from: "2026-11-20", to: "2026-11-01") { __typename } } }',
    )
    expect(bad.body.errors?.length).toBeGreaterThan(0)
    expect((await t.query('query ObsProjects { projects { id } }', undefined, null)).status).toBe(401)
    expect((await t.query('query NeverLetIn { projects { id } }', undefined, null)).status).toBe(401)
    const after = await samples(t.graph.url)

    const count = (s: Sample[], operation: string, outcome: string) =>
      valueOf(s, 'hd4res_gateway_requests_total', { operation, outcome }) ?? 0
    expect(count(after, 'ObsProjects', 'ok') - count(before, 'ObsProjects', 'ok')).toBe(1)
    expect(count(after, 'ObsBadRange', 'error_client') - count(before, 'ObsBadRange', 'error_client')).toBe(1)
    // A refused request keeps a name only if an answered one carried it before.
    expect(count(after, 'ObsProjects', 'UNAUTHENTICATED') - count(before, 'ObsProjects', 'UNAUTHENTICATED')).toBe(1)
    expect(count(after, '(unknown)', 'UNAUTHENTICATED') - count(before, '(unknown)', 'UNAUTHENTICATED')).toBe(1)
    expect(after.some((s) => s.labels.operation === 'NeverLetIn')).toBe(false)

    const labels = { operation: 'ObsProjects', outcome: 'ok' }
    const buckets = after.filter(
      (s) =>
        s.name === 'hd4res_gateway_request_duration_seconds_bucket' && s.labels.operation === 'ObsProjects' && s.labels.outcome === 'ok',
    )
    expect(buckets.map((b) => b.labels.le)).toEqual([
      '0.005',
      '0.01',
      '0.025',
      '0.05',
      '0.1',
      '0.25',
      '0.5',
      '1',
      '2.5',
      '5',
      '10',
      '30',
      '+Inf',
    ])
    expect(valueOf(after, 'hd4res_gateway_request_duration_seconds_bucket', { ...labels, le: '+Inf' })).toBe(
      count(after, 'ObsProjects', 'ok'),
    )
    expect(valueOf(after, 'hd4res_gateway_request_duration_seconds_count', labels)).toBe(count(after, 'ObsProjects', 'ok'))
    expect(valueOf(after, 'hd4res_gateway_request_duration_seconds_sum', labels)).toBeGreaterThan(0)
  })

  it('times the fetches to the subgraphs a query touched, and only those', async () => {
    const fetches = (s: Sample[], subgraph: string) =>
      valueOf(s, 'hd4res_gateway_subgraph_fetch_duration_seconds_count', { subgraph, outcome: 'ok' }) ?? 0
    const before = await samples(t.graph.url)
    const res = await t.query('query ObsCounts { projects { id studyRecordCounts(date: "2026-11-21") { __typename } } }')
    expect(res.body.errors).toBeUndefined()
    const after = await samples(t.graph.url)
    expect(fetches(after, 'participants') - fetches(before, 'participants')).toBe(1)
    expect(fetches(after, 'records') - fetches(before, 'records')).toBe(1)
    expect(fetches(after, 'support') - fetches(before, 'support')).toBe(0)
    expect(fetches(after, 'subjects') - fetches(before, 'subjects')).toBe(0)
  })

  it('counts a repeated query as a response cache hit', async () => {
    const lookups = (s: Sample[], result: string) => valueOf(s, 'hd4res_gateway_response_cache_lookups_total', { result }) ?? 0
    const query = 'query ObsCached { projects { id name } }'
    const before = await samples(t.graph.url)
    await t.query(query)
    const between = await samples(t.graph.url)
    await t.query(query)
    const after = await samples(t.graph.url)
    expect(lookups(between, 'miss') - lookups(before, 'miss')).toBe(1)
    expect(lookups(between, 'hit') - lookups(before, 'hit')).toBe(0)
    expect(lookups(after, 'hit') - lookups(between, 'hit')).toBe(1)
    // The answer from the cache is an answered request like any other.
    const ok = (s: Sample[]) => valueOf(s, 'hd4res_gateway_requests_total', { operation: 'ObsCached', outcome: 'ok' }) ?? 0
    expect(ok(after) - ok(between)).toBe(1)
  })

  it('counts each subgraph’s own requests by operation and outcome', async () => {
    const { records, participants } = t.graph.subgraphUrls
    const requests = (s: Sample[], subgraph: string, operation: RegExp, outcome: string) =>
      s
        .filter(
          (x) =>
            x.name === 'hd4res_subgraph_requests_total' &&
            x.labels.subgraph === subgraph &&
            operation.test(x.labels.operation ?? '') &&
            x.labels.outcome === outcome,
        )
        .reduce((sum, x) => sum + x.value, 0)
    const beforeRecords = await samples(records!)
    const beforeParticipants = await samples(participants!)
    await t.query('query ObsSubgraphs { projects { id studyRecordCounts(date: "2026-11-20") { __typename } } }')
    // Twice: the second run is compiled (graphql-jit), which carries errors differently.
    for (let i = 0; i < 2; i++) {
      await t.query(
        'query ObsSubgraphError { project(id: "prj-0002") { studyRecordCountHistory(from: "2026-11-20", to: "2026-11-01") { __typename } } }',
      )
    }
    // Straight to a subgraph, without the gateway's signed identity.
    const direct = await fetch(records!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ __typename }"}',
    })
    expect(direct.status).toBe(401)
    const afterRecords = await samples(records!)
    const afterParticipants = await samples(participants!)

    // The gateway names its subgraph operations after the researcher's: ObsSubgraphs__records__1.
    expect(
      requests(afterRecords, 'records', /^ObsSubgraphs__records__\d+$/, 'ok') -
        requests(beforeRecords, 'records', /^ObsSubgraphs__records__\d+$/, 'ok'),
    ).toBe(1)
    expect(
      requests(afterParticipants, 'participants', /^ObsSubgraphs__participants__\d+$/, 'ok') -
        requests(beforeParticipants, 'participants', /^ObsSubgraphs__participants__\d+$/, 'ok'),
    ).toBe(1)
    expect(
      requests(afterRecords, 'records', /^ObsSubgraphError__records__\d+$/, 'error_client') -
        requests(beforeRecords, 'records', /^ObsSubgraphError__records__\d+$/, 'error_client'),
    ).toBe(2)
    expect(
      requests(afterRecords, 'records', /^\(unknown\)$/, 'UNAUTHENTICATED') -
        requests(beforeRecords, 'records', /^\(unknown\)$/, 'UNAUTHENTICATED'),
    ).toBe(1)
    expect(
      valueOf(afterRecords, 'hd4res_subgraph_request_duration_seconds_count', {
        subgraph: 'records',
        operation: /^ObsSubgraphs__records__\d+$/,
        outcome: 'ok',
      }),
    ).toBe(1)
  })

  it('reports the import log on participants’ /metrics: runs by source and outcome, and the last success', async () => {
    const source = 'hd4devops-counts'
    await t.db.query('DELETE FROM ops.import_runs WHERE source = $1', [source])
    const before = await samples(t.graph.subgraphUrls.participants!)
    expect(valueOf(before, 'hd4res_import_runs_total', { source, outcome: 'succeeded' })).toBe(0)
    expect(valueOf(before, 'hd4res_import_last_success_timestamp_seconds', { source })).toBeUndefined()
    expect(valueOf(before, 'hd4res_import_log_readable')).toBe(1)

    const dir = mkdtempSync(path.join(tmpdir(), 'hd4res-observability-'))
    const file = path.join(dir, 'counts.json')
    writeFileSync(
      file,
      JSON.stringify({
        format: 'hd4devops-counts/1',
        component: 'HD4DP_V2_LOCAL',
        day: '2026-11-21',
        projects: [{ project: 'BCFR', records: 4321 }],
      }),
    )
    const started = Date.now() / 1000
    const [outcome] = await collectCounts(t.db, fileDocuments([file]))
    if (outcome?.status !== 'imported') throw new Error(`the import was ${outcome?.status}`)
    const ended = Date.now() / 1000

    const after = await samples(t.graph.subgraphUrls.participants!)
    // Succeeded, or with warnings (a count that fell since the demo's): a success either way.
    const logged = outcome.result.outcome
    expect(valueOf(after, 'hd4res_import_runs_total', { source, outcome: logged })).toBe(1)
    expect(valueOf(after, 'hd4res_import_runs_total', { source, outcome: logged === 'warning' ? 'succeeded' : 'warning' })).toBe(0)
    const last = valueOf(after, 'hd4res_import_last_success_timestamp_seconds', { source })!
    expect(last).toBeGreaterThanOrEqual(Math.floor(started))
    expect(last).toBeLessThanOrEqual(Math.ceil(ended))
    // Other sources keep the demo's runs.
    expect(valueOf(after, 'hd4res_import_runs_total', { source: 'servicenow', outcome: 'succeeded' })).toBeGreaterThanOrEqual(1)
    // One subgraph reports the log, so that it is not counted once per subgraph.
    expect((await scrape(t.graph.subgraphUrls.records!)).text).not.toContain('hd4res_import_runs_total')
  })

  it('switches tracing on only when the OTEL_* variables ask for it', () => {
    expect(tracingRequested({})).toBe(false)
    expect(tracingRequested({ OTEL_SERVICE_NAME: 'hd4res' })).toBe(false)
    expect(tracingRequested({ OTEL_TRACES_EXPORTER: 'console' })).toBe(true)
    expect(tracingRequested({ OTEL_TRACES_EXPORTER: 'none' })).toBe(false)
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true)
    expect(tracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true)
    expect(tracingRequested({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_SDK_DISABLED: 'true' })).toBe(false)
    expect(startTracing({ env: {} })).toBeNull()
  })

  it('traces one request from the gateway into the subgraphs it asks, in one trace', async () => {
    spans.reset()
    const res = await t.query('query ObsTraced { projects { id code } }')
    expect(res.body.errors).toBeUndefined()
    const portOf = (url: string) => Number(new URL(url).port)
    const isServer = (s: ReadableSpan, url: string) =>
      s.kind === SpanKind.SERVER && s.attributes['server.port'] === portOf(url) && s.attributes['url.path'] === '/graphql'
    // The server spans end as their answers leave, a moment after the client has them.
    for (let i = 0; i < 50 && !spans.getFinishedSpans().some((s) => s.name === 'gateway.request'); i++)
      await new Promise((r) => setTimeout(r, 20))
    const finished = spans.getFinishedSpans()

    const request = finished.find((s) => s.name === 'gateway.request')
    expect(request).toBeDefined()
    const traceId = request!.spanContext().traceId
    const inTrace = finished.filter((s) => s.spanContext().traceId === traceId)
    expect(inTrace.map((s) => s.name)).toEqual(
      expect.arrayContaining(['gateway.request', 'gateway.plan', 'gateway.execute', 'gateway.fetch']),
    )
    const fetchSpan = inTrace.find((s) => s.name === 'gateway.fetch' && s.attributes.service === 'participants')
    expect(fetchSpan).toBeDefined()

    // The subgraph's server span hangs, through the fetch's client span, under the gateway's fetch.
    const subgraphServer = inTrace.find((s) => isServer(s, t.graph.subgraphUrls.participants!))
    expect(subgraphServer).toBeDefined()
    const client = inTrace.find((s) => s.spanContext().spanId === subgraphServer!.parentSpanContext?.spanId)
    expect(client?.kind).toBe(SpanKind.CLIENT)
    expect(client!.parentSpanContext?.spanId).toBe(fetchSpan!.spanContext().spanId)
    // And the gateway's own server span holds Apollo's.
    const gatewayServer = inTrace.find((s) => isServer(s, t.graph.url))
    expect(request!.parentSpanContext?.spanId).toBe(gatewayServer?.spanContext().spanId)
    expect(subgraphServer!.spanContext().traceId).toBe(gatewayServer!.spanContext().traceId)
  })

  it('hangs each SQL statement on PostgreSQL under the span of the subgraph that ran it, in the request’s trace, without its parameters', async () => {
    // PGlite runs in-process without the pg driver: its statements leave no span. PostgreSQL's do.
    const onPostgres = Boolean(process.env.DATABASE_URL)
    const { startTestGraph } = await import('./helpers/graph.js')
    const { loadPublicationRegistry } = await import('../subgraphs/kit/catalogue/publications.js')
    const graph = onPostgres ? await startTestGraph({ engine: 'postgres', registry: loadPublicationRegistry({ available: 'ALL' }) }) : t
    try {
      spans.reset()
      const res = await graph.query('query ObsSql { projects { id code studyRecordCounts(date: "2026-11-21") { __typename } } }')
      expect(res.body.errors).toBeUndefined()
      for (let i = 0; i < 50 && !spans.getFinishedSpans().some((s) => s.name === 'gateway.request'); i++)
        await new Promise((r) => setTimeout(r, 20))
      const finished = spans.getFinishedSpans()
      const traceId = finished.find((s) => s.name === 'gateway.request')!.spanContext().traceId
      const byId = new Map(finished.map((s) => [s.spanContext().spanId, s]))
      const sql = finished.filter((s) => s.attributes['db.system.name'] === 'postgresql')
      if (!onPostgres) {
        expect(sql).toEqual([])
        return
      }
      // Work of its own (the audit's shipping, say) has its own traces; no statement starts one.
      for (const span of sql) expect(span.parentSpanContext?.spanId).toMatch(/^[0-9a-f]{16}$/)
      const statements = sql.filter((s) => s.name.startsWith('pg.query') && s.spanContext().traceId === traceId)
      expect(statements.length).toBeGreaterThan(0)
      /** The server span a span hangs under: the subgraph's HTTP span that ran the statement. */
      const serverOf = (span: ReadableSpan): ReadableSpan | undefined => {
        let at: ReadableSpan | undefined = span
        while (at && at.kind !== SpanKind.SERVER) at = byId.get(at.parentSpanContext?.spanId ?? '')
        return at
      }
      const ports = new Set<number>()
      for (const statement of statements) {
        expect(statement.kind).toBe(SpanKind.CLIENT)
        const server = serverOf(statement)
        expect(server, `${statement.name} hangs under a server span`).toBeDefined()
        ports.add(server!.attributes['server.port'] as number)
        // The text, with placeholders; never the values (a researcher's id, the day asked for).
        expect(statement.attributes['db.query.text']).toEqual(expect.any(String))
        expect(Object.keys(statement.attributes).filter((k) => /values|parameter/.test(k))).toEqual([])
        expect(JSON.stringify(statement.attributes)).not.toContain('researcher-0001')
      }
      // The statements of both subgraphs asked (participants: the memberships and projects; records: the counts).
      const portOf = (url: string) => Number(new URL(url).port)
      expect(ports).toContain(portOf(graph.graph.subgraphUrls.participants!))
      expect(ports).toContain(portOf(graph.graph.subgraphUrls.records!))
      expect(ports).not.toContain(portOf(graph.graph.url))
    } finally {
      if (graph !== t) await graph.close()
    }
  })
})
