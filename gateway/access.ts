/**
 * Which projects a researcher may see, asked of the participants subgraph (the
 * registry owns memberships) and kept briefly, so a dashboard's burst of
 * requests asks once. While the memberships it was made from are kept, a
 * signed-in token gets the same identity object, frozen, on each request:
 * what is worked out from it (the response cache's key) can be remembered
 * with it.
 *
 * Memberships are fresh for a short time (HD4RES_MEMBERSHIPS_TTL_MS), then
 * asked again. When participants cannot answer (unreachable, late, or
 * answering 5xx), the last answer it gave for the researcher is used instead,
 * as long as it was given within HD4RES_MEMBERSHIPS_STALE_MS: a short outage
 * of the registry does not take the whole graph down. That answer is the very
 * state participants last confirmed, never widened, and it gives the very
 * identity object it gave then, so the response cache still finds its answers.
 * Past that window, or for a researcher never seen, the request is refused
 * with 503 SERVICE_UNAVAILABLE and Retry-After.
 */
import { LRUCache } from 'lru-cache'
import { GATEWAY_ROLE, gatewayIdentityHeader, IDENTITY_HEADER, type Identity } from '../platform/identity.js'
import { requestIdHeaders } from '../platform/log.js'
import { accessPath } from '../platform/routes.js'
import type { TokenClaims } from './auth.js'
import { membershipsUnavailable } from './errors.js'

/** How long memberships are used without asking again, and how old the last known ones may be while participants cannot answer. */
export interface MembershipWindows {
  freshMs: number
  staleMs: number
  /** Told each time the last known memberships answer in place of participants: how old they are, and why participants did not answer. */
  onStale?: (ageMs: number, reason: Error) => void
}

export const DEFAULT_MEMBERSHIP_WINDOWS: MembershipWindows = { freshMs: 30_000, staleMs: 300_000 }

/** What a refusal tells the client to wait before asking again: about the time a restarted subgraph takes to answer. */
export const MEMBERSHIPS_RETRY_AFTER_SECONDS = 15

/**
 * After participants failed to answer, how long it is not asked again: a
 * participants that hangs would otherwise hold every request for the whole
 * 5 s deadline before the last known memberships answered it.
 */
export const ASK_AGAIN_AFTER_MS = 1_000

interface AccessAnswer {
  id: string
  displayName: string | null
  projects: string[]
}

interface KnownAnswer {
  answer: AccessAnswer
  /** When participants gave it. */
  at: number
}

export interface AccessResolver {
  /** The researcher's identity; refused (GatewayError SERVICE_UNAVAILABLE) when memberships are neither fresh nor answerable nor recently known. */
  identityFor(claims: TokenClaims, windows?: MembershipWindows): Promise<Identity>
  /** Forgets cached memberships (after a registry change), the last known ones included. */
  clear(): void
}

/** Participants could not give an answer: unreachable, late, or failing itself. A refusal of its own (4xx) is not this. */
class ParticipantsUnavailable extends Error {
  constructor(reason: string, options?: ErrorOptions) {
    super(`the participants service did not give memberships: ${reason}`, options)
    this.name = 'ParticipantsUnavailable'
  }
}

/** One question to participants; ParticipantsUnavailable when it gives no answer. */
async function fetchAccess(base: URL, secret: string, researcherId: string): Promise<AccessAnswer> {
  const url = new URL(accessPath(researcherId), base)
  const header = gatewayIdentityHeader(secret)
  let response: Response
  try {
    // With the id of the request that asked first: participants' lines about the question name it.
    response = await fetch(url, { headers: { [IDENTITY_HEADER]: header, ...requestIdHeaders() }, signal: AbortSignal.timeout(5_000) })
  } catch (error) {
    throw new ParticipantsUnavailable('no answer', { cause: error })
  }
  // 5xx (its store down, a proxy's 502/503/504) and 429 say "not now"; any other refusal is a fault to see, not to hide.
  if (response.status >= 500 || response.status === 429) {
    await response.body?.cancel().catch(() => undefined)
    throw new ParticipantsUnavailable(`it answered ${response.status}`)
  }
  if (!response.ok) throw new Error(`participants answered ${response.status} for memberships`)
  try {
    return (await response.json()) as AccessAnswer
  } catch (error) {
    throw new ParticipantsUnavailable('its answer was cut off or not JSON', { cause: error })
  }
}

/** The identity a token gets from memberships, frozen; the gateway's own role is never a researcher's. */
function identityFrom(claims: TokenClaims, answer: AccessAnswer): Identity {
  return Object.freeze({
    sub: claims.sub,
    name: answer.displayName ?? claims.name,
    roles: Object.freeze(claims.roles.filter((r) => r !== GATEWAY_ROLE)) as string[],
    projects: Object.freeze([...answer.projects]) as string[],
  })
}

export function createAccessResolver(options: { participantsUrl: string; secret: string }): AccessResolver {
  const base = new URL(options.participantsUrl)
  // Every answer participants gave, with its time: fresh ones answer directly, older ones only while participants cannot.
  const known = new LRUCache<string, KnownAnswer>({ max: 10_000 })
  const inFlight = new Map<string, Promise<AccessAnswer>>()
  // Bumped by clear(): an answer asked for before it is used by those who waited for it, but not kept.
  let generation = 0
  // Participants' last failure to answer, while it is recent enough to be taken for its answer.
  let lastFailure: { at: number; error: ParticipantsUnavailable } | undefined
  // Keyed by the verifier's claims object, which is one per token while the token is remembered.
  const made = new WeakMap<TokenClaims, { answer: AccessAnswer; identity: Identity }>()

  /** Asks participants, one question per researcher at a time; a fresh answer is kept unless memberships were forgotten meanwhile. */
  function ask(researcherId: string): Promise<AccessAnswer> {
    let pending = inFlight.get(researcherId)
    if (!pending) {
      const asked = generation
      const fetching: Promise<AccessAnswer> = fetchAccess(base, options.secret, researcherId)
        .then((fetched) => {
          lastFailure = undefined
          if (asked === generation) known.set(researcherId, { answer: fetched, at: Date.now() })
          return fetched
        })
        .finally(() => {
          if (inFlight.get(researcherId) === fetching) inFlight.delete(researcherId)
        })
      pending = fetching
      inFlight.set(researcherId, pending)
    }
    return pending
  }

  async function answerFor(researcherId: string, windows: MembershipWindows): Promise<AccessAnswer> {
    const last = known.get(researcherId)
    if (last && Date.now() - last.at < windows.freshMs) return last.answer
    const recentFailure = lastFailure && Date.now() - lastFailure.at < ASK_AGAIN_AFTER_MS ? lastFailure.error : undefined
    try {
      if (recentFailure) throw recentFailure
      return await ask(researcherId)
    } catch (error) {
      if (!(error instanceof ParticipantsUnavailable)) throw error
      if (error !== recentFailure) lastFailure = { at: Date.now(), error }
      // Read again: clear() may have run while the question was out.
      const lastKnown = known.get(researcherId)
      if (lastKnown && Date.now() - lastKnown.at < windows.staleMs) {
        windows.onStale?.(Date.now() - lastKnown.at, error)
        return lastKnown.answer
      }
      throw membershipsUnavailable(MEMBERSHIPS_RETRY_AFTER_SECONDS, error)
    }
  }

  return {
    async identityFor(claims, windows = DEFAULT_MEMBERSHIP_WINDOWS) {
      const answer = await answerFor(claims.sub, windows)
      const mine = made.get(claims)
      if (mine?.answer === answer) return mine.identity
      const identity = identityFrom(claims, answer)
      made.set(claims, { answer, identity })
      return identity
    },
    // A new registry version (assemble.ts) may come with new memberships: what was known before it is not used, not even while participants is down.
    clear: () => {
      generation++
      lastFailure = undefined
      inFlight.clear()
      known.clear()
    },
  }
}
