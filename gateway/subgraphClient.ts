/**
 * How the gateway calls its subgraphs: one undici connection pool per
 * process, kept alive between requests, and undici's `request` rather than
 * `fetch` (which builds WHATWG Request, Response and Headers objects for every
 * call). The data source only needs a small part of a fetch Response, so
 * that is all this returns. Every call has a deadline.
 */
import { Agent, request } from 'undici'

export interface SubgraphPoolSettings {
  /** Connections kept per subgraph address. */
  connections: number
  /** How long an idle connection stays open. */
  keepAliveMs: number
}

export const DEFAULT_POOL: SubgraphPoolSettings = { connections: 64, keepAliveMs: 30_000 }

export function subgraphAgent(settings: SubgraphPoolSettings = DEFAULT_POOL): Agent {
  return new Agent({
    connections: settings.connections,
    keepAliveTimeout: settings.keepAliveMs,
    keepAliveMaxTimeout: Math.max(settings.keepAliveMs, 60_000),
    pipelining: 1,
  })
}

/** The part of a fetch Response that @apollo/gateway's data source reads. */
export interface SubgraphResponse {
  ok: boolean
  status: number
  statusText: string
  url: string
  headers: { get(name: string): string | null }
  json(): Promise<unknown>
  text(): Promise<string>
}

interface RequestInitLike {
  method?: string
  headers?: Iterable<[string, string]> | Record<string, string>
  body?: string
}

function headerRecord(headers: RequestInitLike['headers']): Record<string, string> {
  if (!headers) return {}
  if (Symbol.iterator in headers) return Object.fromEntries(headers as Iterable<[string, string]>)
  return headers as Record<string, string>
}

/** A fetcher for RemoteGraphQLDataSource on a shared keep-alive pool. */
export function pooledFetcher(agent: Agent, timeoutMs: number, keepAlive = true) {
  return async (url: string, init: RequestInitLike = {}): Promise<SubgraphResponse> => {
    const response = await request(url, {
      method: (init.method ?? 'POST') as 'POST',
      headers: headerRecord(init.headers),
      body: init.body,
      dispatcher: agent,
      // Only to measure what keeping connections costs: a new connection for every call.
      reset: !keepAlive,
      signal: AbortSignal.timeout(timeoutMs),
    })
    const raw = response.headers
    return {
      ok: response.statusCode >= 200 && response.statusCode < 300,
      status: response.statusCode,
      statusText: '',
      url,
      headers: {
        get: (name) => {
          const value = raw[name.toLowerCase()]
          return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value
        },
      },
      json: () => response.body.json(),
      text: () => response.body.text(),
    }
  }
}
