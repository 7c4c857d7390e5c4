/**
 * How the gateway calls its subgraphs: one undici connection pool per
 * process, kept alive between requests, and undici's `request` rather than
 * `fetch`. The data source is this gateway's own (`SubgraphDataSource`, the
 * GraphQLDataSource interface @apollo/gateway defines) rather than
 * RemoteGraphQLDataSource, which builds node-fetch Headers and Request
 * objects for every call and signs nothing: here each call is one plain
 * header record and one JSON body, the researcher's identity is signed once
 * per request and shared by all its subgraph calls, and every call has a
 * deadline.
 *
 * A subgraph that cannot be reached, is late, or is answered for by a proxy
 * with 502, 503 or 504 is "unavailable" (SUBGRAPH_UNAVAILABLE, by the
 * transport's error codes and the status, never by text). When everything the
 * call asked for is a field of a result union, those fields answer
 * PublicationTemporarilyUnavailable instead (standIns.ts), with one error
 * naming the subgraph, so the rest of the answer stands.
 */
import { STATUS_CODES, type IncomingHttpHeaders } from 'node:http'
import type { GraphQLDataSource, GraphQLDataSourceProcessOptions } from '@apollo/gateway'
import { GraphQLError, parse } from 'graphql'
import { Agent, request } from 'undici'
import { IDENTITY_HEADER, signIdentity, type Identity } from '../platform/identity.js'
import { takeReads, type Reads } from '../platform/reads.js'
import { DATA_VERSION_HEADER, LANGUAGE_HEADER, REQUEST_ID_HEADER } from '../platform/headers.js'
import type { Language } from '../platform/texts.js'
import { CODES, subgraphBadResponse, subgraphHttpError, subgraphUnavailable, timedOut } from './errors.js'
import { STAND_IN_RETRY_AFTER_SECONDS, standInData, standInMessage } from './standIns.js'

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

export interface SubgraphAnswer {
  status: number
  headers: IncomingHttpHeaders
  /** The parsed JSON body, or the text of a body that is not JSON. */
  body: unknown
}

/**
 * POSTs one JSON body on the pool. The deadline covers the wait for the
 * answer's headers and each pause in its body (undici's own timers, cheaper
 * than a signal per call). Unreachable or late: `subgraphUnavailable`.
 */
export function subgraphCaller(agent: Agent, timeoutMs: number, keepAlive = true) {
  return async (service: string, url: string, body: string, headers: Record<string, string>): Promise<SubgraphAnswer> => {
    let status: number
    let answerHeaders: IncomingHttpHeaders
    let text: string
    try {
      const response = await request(url, {
        method: 'POST',
        headers,
        body,
        dispatcher: agent,
        // Only to measure what keeping connections costs: a new connection for every call.
        reset: !keepAlive,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      })
      status = response.statusCode
      answerHeaders = response.headers
      text = await response.body.text()
    } catch (error) {
      throw subgraphUnavailable(service, { timedOut: timedOut(error), cause: error as Error })
    }
    const type = answerHeaders['content-type']
    if (typeof type !== 'string' || !(type.startsWith('application/json') || type.startsWith('application/graphql-response+json'))) {
      return { status, headers: answerHeaders, body: text }
    }
    try {
      return { status, headers: answerHeaders, body: JSON.parse(text) as unknown }
    } catch (error) {
      throw subgraphBadResponse(service, error as Error)
    }
  }
}

/** What the data source needs of the gateway's per-request context. */
export interface SubgraphCallContext {
  identity?: Identity
  requestId?: string
  /** The identity header, signed at the request's first subgraph call and reused by the others. */
  signedIdentity?: string
  /** The store's data version as the gateway last read it: the subgraphs' result caches use it as a hint. */
  dataVersion?: string
  /** The language the request's texts come in (language.ts), passed on to each subgraph. */
  language?: Language
  /** Where what each subgraph answer read goes, for the operation's audit record (audit.ts). */
  audit?: { noteReads(operation: object, reads: Partial<Reads>): void }
}

type ProcessResult = Awaited<ReturnType<GraphQLDataSource['process']>>

/** What a proxy in front of a subgraph answers when the subgraph is down, refusing, or late: the subgraph is unavailable. */
const UNAVAILABLE_STATUSES: ReadonlySet<number> = new Set([502, 503, 504])

/** The subgraphs already named as stood in for, per operation: one error each, however many of its calls failed. */
const standInsNamed = new WeakMap<object, Set<string>>()

type CacheHint = { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' }

/** The cache hint a subgraph's Cache-Control header gives (max-age, public, private). */
export function cacheHintOf(header: string | string[] | undefined): CacheHint {
  const hint: CacheHint = { maxAge: 0 }
  for (const part of (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',')) {
    const [name, value] = part.trim().toLowerCase().split('=')
    if (name === 'max-age' && value && /^\d+$/.test(value)) hint.maxAge = Number(value)
    else if (name === 'public') hint.scope = 'PUBLIC'
    else if (name === 'private') hint.scope = 'PRIVATE'
  }
  return hint
}

export class SubgraphDataSource implements GraphQLDataSource<SubgraphCallContext> {
  constructor(
    private readonly service: string,
    private readonly url: string,
    private readonly secret: string,
    private readonly call: ReturnType<typeof subgraphCaller>,
  ) {}

  async process(options: GraphQLDataSourceProcessOptions<SubgraphCallContext>): Promise<ProcessResult> {
    const { request } = options
    if (!request.query) throw new Error('Missing query')
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (request.http?.headers) for (const [name, value] of request.http.headers) headers[name] = value
    // Health checks and schema loads run without a researcher; they never carry data.
    const context = options.context as SubgraphCallContext
    if (context.identity) headers[IDENTITY_HEADER] = context.signedIdentity ??= signIdentity(context.identity, this.secret)
    if (context.requestId) headers[REQUEST_ID_HEADER] = context.requestId
    if (context.dataVersion) headers[DATA_VERSION_HEADER] = context.dataVersion
    if (context.language) headers[LANGUAGE_HEADER] = context.language
    const body = JSON.stringify({
      query: request.query,
      variables: request.variables,
      operationName: request.operationName,
      extensions: request.extensions,
    })

    let answer: SubgraphAnswer
    try {
      answer = await this.call(this.service, this.url, body, headers)
    } catch (error) {
      if (!(error instanceof GraphQLError) || error.extensions.code !== CODES.SUBGRAPH_UNAVAILABLE) throw error
      const standIn = this.standIn(options, timedOut(error.originalError))
      if (standIn) return standIn
      throw error
    }
    if (UNAVAILABLE_STATUSES.has(answer.status)) {
      // A gateway timeout is the subgraph being late; a bad gateway or service unavailable, the subgraph not there.
      const late = answer.status === 504
      const standIn = this.standIn(options, late)
      if (standIn) return standIn
      throw subgraphUnavailable(this.service, { timedOut: late })
    }
    if (answer.status < 200 || answer.status >= 300) {
      throw subgraphHttpError(answer.status, STATUS_CODES[answer.status] ?? '', { url: this.url, body: answer.body }, this.service)
    }
    if (answer.body === null || typeof answer.body !== 'object') {
      throw new Error(`Expected JSON response body, but received: ${String(answer.body).slice(0, 200)}`)
    }
    const incoming = 'incomingRequestContext' in options ? options.incomingRequestContext : undefined
    // The answer's cache policy narrows the whole operation's (public only if every part is).
    if (incoming) {
      const policy = incoming.overallCachePolicy
      if (policy && 'restrict' in policy) policy.restrict(cacheHintOf(answer.headers['cache-control']))
    }
    // What the subgraph read is for the audit trail, never for the researcher: taken out of the answer whatever happens.
    // It is noted by operation: the metrics object of the operation's request context is the one the server's own context holds.
    const reads = takeReads(answer.body)
    if (reads && context.audit) context.audit.noteReads(incoming?.metrics ?? context, reads)
    return answer.body as ProcessResult
  }

  /**
   * The answer to a call of this subgraph while it is unavailable, when every
   * field the call asks for is a result union: each answers the stand-in, and
   * the operation's first such answer from this subgraph carries the one
   * error naming it. Null when the call asks for anything else.
   */
  private standIn(options: GraphQLDataSourceProcessOptions<SubgraphCallContext>, late: boolean): ProcessResult | null {
    if (!('incomingRequestContext' in options) || !options.request.query) return null
    const incoming = options.incomingRequestContext
    let document
    try {
      document = options.document ?? parse(options.request.query)
    } catch {
      return null
    }
    const language = (options.context as SubgraphCallContext).language ?? 'en'
    const message = standInMessage(this.service, late, STAND_IN_RETRY_AFTER_SECONDS, language)
    const data = standInData(incoming.schema, document, options.request.variables, message)
    if (!data) return null
    // Nothing of an answer with a stand-in may be kept: the next request must ask the subgraph again.
    const policy = incoming.overallCachePolicy
    if (policy && 'restrict' in policy) policy.restrict({ maxAge: 0 })
    let named = standInsNamed.get(incoming)
    if (!named) standInsNamed.set(incoming, (named = new Set()))
    if (named.has(this.service)) return { data }
    named.add(this.service)
    const error = subgraphUnavailable(this.service, { timedOut: late, standIn: true })
    return { data, errors: [{ message: error.message, extensions: error.extensions }] }
  }
}
