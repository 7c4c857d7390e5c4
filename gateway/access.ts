/**
 * Which projects a researcher may see, asked of the participants subgraph (the
 * registry owns memberships) and kept briefly, so a dashboard's burst of
 * requests asks once. While the memberships it was made from are kept, a
 * signed-in token gets the same identity object, frozen, on each request:
 * what is worked out from it (the response cache's key) can be remembered
 * with it.
 */
import { LRUCache } from 'lru-cache'
import { GATEWAY_ROLE, gatewayIdentityHeader, IDENTITY_HEADER, type Identity } from '../platform/identity.js'
import { accessPath } from '../platform/routes.js'
import type { TokenClaims } from './auth.js'

const ACCESS_TTL_MS = 30_000

interface AccessAnswer {
  id: string
  displayName: string | null
  projects: string[]
}

export interface AccessResolver {
  identityFor(claims: TokenClaims): Promise<Identity>
  /** Forgets cached memberships (after a registry change). */
  clear(): void
}

export function createAccessResolver(options: { participantsUrl: string; secret: string }): AccessResolver {
  const base = new URL(options.participantsUrl)
  const cache = new LRUCache<string, AccessAnswer>({ max: 10_000, ttl: ACCESS_TTL_MS })
  const inFlight = new Map<string, Promise<AccessAnswer>>()
  // Bumped by clear(): an answer asked for before it is used by those who waited for it, but not kept.
  let generation = 0
  // Keyed by the verifier's claims object, which is one per token while the token is remembered.
  const made = new WeakMap<TokenClaims, { answer: AccessAnswer; identity: Identity }>()

  async function fetchAccess(researcherId: string): Promise<AccessAnswer> {
    const url = new URL(accessPath(researcherId), base)
    const header = gatewayIdentityHeader(options.secret)
    const response = await fetch(url, { headers: { [IDENTITY_HEADER]: header }, signal: AbortSignal.timeout(5_000) })
    if (!response.ok) throw new Error(`participants answered ${response.status} for memberships`)
    return (await response.json()) as AccessAnswer
  }

  return {
    async identityFor(claims) {
      let answer = cache.get(claims.sub)
      if (!answer) {
        let pending = inFlight.get(claims.sub)
        if (!pending) {
          const asked = generation
          const fetching: Promise<AccessAnswer> = fetchAccess(claims.sub)
            .then((fetched) => {
              if (asked === generation) cache.set(claims.sub, fetched)
              return fetched
            })
            .finally(() => {
              if (inFlight.get(claims.sub) === fetching) inFlight.delete(claims.sub)
            })
          pending = fetching
          inFlight.set(claims.sub, pending)
        }
        answer = await pending
      }
      const known = made.get(claims)
      if (known?.answer === answer) return known.identity
      const identity: Identity = Object.freeze({
        sub: claims.sub,
        name: answer.displayName ?? claims.name,
        roles: Object.freeze(claims.roles.filter((r) => r !== GATEWAY_ROLE)) as string[],
        projects: Object.freeze([...answer.projects]) as string[],
      })
      made.set(claims, { answer, identity })
      return identity
    },
    clear: () => {
      generation++
      inFlight.clear()
      cache.clear()
    },
  }
}
