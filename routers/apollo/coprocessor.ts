/**
 * The coprocessor Apollo Router calls to stand where our gateway stands
 * (docs/routers.md has its router.yaml). The router posts one JSON document
 * per stage of a request and goes on with what the answer says:
 *
 * - RouterRequest: the researcher is signed in from the Authorization header,
 *   as our gateway signs them in, and their identity kept in the router's
 *   context for the request; a refusal ends the request with our gateway's
 *   status, code and message.
 * - SubgraphRequest: each subgraph call gets the signed identity header and
 *   the request id. A router that calls only this stage, passing the
 *   Authorization header on to the subgraphs, is signed in here instead.
 * - RouterResponse: the answer carries the request id and is kept private.
 *
 * Apollo Router's Rhai scripts cannot do this: they have no HMAC-SHA256 and
 * make no HTTP calls (the memberships are asked of the registry).
 */
import Fastify, { type FastifyInstance } from 'fastify'
import type { Identity } from '../../platform/identity.js'
import { IDENTITY_HEADER, REQUEST_ID_HEADER, refusalOf, requestIdFrom, type Refusal, type ResearcherSignIn } from '../researcher.js'

/** Header names, lower case, to their values, as the router sends them. */
export type CoprocessorHeaders = Record<string, string[]>

/** The part of the router's document this coprocessor reads or writes; everything else goes back as it came. */
export interface CoprocessorPayload {
  version: number
  stage: string
  control: 'continue' | { break: number }
  id: string
  headers?: CoprocessorHeaders
  body?: unknown
  context?: { entries?: Record<string, unknown> }
  [property: string]: unknown
}

/** Where the identity and the request id wait in the router's context between stages. */
export const IDENTITY_ENTRY = 'hd4res::identity'
export const REQUEST_ID_ENTRY = 'hd4res::request_id'

/** The protocol version this coprocessor speaks; the router sends no other today. */
const PROTOCOL_VERSION = 1

const first = (headers: CoprocessorHeaders | undefined, name: string): string | undefined => {
  const entry = Object.entries(headers ?? {}).find(([key]) => key.toLowerCase() === name)
  return entry?.[1]?.[0]
}

const withHeaders = (headers: CoprocessorHeaders | undefined, added: Record<string, string>): CoprocessorHeaders => {
  const lowered = new Set(Object.keys(added))
  const kept = Object.entries(headers ?? {}).filter(([key]) => !lowered.has(key.toLowerCase()))
  return { ...Object.fromEntries(kept), ...Object.fromEntries(Object.entries(added).map(([key, value]) => [key, [value]])) }
}

/** The request ends here, answered as our gateway answers a refusal; at the router stages a body is a JSON string. */
function breakWith(payload: CoprocessorPayload, refusal: Refusal, requestId: string, bodyAsText: boolean): CoprocessorPayload {
  return {
    ...payload,
    control: { break: refusal.status },
    body: bodyAsText ? JSON.stringify(refusal.body) : refusal.body,
    headers: {
      ...Object.fromEntries(Object.entries(refusal.headers).map(([key, value]) => [key, [value]])),
      [REQUEST_ID_HEADER]: [requestId],
    },
  }
}

const entriesOf = (payload: CoprocessorPayload): Record<string, unknown> => payload.context?.entries ?? {}

/** Signs in at the first stage: the identity goes into the context, or the request ends refused. */
async function routerRequest(payload: CoprocessorPayload, signIn: ResearcherSignIn): Promise<CoprocessorPayload> {
  const requestId = requestIdFrom(first(payload.headers, REQUEST_ID_HEADER))
  try {
    const identity = await signIn.identify(first(payload.headers, 'authorization'))
    const entries = { ...entriesOf(payload), [IDENTITY_ENTRY]: identity, [REQUEST_ID_ENTRY]: requestId }
    return { ...payload, context: { ...payload.context, entries } }
  } catch (error) {
    return breakWith(payload, refusalOf(error), requestId, true)
  }
}

/** The identity signed afresh for one subgraph call, from the context, or from the Authorization header passed on. */
async function subgraphRequest(payload: CoprocessorPayload, signIn: ResearcherSignIn): Promise<CoprocessorPayload> {
  const entries = entriesOf(payload)
  const requestId =
    typeof entries[REQUEST_ID_ENTRY] === 'string' ? entries[REQUEST_ID_ENTRY] : requestIdFrom(first(payload.headers, REQUEST_ID_HEADER))
  let identity = entries[IDENTITY_ENTRY] as Identity | undefined
  try {
    identity ??= await signIn.identify(first(payload.headers, 'authorization'))
  } catch (error) {
    return breakWith(payload, refusalOf(error), requestId, false)
  }
  return { ...payload, headers: withHeaders(payload.headers, { [IDENTITY_HEADER]: signIn.sign(identity), [REQUEST_ID_HEADER]: requestId }) }
}

function routerResponse(payload: CoprocessorPayload): CoprocessorPayload {
  const requestId = entriesOf(payload)[REQUEST_ID_ENTRY]
  const added: Record<string, string> = typeof requestId === 'string' ? { [REQUEST_ID_HEADER]: requestId } : {}
  if (!first(payload.headers, 'cache-control')) added['cache-control'] = 'private, no-store'
  return { ...payload, headers: withHeaders(payload.headers, added) }
}

/** What is wrong with a document that is not the router's, or null when it is one. */
export function payloadProblem(payload: unknown): string | null {
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return "the body must be the router's JSON document (an object)"
  const { version, stage, id } = payload as Record<string, unknown>
  if (version !== PROTOCOL_VERSION) return `"version" must be ${PROTOCOL_VERSION}, the coprocessor protocol this coprocessor speaks`
  if (typeof stage !== 'string' || stage === '')
    return '"stage" must name the router stage (RouterRequest, SubgraphRequest, RouterResponse)'
  if (typeof id !== 'string') return '"id" must be the router\'s request id (a string)'
  return null
}

/** One router document answered; stages other than the three above go back unchanged. */
export async function answerStage(payload: CoprocessorPayload, signIn: ResearcherSignIn): Promise<CoprocessorPayload> {
  switch (payload.stage) {
    case 'RouterRequest':
      return routerRequest(payload, signIn)
    case 'SubgraphRequest':
      return subgraphRequest(payload, signIn)
    case 'RouterResponse':
      return routerResponse(payload)
    default:
      return payload
  }
}

/** The coprocessor's HTTP server: POST / with the router's document; GET /healthz for probes. */
export function createCoprocessor(signIn: ResearcherSignIn): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: 4 * 1024 * 1024 })
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.post('/', async (request, reply) => {
    const problem = payloadProblem(request.body)
    if (problem) return reply.code(400).send({ error: `Not a coprocessor request: ${problem}` })
    return answerStage(request.body as CoprocessorPayload, signIn)
  })
  return app
}
