/** An OTLP/HTTP receiver (JSON encoding) that keeps every span a part sends it. */
import { createServer, type Server } from 'node:http'

/** A span as OTLP's JSON encoding sends it (ids in hexadecimal). */
export interface ReceivedSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  kind: number
}

export function otlpReceiver(spans: ReceivedSpan[]): Server {
  return createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString()))
    request.on('end', () => {
      const sent = JSON.parse(body) as { resourceSpans?: { scopeSpans?: { spans?: ReceivedSpan[] }[] }[] }
      for (const resource of sent.resourceSpans ?? []) for (const scope of resource.scopeSpans ?? []) spans.push(...(scope.spans ?? []))
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
}
