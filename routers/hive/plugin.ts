/**
 * Hive Gateway serving our supergraph in place of our gateway: this plugin
 * signs the researcher in, as our gateway does, before the request is parsed,
 * and gives every subgraph request the signed identity header and the request
 * id. Without it every subgraph refuses every request (401), so nothing is
 * answered around the sign-in.
 *
 * A refusal is the very answer our gateway gives (status, code, message,
 * Retry-After). A request that is signed in sees, in the context,
 * `researcher`: the identity the subgraphs get, for Hive's own plugins (its
 * rate limiter's `identifyFn`, say).
 */
import type { GatewayPlugin } from '@graphql-hive/gateway'
import type { Identity } from '../../platform/identity.js'
import { IDENTITY_HEADER, REQUEST_ID_HEADER, refusalOf, requestIdFrom, type Refusal, type ResearcherSignIn } from '../researcher.js'

export interface Hd4resIdentityContext {
  researcher: Identity
}

interface SignedIn {
  researcher: Identity
  requestId: string
  /** Signed on the first subgraph call, and kept for the request's other calls. */
  header?: string
}

/** An answer is the researcher's own: no shared cache keeps it, as with our gateway. */
const PRIVATE = 'private, no-store'

function refusalResponse(refusal: Refusal, requestId: string, fetchAPI: { Response: typeof Response }): Response {
  return new fetchAPI.Response(JSON.stringify(refusal.body), {
    status: refusal.status,
    headers: {
      ...refusal.headers,
      'content-type': 'application/json; charset=utf-8',
      'cache-control': PRIVATE,
      [REQUEST_ID_HEADER]: requestId,
    },
  })
}

export function useHd4resIdentity(signIn: ResearcherSignIn): GatewayPlugin<Hd4resIdentityContext> {
  const byRequest = new WeakMap<Request, SignedIn>()
  const requestIds = new WeakMap<Request, string>()
  return {
    onRequest({ request }) {
      requestIds.set(request, requestIdFrom(request.headers.get(REQUEST_ID_HEADER)))
    },
    // After the landing page, GraphiQL and the health checks, which need no sign-in; before the body is read.
    async onRequestParse({ request, endResponse, fetchAPI }) {
      const requestId = requestIds.get(request) ?? requestIdFrom(null)
      try {
        const researcher = await signIn.identify(request.headers.get('authorization') ?? undefined)
        byRequest.set(request, { researcher, requestId })
      } catch (error) {
        endResponse(refusalResponse(refusalOf(error), requestId, fetchAPI))
      }
    },
    onContextBuilding({ context, extendContext }) {
      const signedIn = byRequest.get(context.request)
      if (signedIn) extendContext({ researcher: signedIn.researcher })
    },
    onFetch({ context, options, setOptions }) {
      // Only calls made for a signed-in request; the gateway's own (a supergraph poll) carry no researcher.
      const signedIn = 'request' in context ? byRequest.get(context.request) : undefined
      if (!signedIn) return
      signedIn.header ??= signIn.sign(signedIn.researcher)
      setOptions({
        ...options,
        headers: { ...options.headers, [IDENTITY_HEADER]: signedIn.header, [REQUEST_ID_HEADER]: signedIn.requestId },
      })
    },
    onResponse({ request, response }) {
      const requestId = requestIds.get(request)
      if (requestId) response.headers.set(REQUEST_ID_HEADER, requestId)
      if (!response.headers.has('cache-control')) response.headers.set('cache-control', PRIVATE)
    },
  }
}
