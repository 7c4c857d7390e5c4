/**
 * The limits a request meets before anything of it is verified or run: a
 * batch's size, then the persisted operations (persisted.ts: an operation
 * sent by documentId or by hash alone gets its document back, or is answered
 * PERSISTED_QUERY_NOT_FOUND), each document's tokens (counted here rather
 * than by Armor, whose parser hook turns refusals into 500s) and, in safelist
 * mode, the manifest. The document is put back first, so that neither the
 * token limit nor the safelist, nor any stage after them, can be passed by
 * sending a hash in place of a text (a batch's unknown hash is left for
 * Apollo to answer in its place, as it answers nothing else of it). The body's size is fastify's bodyLimit
 * (errors.ts says so); depth, aliases and directives are Armor's, as GraphQL
 * validates the document (protection.ts); an operation's cost, a batch's
 * together and the answer's size are cost.ts's, once Apollo has resolved
 * each operation with its variables.
 */
import type { FastifyRequest } from 'fastify'
import type { GatewayLimits } from '../../platform/settings.js'
import { batchTooLarge, notSafelisted, overTokenLimit, type GatewayError } from '../errors.js'
import { hashAlone, resolvePersisted, type PersistedOperations } from '../persisted.js'
import { tooManyTokens } from '../protection.js'
import { registeredQueriesOf, type RegisteredQueries } from '../queryText.js'
import type { OperationRequest } from '../responseCache.js'
import { refuse, type Stage } from './stage.js'

/** A GET's operation as GraphQL will read it, its extensions parsed; undefined when they do not parse (GraphQL says so). */
function getOperation(request: FastifyRequest): Record<string, unknown> | undefined {
  const params = request.query as Record<string, unknown> | undefined
  if (!params || typeof params.extensions !== 'string') return params
  try {
    return { ...params, extensions: JSON.parse(params.extensions) as unknown }
  } catch {
    return undefined
  }
}

/**
 * A GET whose document was put back: Apollo reads a GET from its address, so
 * the address carries the text (and the extensions as they now are), and the
 * parsed parameters the later stages read do too.
 */
function rewriteGet(request: FastifyRequest, operation: Record<string, unknown>): void {
  const url = new URL(request.raw.url ?? '/', 'http://gateway')
  url.searchParams.set('query', operation.query as string)
  if (operation.extensions !== undefined) url.searchParams.set('extensions', JSON.stringify(operation.extensions))
  request.raw.url = `${url.pathname}${url.search}`
  Object.assign(request.query as object, { query: operation.query, extensions: url.searchParams.get('extensions') ?? undefined })
}

/** The operations of a request, each with its document where it names one, or the refusal of the first that names none known. */
function resolved(
  request: FastifyRequest,
  persisted: PersistedOperations | undefined,
  registered: RegisteredQueries,
): OperationRequest[] | GatewayError {
  if (request.body === undefined) {
    const operation = getOperation(request)
    const sent = operation?.query
    const refusal = resolvePersisted(operation, persisted, { text: registered.text, unknownHash: 'refuse' })
    if (refusal) return refusal
    if (operation && sent === undefined && typeof operation.query === 'string') rewriteGet(request, operation)
    return [operation ?? (request.query as OperationRequest)]
  }
  const batch = Array.isArray(request.body)
  const operations = (batch ? request.body : [request.body]) as OperationRequest[]
  for (const operation of operations) {
    const refusal = resolvePersisted(operation, persisted, { text: registered.text, unknownHash: batch ? 'leave' : 'refuse' })
    if (refusal) return refusal
  }
  return operations
}

function refusalOf(
  request: FastifyRequest,
  limits: GatewayLimits,
  persisted: PersistedOperations | undefined,
  registered: RegisteredQueries,
): GatewayError | null {
  if (Array.isArray(request.body) && request.body.length > limits.maxBatch) return batchTooLarge(limits.maxBatch, request.body.length)
  const operations = resolved(request, persisted, registered)
  if (!Array.isArray(operations)) return operations
  if (operations.some((op) => tooManyTokens(op?.query, limits.maxTokens))) return overTokenLimit(limits.maxTokens)
  // A batch's unknown hash is left without a text: Apollo asks for the text in its place, and runs nothing.
  if (persisted?.mode === 'safelist' && operations.some((op) => !persisted.lists(op?.query) && !hashAlone(op))) return notSafelisted()
  return null
}

export const limits: Stage = {
  name: 'limits',
  register(app, context) {
    const registered = registeredQueriesOf(context.options)
    app.addHook('preHandler', (request, reply, done) => {
      const refusal = refusalOf(request, context.limits, context.options.persistedOperations, registered)
      if (refusal) refuse(reply, refusal)
      else done()
    })
  },
}
