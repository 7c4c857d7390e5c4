/**
 * Every error code the gateway answers with, each once, with the HTTP status
 * that goes with it, and the typed errors that carry them. A refusal (sign-in,
 * a limit, a rate limit, the safelist, the body, the audit) is a GatewayError:
 * before GraphQL runs it leaves as one small body with its status, and inside
 * GraphQL (Armor's limits, a request context without a researcher) Apollo
 * answers it. The errors of a subgraph call are plain GraphQL errors with a
 * code, which stand beside the fields that were answered. Errors are told
 * apart by their class or their code; what only an error's text can tell is
 * read in one place, at the end of this file, each with the reason.
 */
import { GraphQLError } from 'graphql'

interface ErrorKind {
  /** The HTTP status of an answer that is this error alone. */
  readonly status: number
  /** GraphQL refuses a document with it for the document's own content, before anything runs. */
  readonly document?: true
}

const KINDS = {
  // Refusals: the answer is this one error.
  BAD_REQUEST: { status: 400 },
  PAYLOAD_TOO_LARGE: { status: 413 },
  UNSUPPORTED_MEDIA_TYPE: { status: 415 },
  UNAUTHENTICATED: { status: 401 },
  RATE_LIMITED: { status: 429 },
  BATCH_TOO_LARGE: { status: 400 },
  QUERY_TOO_COMPLEX: { status: 400, document: true },
  // An answer over HD4RES_MAX_ANSWER_BYTES, not sent (cost.ts): the request asked for too much, as with the cost limit.
  ANSWER_TOO_LARGE: { status: 400 },
  OPERATION_NOT_IN_SAFELIST: { status: 403 },
  // An operation named by an id or hash the gateway does not know: 200, as Apollo's automatic persisted
  // queries answer it, so that Apollo Client's and urql's links send the text next.
  PERSISTED_QUERY_NOT_FOUND: { status: 200 },
  AUDIT_UNAVAILABLE: { status: 503 },
  // A service every answer needs (the memberships) cannot answer, and what was last known of it is too old.
  SERVICE_UNAVAILABLE: { status: 503 },
  INTERNAL_SERVER_ERROR: { status: 500 },
  // Apollo Server's, graphql-js's and the query planner's refusals of a document, passed on as they are.
  GRAPHQL_PARSE_FAILED: { status: 400, document: true },
  GRAPHQL_VALIDATION_FAILED: { status: 400, document: true },
  BAD_USER_INPUT: { status: 400, document: true },
  INVALID_GRAPHQL: { status: 400, document: true },
  OPERATION_RESOLUTION_FAILURE: { status: 400, document: true },
  // A subgraph call's: beside the fields that were answered, in an answer that stands.
  SUBGRAPH_UNAVAILABLE: { status: 200 },
  SUBGRAPH_BAD_RESPONSE: { status: 200 },
  // A subgraph that answers, but cannot reach its store: its fields fail, named, and the answer stands.
  STORE_UNAVAILABLE: { status: 200 },
  // A subgraph's own 403 (its 401 is UNAUTHENTICATED), passed on by its code.
  FORBIDDEN: { status: 403 },
} as const satisfies Record<string, ErrorKind>

export type ErrorCode = keyof typeof KINDS

/** Each code by its name, so that a code is written out only in the list above. */
export const CODES = Object.fromEntries(Object.keys(KINDS).map((code) => [code, code])) as { readonly [C in ErrorCode]: C }

const DOCUMENT_CODES: ReadonlySet<string> = new Set(Object.entries(KINDS).flatMap(([code, kind]) => ('document' in kind ? [code] : [])))

/**
 * True for a code GraphQL refuses a document with for its own content: an
 * answer that ran nothing and holds only such errors is the client's (400),
 * where a parser plugin or the query planner would have left it as 500.
 */
export function refusesDocument(code: unknown): boolean {
  return typeof code === 'string' && DOCUMENT_CODES.has(code)
}

/** A refusal the gateway makes itself: its code, and the status and headers of the answer it is. */
export class GatewayError extends GraphQLError {
  readonly code: ErrorCode
  readonly status: number
  /** What the answer carries besides the body (Retry-After). */
  readonly headers: Readonly<Record<string, string>>

  constructor(code: ErrorCode, message: string, headers: Record<string, string> = {}) {
    // The status in the `http` extension, which Apollo takes out: answered inside GraphQL, it has it too.
    super(message, { extensions: { code, http: { status: KINDS[code].status } } })
    this.code = code
    this.status = KINDS[code].status
    this.headers = headers
  }

  /** The body of a refusal made before GraphQL runs, in the GraphQL error shape. */
  toBody(): { errors: [{ message: string; extensions: { code: ErrorCode } }] } {
    return { errors: [{ message: this.message, extensions: { code: this.code } }] }
  }
}

/** The GatewayError behind an error Apollo hands on (its ValidationError keeps a rule's error as originalError), if there is one. */
export function raisedByGateway(error: unknown): GatewayError | undefined {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 3; cause = (cause as GraphQLError).originalError, depth++) {
    if (cause instanceof GatewayError) return cause
  }
  return undefined
}

// The refusals, each naming the limit and the setting that raises it.

export const payloadTooLarge = (maxBytes: number) =>
  new GatewayError(CODES.PAYLOAD_TOO_LARGE, `The request body is larger than ${maxBytes} bytes (HD4RES_MAX_BODY_BYTES)`)
export const unsupportedMediaType = () => new GatewayError(CODES.UNSUPPORTED_MEDIA_TYPE, 'Send GraphQL requests as application/json')
export const emptyBody = () => new GatewayError(CODES.BAD_REQUEST, 'The request body is empty; send {"query": "…"}')
export const invalidJson = (reason: string) => new GatewayError(CODES.BAD_REQUEST, `The request body is not valid JSON: ${reason}`)
export const batchTooLarge = (max: number, size: number) =>
  new GatewayError(CODES.BATCH_TOO_LARGE, `A batch may hold at most ${max} operations (HD4RES_MAX_BATCH); this one holds ${size}`)
export const overTokenLimit = (max: number) =>
  new GatewayError(CODES.QUERY_TOO_COMPLEX, `Token limit of ${max} exceeded (HD4RES_MAX_TOKENS)`)
/** An input the gateway refuses before anything walks it (inputs.ts): the message says what is wrong and where. */
export const refusedInput = (message: string) => new GatewayError(CODES.BAD_USER_INPUT, message)
export const notSafelisted = () =>
  new GatewayError(
    CODES.OPERATION_NOT_IN_SAFELIST,
    'This operation is not on the list of operations this deployment answers (HD4RES_SAFELIST_FILE)',
  )
/** Never stored by a cache on the way: the same hash is answered once the text has been sent. */
const NOT_FOUND_HEADERS = { 'cache-control': 'private, no-cache, must-revalidate' }
/** Worded as Apollo Server words it: Apollo's mobile clients know the miss by its message alone. */
export const persistedQueryNotFound = () => new GatewayError(CODES.PERSISTED_QUERY_NOT_FOUND, 'PersistedQueryNotFound', NOT_FOUND_HEADERS)
export const unknownDocumentId = (id: string, manifest: boolean) =>
  new GatewayError(
    CODES.PERSISTED_QUERY_NOT_FOUND,
    manifest
      ? `No operation has the id ${JSON.stringify(id.slice(0, 100))} in this deployment's persisted operations manifest (HD4RES_SAFELIST_FILE); send the operation's text, or add it to the manifest`
      : `This deployment has no persisted operations manifest (HD4RES_SAFELIST_FILE), so the id ${JSON.stringify(id.slice(0, 100))} names nothing; send the operation's text`,
    NOT_FOUND_HEADERS,
  )
export const persistedIdAndText = () =>
  new GatewayError(CODES.BAD_REQUEST, 'Send an operation either by its documentId or by its query text, not both')
export const textNotOfHash = () =>
  new GatewayError(
    CODES.BAD_REQUEST,
    'The query text is not the persisted operation its hash names (extensions.persistedQuery.sha256Hash); send the hash alone, or the text alone',
  )
export const internalError = (requestId: string) =>
  new GatewayError(CODES.INTERNAL_SERVER_ERROR, `Internal server error (request ${requestId})`)
export const auditUnavailable = (requestId: string) =>
  new GatewayError(CODES.AUDIT_UNAVAILABLE, `The answer cannot be given now: its audit record could not be written (request ${requestId})`)
/** The memberships cannot be asked and none recent enough are known: nothing can be scoped, so nothing is answered; `cause` is for the log. */
export function membershipsUnavailable(retryAfterSeconds: number, cause?: unknown): GatewayError {
  const refusal = new GatewayError(
    CODES.SERVICE_UNAVAILABLE,
    `The membership service (participants) cannot say which projects you may see right now; try again in ${retryAfterSeconds} seconds`,
    { 'retry-after': String(retryAfterSeconds) },
  )
  if (cause !== undefined) Object.defineProperty(refusal, 'cause', { value: cause, enumerable: false })
  return refusal
}
/** The data version cannot be read and none recent enough is known: the response cache cannot key an answer. */
export const dataVersionUnavailable = (retryAfterSeconds: number) =>
  new GatewayError(
    CODES.SERVICE_UNAVAILABLE,
    `The membership service (participants) cannot say the data version right now; try again in ${retryAfterSeconds} seconds`,
    { 'retry-after': String(retryAfterSeconds) },
  )

/** One of GraphQL Armor's limits, refused: Armor words it as a syntax error ending in a full stop, and it is a limit, so it says which. */
export function overLimit(armorMessage: string, setting: string): GatewayError {
  return new GatewayError(CODES.QUERY_TOO_COMPLEX, `${armorMessage.replace(/^Syntax Error: /, '').replace(/\.$/, '')} (${setting})`)
}

// The errors of a subgraph call: plain GraphQLErrors, as Apollo hands them on and the log writes them.

/**
 * A subgraph that could not be reached, or did not answer in time: named,
 * never located. With `standIn`, its fields answer PublicationTemporarilyUnavailable
 * (subgraphClient.ts) rather than going missing, and the message says so.
 */
export function subgraphUnavailable(
  service: string,
  { timedOut, standIn = false, cause }: { timedOut: boolean; standIn?: boolean; cause?: Error },
): GraphQLError {
  const fields = standIn
    ? 'its publications answer PublicationTemporarilyUnavailable for now'
    : 'the fields it serves are missing from this answer'
  return new GraphQLError(`The ${service} service ${timedOut ? 'did not answer in time' : 'could not be reached'}; ${fields}`, {
    extensions: { code: CODES.SUBGRAPH_UNAVAILABLE, serviceName: service },
    originalError: cause,
  })
}

/** A subgraph that answered, but not with a readable body: not "unreachable", and the log has the reason. */
export function subgraphBadResponse(service: string, reason: Error): GraphQLError {
  return new GraphQLError(
    `The ${service} service answered with a body that is not valid JSON; the fields it serves are missing from this answer`,
    {
      extensions: { code: CODES.SUBGRAPH_BAD_RESPONSE, serviceName: service },
      originalError: reason,
    },
  )
}

/**
 * A subgraph's answer with an HTTP error status: its 401 and 403 keep their
 * meaning as codes; anything else is internal, and names the service (a
 * proxy's 502, 503 and 504 never come here: they are "unavailable").
 */
export function subgraphHttpError(
  status: number,
  statusText: string,
  response: { url: string; body: unknown },
  service?: string,
): GraphQLError {
  const code = status === 401 ? CODES.UNAUTHENTICATED : status === 403 ? CODES.FORBIDDEN : undefined
  const detail = { response: { url: response.url, status, statusText, body: response.body } }
  if (code || !service) return new GraphQLError(`${status}: ${statusText}`, { extensions: { ...(code ? { code } : {}), ...detail } })
  return new GraphQLError(`The ${service} service failed with HTTP ${status}; the fields it serves are missing from this answer`, {
    extensions: { serviceName: service, ...detail },
  })
}

/** undici's deadlines, by their errors' codes, and AbortSignal.timeout's by its name; any other failure of a call is "could not be reached". */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT'])

export function timedOut(error: unknown): boolean {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown }
  return (typeof code === 'string' && TIMEOUT_CODES.has(code)) || name === 'TimeoutError'
}

/**
 * The code of an answer already written out (a refusal's small body, Apollo's
 * own), read from its text: it is looked for as the answer leaves, which
 * parsing the whole body would slow down.
 */
const CODE_IN_BODY = /"code"\s*:\s*"([A-Z_]+)"/

export function codeInBody(text: string): string | undefined {
  return CODE_IN_BODY.exec(text)?.[1]
}

// What only an error's text tells.

/** graphql-js puts its suggestions ("Did you mean …?") in the message and nowhere else, and Armor masks them there. */
const SUGGESTION = / (Did you mean .*|\[Suggestion hidden\]\??)$/

/** The message without a suggestion, which would spell out the schema to someone who may not introspect it. */
export function withoutSuggestion(message: string): string {
  return SUGGESTION.test(message) ? message.replace(SUGGESTION, '') : message
}

/** A subgraph's masked error (subgraphs/kit words it so) has the code of any internal error: its text is all that tells it apart. */
const MASKED_BY_SUBGRAPH = /^Internal error in the \w+ service$/

export function maskedBySubgraph(message: string): boolean {
  return MASKED_BY_SUBGRAPH.test(message)
}

/**
 * A subgraph that reports in its own answer that it timed out or could not
 * reach what it calls sends JSON, with no error class or errno to read: only
 * its text says so. (The gateway's own calls are told apart by their errors'
 * codes, timedOut, before they become GraphQL errors.)
 */
const REPORTED_TRANSPORT_FAILURE = /fetch failed|ECONNREFUSED|ECONNRESET|socket hang up|aborted|timeout|timed out|^\d{3}: /i

export function reportsTransportFailure(message: string): boolean {
  return REPORTED_TRANSPORT_FAILURE.test(message)
}
