/**
 * A stand-in for the ServiceNow Table API, for pull tests: paging with Link
 * headers, display values, credentials, and faults or delays on chosen
 * requests, on 127.0.0.1 and a free port.
 */
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'

export interface StandinOptions {
  /** Table name -> records, in the order they are served. */
  tables: Record<string, Record<string, unknown>[]>
  /** Credentials every request must carry (Basic or Bearer); 401 otherwise. */
  auth?: { user: string; password: string } | { token: string }
  /** The Nth request (1-based, counting every request) answers with this status, once. */
  faults?: { status: 429 | 500 | 503; onRequest: number; retryAfterSeconds?: number }[]
  /** The Nth request answers after a delay. */
  slow?: { onRequest: number; delayMs: number }[]
}

export interface StandinRequest {
  path: string
  query: Record<string, string>
  /** 0 until the answer is sent. */
  status: number
}

export interface ServiceNowStandin {
  /** Base address, e.g. http://127.0.0.1:1234 */
  url: string
  requests: StandinRequest[]
  close(): Promise<void>
}

const DEFAULT_LIMIT = 10_000

const FAULT_MESSAGES: Record<number, string> = {
  429: 'Too many requests',
  500: 'Internal server error',
  503: 'Service unavailable',
}

function failure(message: string, detail: string | null) {
  return { error: { message, detail }, status: 'failure' }
}

function isWrapped(value: unknown): value is { display_value: unknown; value: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'value' in value && 'display_value' in value
}

/** One record as sysparm_display_value and sysparm_fields ask for it. */
function present(record: Record<string, unknown>, displayValue: string | null, fields: string[] | null): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(record)) {
    if (fields && !fields.includes(key)) continue
    if (displayValue === 'all') out[key] = isWrapped(value) ? value : { display_value: value, value }
    else if (displayValue === 'true') out[key] = isWrapped(value) ? value.display_value : value
    else out[key] = isWrapped(value) ? value.value : value
  }
  return out
}

function whole(text: string | null, fallback: number, min: number): number {
  if (text === null || !/^\d+$/.test(text)) return fallback
  const n = Number(text)
  return n >= min ? n : fallback
}

function authorised(header: string | undefined, auth: StandinOptions['auth']): boolean {
  if (!auth) return true
  if (!header) return false
  if ('token' in auth) return /^bearer /i.test(header) && header.slice(7) === auth.token
  if (!/^basic /i.test(header)) return false
  return Buffer.from(header.slice(6).trim(), 'base64').toString('utf8') === `${auth.user}:${auth.password}`
}

export async function startServiceNowStandin(options: StandinOptions): Promise<ServiceNowStandin> {
  const app = Fastify({ logger: false })
  const requests: StandinRequest[] = []
  // Per-request bookkeeping without decorating FastifyRequest, whose type is shared with the real servers.
  const entries = new WeakMap<FastifyRequest, StandinRequest>()
  let counter = 0
  let base = ''

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const n = ++counter
    const url = new URL(request.url, 'http://standin')
    const entry: StandinRequest = { path: url.pathname, query: Object.fromEntries(url.searchParams), status: 0 }
    requests.push(entry)
    entries.set(request, entry)

    const slow = options.slow?.find((s) => s.onRequest === n)
    if (slow) await new Promise((resolve) => setTimeout(resolve, slow.delayMs))

    const fault = options.faults?.find((f) => f.onRequest === n)
    if (fault) {
      if (fault.status === 429 || fault.retryAfterSeconds !== undefined) {
        reply.header('Retry-After', String(fault.retryAfterSeconds ?? 1))
      }
      return reply.code(fault.status).send(failure(FAULT_MESSAGES[fault.status]!, `Fault injected on request ${n}`))
    }

    if (!authorised(request.headers.authorization, options.auth)) {
      if (options.auth && !('token' in options.auth)) reply.header('WWW-Authenticate', 'Basic realm="Service-now"')
      return reply.code(401).send(failure('User Not Authenticated', 'Required to provide Auth information'))
    }
  })

  // Set before sending, so a test reading `requests` after its answer arrives sees the status.
  app.addHook('onSend', async (request, reply, payload) => {
    const entry = entries.get(request)
    if (entry) entry.status = reply.statusCode
    return payload
  })

  app.get<{ Params: { table: string } }>('/api/now/table/:table', async (request, reply) => {
    const table = request.params.table
    const records = Object.hasOwn(options.tables, table) ? options.tables[table]! : undefined
    if (!records) return reply.code(404).send(failure(`Invalid table ${table}`, null))

    const url = new URL(request.url, base)
    const params = url.searchParams
    const limit = whole(params.get('sysparm_limit'), DEFAULT_LIMIT, 1)
    const offset = whole(params.get('sysparm_offset'), 0, 0)
    const fields =
      params
        .get('sysparm_fields')
        ?.split(',')
        .map((f) => f.trim())
        .filter(Boolean) ?? null
    // sysparm_query is not interpreted: records keep the order they were given in, as ORDERBYsys_updated_on would on ordered data.
    const result = records.slice(offset, offset + limit).map((r) => present(r, params.get('sysparm_display_value'), fields))

    const total = records.length
    const at = (o: number) => {
      const u = new URL(url)
      u.searchParams.set('sysparm_offset', String(o))
      u.searchParams.set('sysparm_limit', String(limit))
      return `<${u.href}>`
    }
    const links = [`${at(0)};rel="first"`]
    if (offset > 0) links.push(`${at(Math.max(0, offset - limit))};rel="prev"`)
    if (offset + limit < total) links.push(`${at(offset + limit)};rel="next"`)
    links.push(`${at(Math.max(0, Math.floor((total - 1) / limit) * limit))};rel="last"`)

    reply.header('X-Total-Count', String(total))
    reply.header('Link', links.join(','))
    reply.header('Content-Type', 'application/json;charset=UTF-8')
    return { result }
  })

  app.setNotFoundHandler((request, reply) => {
    reply.code(400).send(failure('Requested URI does not represent any resource', request.url))
  })

  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (!address || typeof address === 'string') throw new Error('The ServiceNow stand-in did not get a TCP port')
  base = `http://127.0.0.1:${address.port}`
  return { url: base, requests, close: () => app.close() }
}
