/**
 * The audit trail, the gateway's side: one record for every GraphQL operation
 * it answers (each operation of a batch has its own) and for every request it
 * turns away before GraphQL runs, cached answers included. A record says when,
 * who (the verified researcher and roles, or none), what (operation name and
 * the SHA-256 of its text), which projects and publications the answer read
 * (as the subgraphs report them, reads.ts), how it ended (outcome, HTTP
 * status, error codes) and the request id. It is appended to the process's
 * spool (auditSpool.ts) before the answer leaves, and shipped from there to
 * the participants subgraph, which keeps it in `ops.audit_log`. An answer
 * whose record cannot be written is not sent: the researcher gets 503
 * AUDIT_UNAVAILABLE instead, and the log has the record.
 */
import { randomUUID } from 'node:crypto'
import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server'
import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify'
import type { GraphQLFormattedError } from 'graphql'
import type { Logger } from 'pino'
import { Counter, Gauge, type Registry } from 'prom-client'
import { request } from 'undici'
import { gatewayIdentityHeader, IDENTITY_HEADER } from '../platform/identity.js'
import { refusalOutcome } from '../platform/metrics.js'
import { ReadLog, type Reads } from '../platform/reads.js'
import {
  AUDIT_FORMAT,
  AUDIT_LIST_MAX,
  AUDIT_TEXT_MAX,
  type AuditOutcome,
  type AuditRecord,
  type AuditShipAnswer,
} from '../platform/auditRecord.js'
import { AUDIT_LINES_TYPE, AUDIT_ROUTE } from '../platform/routes.js'
import { unverifiedSubject, type TokenClaims } from './auth.js'
import { AuditSpool } from './auditSpool.js'
import { auditUnavailable, CODES, codeInBody } from './errors.js'
import { queryFacts } from './queryText.js'

export interface AuditOptions {
  /** The spool folder (made if missing). */
  spoolDir: string
  /** The spool files' stem, one per gateway process: gateway-<worker slot>. */
  spoolName: string
  /** How often the spool is shipped, milliseconds. */
  shipIntervalMs: number
  /** Each record also to the log, at info level. */
  logLines: boolean
}

declare module 'fastify' {
  interface FastifyRequest {
    audit?: RequestAudit
  }
}

/** An answer ready to leave, waiting for its audit records to be written. */
interface WaitingAnswer {
  request: FastifyRequest
  reply: FastifyReply
  payload: unknown
  records: AuditRecord[]
  done: (error: Error | null, payload: unknown) => void
}

/** One operation Apollo answered, as noted when its response was ready. */
interface AnsweredOperation {
  batchIndex: number | null
  operationName: string | null
  operationHash: string | null
  errorCodes: string[]
  hasData: boolean
  reads?: ReadLog
}

/** What the audit notes about one HTTP request while it is answered; the data source hands it what each subgraph answer read (noteReads). */
export class RequestAudit {
  /** The verified token, once sign-in succeeded: who asks, before their memberships are known. */
  claims?: TokenClaims
  /** What a cached answer read, kept with it in the response cache. */
  cachedReads?: Partial<Reads>
  readonly operations: AnsweredOperation[] = []
  /** Reads by operation: the data source names an operation by its request context's metrics object, which Apollo and the gateway share. */
  private reads?: Map<object, ReadLog>

  /** `body`: the request's body, whose place in a batch names each operation's batchIndex. */
  constructor(readonly body: unknown) {}

  noteReads(operation: object, reads: Partial<Reads>): void {
    this.reads ??= new Map()
    let log = this.reads.get(operation)
    if (!log) this.reads.set(operation, (log = new ReadLog()))
    log.add(reads)
  }

  readsOf(operation: object): ReadLog | undefined {
    return this.reads?.get(operation)
  }
}

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/
const NAMED_OPERATION = /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/
const SHA256_HEX = /^[0-9a-fA-F]{64}$/

const clip = (text: string) => (text.length > AUDIT_TEXT_MAX ? text.slice(0, AUDIT_TEXT_MAX) : text)
const textOrNull = (text: unknown) => (typeof text === 'string' && text !== '' ? clip(text) : null)
/** A list as a record keeps it: no empty entries, none too long, not too many; the list itself when it already is one (the usual case). */
function listOf(values: readonly string[]): string[] {
  let fits = values.length <= AUDIT_LIST_MAX
  for (let i = 0; fits && i < values.length; i++) fits = values[i] !== '' && values[i]!.length <= AUDIT_TEXT_MAX
  // A record is written out and let go, never changed: it may hold the list it was given.
  if (fits) return values as string[]
  const list: string[] = []
  for (const value of values) {
    if (list.length >= AUDIT_LIST_MAX) break
    if (value !== '') list.push(clip(value))
  }
  return list
}
const nameOrNull = (name: unknown) => (typeof name === 'string' && GRAPHQL_NAME.test(name) ? clip(name) : null)
const hashOrNull = (hash: unknown) => (typeof hash === 'string' && SHA256_HEX.test(hash) ? hash.toLowerCase() : null)

interface OperationBody {
  query?: unknown
  operationName?: unknown
  extensions?: { persistedQuery?: { sha256Hash?: unknown } }
}

/**
 * The name a body gives its operation without Apollo having read it (an
 * answer from the cache, a refusal): its operationName, or the name after the
 * text's first `query`. For a refusal it is only what the caller claims.
 */
function claimedName(body: OperationBody | undefined): string | null {
  if (typeof body?.operationName === 'string') return nameOrNull(body.operationName)
  return typeof body?.query === 'string' ? nameOrNull(NAMED_OPERATION.exec(body.query)?.[1]) : null
}

/** The SHA-256 of what a request body sends: of its text, or the hash it sends instead (automatic persisted queries). */
function hashOfBody(body: OperationBody | undefined): string | null {
  if (typeof body?.query === 'string') return queryFacts(body.query).sha256
  return hashOrNull(body?.extensions?.persistedQuery?.sha256Hash)
}

function codesOf(errors: readonly GraphQLFormattedError[] | undefined): string[] {
  if (!errors) return []
  return listOf([...new Set(errors.map((e) => (typeof e.extensions?.code === 'string' ? e.extensions.code : CODES.INTERNAL_SERVER_ERROR)))])
}

/** What every record of one HTTP request shares: when, who, and how the request ended. */
interface RequestFacts {
  at: string
  requestId: string
  researcherId: string | null
  claimedResearcherId: string | null
  roles: string[]
  httpStatus: number
  fromCache: boolean
  clientAddress: string | null
}

/** What one operation of the request adds. */
interface OperationFacts {
  batchIndex: number | null
  operationName: string | null
  operationHash: string | null
  reads: Partial<Reads> | null
  outcome: AuditOutcome
  errorCodes: string[]
}

/**
 * One record, written out field by field: this runs for every answer, and V8
 * builds an object from a spread followed by more fields many times slower
 * than from a literal.
 */
function record(request: RequestFacts, operation: OperationFacts): AuditRecord {
  return {
    format: AUDIT_FORMAT,
    id: randomUUID(),
    at: request.at,
    requestId: request.requestId,
    batchIndex: operation.batchIndex,
    researcherId: request.researcherId,
    claimedResearcherId: request.claimedResearcherId,
    roles: request.roles,
    operationName: operation.operationName,
    operationHash: operation.operationHash,
    projects: listOf(operation.reads?.projects ?? []),
    deniedProjects: listOf(operation.reads?.denied ?? []),
    publications: listOf(operation.reads?.publications ?? []),
    outcome: operation.outcome,
    httpStatus: request.httpStatus,
    errorCodes: operation.errorCodes,
    fromCache: request.fromCache,
    clientAddress: request.clientAddress,
  }
}

/** Text JSON writes as it is between quotes: printable ASCII but for the quote and the backslash (ids, names, roles, codes). */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/
const json = (value: string | null) => (value === null ? 'null' : PLAIN.test(value) ? `"${value}"` : JSON.stringify(value))
function jsonList(values: readonly string[]): string {
  if (values.length === 0) return '[]'
  let text = json(values[0]!)
  for (let i = 1; i < values.length; i++) text += `,${json(values[i]!)}`
  return `[${text}]`
}

/**
 * A record as its JSON line, written out by hand: JSON.stringify walks any
 * object, this knows the record's fields, and it runs for every answer. The
 * same text JSON.stringify gives (a unit test compares them).
 */
export function auditLine(r: AuditRecord): string {
  return `{"format":${json(r.format)},"id":${json(r.id)},"at":${json(r.at)},"requestId":${json(r.requestId)},"batchIndex":${r.batchIndex === null ? 'null' : r.batchIndex},"researcherId":${json(r.researcherId)},"claimedResearcherId":${json(r.claimedResearcherId)},"roles":${jsonList(r.roles)},"operationName":${json(r.operationName)},"operationHash":${json(r.operationHash)},"projects":${jsonList(r.projects)},"deniedProjects":${jsonList(r.deniedProjects)},"publications":${jsonList(r.publications)},"outcome":${json(r.outcome)},"httpStatus":${r.httpStatus},"errorCodes":${jsonList(r.errorCodes)},"fromCache":${r.fromCache},"clientAddress":${json(r.clientAddress)}}\n`
}

let lastMs = 0
let lastIso = ''
/** The time as ISO text; answers within one millisecond share one. */
function isoNow(): string {
  const ms = Date.now()
  if (ms !== lastMs) {
    lastMs = ms
    lastIso = new Date(ms).toISOString()
  }
  return lastIso
}

/** The records of one answered HTTP request; `payload` is what is about to be sent. */
export function recordsOf(request: FastifyRequest, reply: FastifyReply, payload: unknown, cacheHeader: string): AuditRecord[] {
  const audit = request.audit
  const identity = request.researcher
  const claims = audit?.claims
  const researcherId = textOrNull(identity?.sub ?? claims?.sub)
  const httpStatus = reply.statusCode
  const facts: RequestFacts = {
    at: isoNow(),
    requestId: clip(request.id),
    researcherId,
    // Turned away before the token was verified: the subject it names, as a lead.
    claimedResearcherId: researcherId === null && httpStatus >= 400 ? textOrNull(unverifiedSubject(request.headers.authorization)) : null,
    roles: listOf(identity?.roles ?? claims?.roles ?? []),
    httpStatus,
    // A stale answer came from the cache too (the previous data version's entry).
    fromCache: reply.getHeader(cacheHeader) === 'hit' || reply.getHeader(cacheHeader) === 'stale',
    clientAddress: request.ip || null,
  }

  if (audit && audit.operations.length > 0) {
    return audit.operations.map((op) =>
      record(facts, {
        batchIndex: op.batchIndex,
        operationName: op.operationName,
        operationHash: op.operationHash,
        reads: op.reads ? op.reads.toReads() : null,
        outcome: op.errorCodes.length === 0 ? 'ok' : op.hasData ? 'partial' : 'error',
        errorCodes: op.errorCodes,
      }),
    )
  }
  // Not answered by Apollo: from the response cache, or turned away before GraphQL ran.
  const body = (request.body ?? request.query) as OperationBody | OperationBody[] | undefined
  const single = Array.isArray(body) ? undefined : body
  let outcome: AuditOutcome = 'ok'
  let errorCodes: string[] = []
  // A cached answer's reads were noted, each once, when it was answered.
  let reads: Partial<Reads> | null = null
  if (facts.fromCache) {
    reads = audit?.cachedReads ?? null
  } else if (httpStatus >= 400) {
    outcome = httpStatus >= 500 ? 'error' : 'refused'
    const text = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8', 0, 2000) : ''
    errorCodes = [codeInBody(text) ?? (httpStatus >= 500 ? CODES.INTERNAL_SERVER_ERROR : CODES.BAD_REQUEST)]
  }
  return [
    record(facts, {
      batchIndex: null,
      operationName: claimedName(single),
      operationHash: single ? hashOfBody(single) : null,
      reads,
      outcome,
      errorCodes,
    }),
  ]
}

/** Ships spooled lines to the participants subgraph's audit route as they are (JSON lines), signed as the gateway. */
export function shipToParticipants(participantsUrl: string, identitySecret: string) {
  const url = new URL(AUDIT_ROUTE, participantsUrl)
  return async (lines: Buffer): Promise<AuditShipAnswer> => {
    const response = await request(url, {
      method: 'POST',
      headers: { 'content-type': AUDIT_LINES_TYPE, [IDENTITY_HEADER]: gatewayIdentityHeader(identitySecret) },
      body: lines,
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    })
    const text = await response.body.text()
    if (response.statusCode < 200 || response.statusCode >= 300)
      throw new Error(`the participants service answered ${response.statusCode}: ${text.slice(0, 200)}`)
    return JSON.parse(text) as AuditShipAnswer
  }
}

export interface AuditTrail {
  /** Notes each operation Apollo answers (`GatewayContext.audit`). */
  readonly plugin: ApolloServerPlugin<{ audit?: RequestAudit }>
  /** Opens the spool; records are written from then on. */
  open(): void
  /**
   * Notes each request of the route before any preHandler runs, and writes
   * each answer's records to the spool as its last step before it leaves
   * (register after every other onSend hook).
   */
  instrumentGraphQLRoute(scope: FastifyInstance, cacheHeader: string): void
  /** Ships what is spooled; true when the store has it all. */
  flush(): Promise<boolean>
  /**
   * False while this replica cannot write records (the spool not open, or a
   * write failed within the last `AUDIT_RETRY_MS` and none has succeeded
   * since): its answers would all be withheld, so it is not ready.
   */
  writing(): boolean
  close(): Promise<void>
}

/**
 * How long a replica whose spool refused a write stays unready before it
 * tries again: it takes no requests meanwhile, so only a later request can
 * tell whether the spool writes again (a disk given room, say).
 */
export const AUDIT_RETRY_MS = 5000

// One listener for every request: what it needs arrives with each call.
const noteOperations: GraphQLRequestListener<{ audit?: RequestAudit }> = {
  async willSendResponse({ contextValue, request, response, queryHash, operationName, metrics }) {
    const audit = contextValue?.audit
    if (!audit) return
    const result = response.body.kind === 'single' ? response.body.singleResult : response.body.initialResult
    audit.operations.push({
      batchIndex: Array.isArray(audit.body) ? audit.body.indexOf(request.http?.body) : null,
      operationName: nameOrNull(operationName ?? request.operationName),
      operationHash: hashOrNull(queryHash) ?? hashOfBody(request as OperationBody),
      errorCodes: codesOf(result.errors),
      hasData: result.data !== undefined && result.data !== null,
      reads: audit.readsOf(metrics),
    })
  },
}

/** The audit's own metrics: answers withheld (the counter returned), and what the store has not confirmed yet. */
function auditMetrics(registry: Registry, spool: () => AuditSpool | null): Counter {
  const failures = new Counter({
    name: 'hd4res_gateway_audit_write_failures_total',
    help: 'Answers withheld (503 AUDIT_UNAVAILABLE) because their audit record could not be written to the spool',
    registers: [registry],
  })
  new Gauge({
    name: 'hd4res_gateway_audit_unshipped_bytes',
    help: "Bytes of audit records in this process's spool that the store has not confirmed yet",
    registers: [registry],
    collect() {
      this.set(spool()?.unshippedBytes ?? 0)
    },
  })
  return failures
}

/** Sends 503 AUDIT_UNAVAILABLE in place of an answer whose records could not be written; the log has the records. */
function withholder(failures: Counter, logger: Logger, cacheHeader: string) {
  return ({ request, reply, records, done }: WaitingAnswer, error: unknown) => {
    failures.inc()
    const refusal = auditUnavailable(request.id)
    request.graphqlOutcome = refusalOutcome(refusal.code)
    logger.error(
      { requestId: request.id, err: error, audit: records },
      'audit: the record could not be written to the spool; the answer is withheld',
    )
    // Not the cached answer's header: the answer that leaves is not that one.
    reply.code(refusal.status).type('application/json; charset=utf-8').removeHeader(cacheHeader)
    done(null, JSON.stringify(refusal.toBody()))
  }
}

interface WriterOptions {
  spool: () => AuditSpool | null
  withhold: (answer: WaitingAnswer, error: unknown) => void
  /** Hears whether each write succeeded. */
  wrote: (ok: boolean) => void
  /** Writes a record to the log too (HD4RES_AUDIT_LOG). */
  log?: (record: AuditRecord) => void
}

/**
 * The answers of one turn of the event loop wait for one write of all their
 * records to the spool, and leave once it has returned; if it fails, each of
 * them is withheld.
 */
function recordWriter({ spool, withhold, wrote, log }: WriterOptions): (answer: WaitingAnswer) => void {
  /** Answers whose records are not written yet, with those records' lines: written together, then sent. */
  let waiting: WaitingAnswer[] = []
  let lines = ''
  const writeWaiting = () => {
    const answers = waiting
    const text = lines
    waiting = []
    lines = ''
    try {
      const open = spool()
      if (!open) throw new Error('the audit spool is not open')
      open.append(text)
    } catch (error) {
      wrote(false)
      for (const answer of answers) withhold(answer, error)
      return
    }
    wrote(true)
    for (const { records, payload, done } of answers) {
      if (log) for (const record of records) log(record)
      done(null, payload)
    }
  }
  return (answer) => {
    waiting.push(answer)
    lines += answer.records.length === 1 ? auditLine(answer.records[0]!) : answer.records.map(auditLine).join('')
    if (waiting.length === 1) setImmediate(writeWaiting)
  }
}

export function createAuditTrail(
  options: AuditOptions & { participantsUrl: string; identitySecret: string; logger: Logger; registry: Registry },
): AuditTrail {
  const { logger } = options
  let spool: AuditSpool | null = null
  const failures = auditMetrics(options.registry, () => spool)
  /** When the last write failed, while none has succeeded since. */
  let failingSince: number | null = null

  return {
    plugin: { requestDidStart: async () => noteOperations },

    open() {
      spool ??= AuditSpool.open({
        dir: options.spoolDir,
        name: options.spoolName,
        intervalMs: options.shipIntervalMs,
        ship: shipToParticipants(options.participantsUrl, options.identitySecret),
        log: { warn: (message) => logger.warn(message), error: (message) => logger.error(message) },
      })
    },

    instrumentGraphQLRoute(scope, cacheHeader) {
      const write = recordWriter({
        spool: () => spool,
        withhold: withholder(failures, logger, cacheHeader),
        wrote: (ok) => (failingSince = ok ? null : performance.now()),
        log: options.logLines ? (record) => logger.info({ audit: record }, 'audit') : undefined,
      })
      // Before every preHandler, whichever stage added it: each may note what it learns (claims, cached reads).
      scope.addHook('preValidation', (request, _reply, done) => {
        request.audit = new RequestAudit(request.body)
        done()
      })
      const writeRecords: onSendHookHandler = (request, reply, payload, done) =>
        write({ request, reply, payload, records: recordsOf(request, reply, payload, cacheHeader), done })
      scope.addHook('onSend', writeRecords)
    },

    flush: async () => (spool ? spool.flush() : true),
    writing: () => spool !== null && (failingSince === null || performance.now() - failingSince >= AUDIT_RETRY_MS),
    close: async () => {
      await spool?.close()
      spool = null
    },
  }
}
