/**
 * The identity the gateway hands each subgraph: who the researcher is, their
 * roles and the projects they are a member of, signed with a secret that only
 * the gateway and the subgraphs share. A subgraph trusts nothing else.
 *
 * Header value: base64url(JSON payload) "." base64url(HMAC-SHA256(payload)).
 */
import { createHmac, timingSafeEqual } from 'node:crypto'

export const IDENTITY_HEADER = 'x-hd4res-identity'

/** The role the gateway signs its own internal calls with (memberships, data version). */
export const GATEWAY_ROLE = 'gateway'

export interface Identity {
  /** The researcher's id (the token's subject). */
  sub: string
  name: string
  roles: string[]
  /** Ids of the research projects the researcher is a member of. */
  projects: string[]
}

interface SignedPayload extends Identity {
  /** Issued at, milliseconds since the epoch. */
  iat: number
}

/** How long a signed header stays valid; it is made afresh for every request. */
export const IDENTITY_LIFETIME_MS = 60_000

/**
 * A researcher's id is the token's `sub`, which OpenID Connect allows to be
 * up to 255 ASCII characters; of those, the printable ones. Anything else is
 * refused at sign-in, and by the participants subgraph if it ever arrived.
 */
export const RESEARCHER_ID_MAX = 255
const RESEARCHER_ID = /^[\x20-\x7e]+$/
export function isResearcherId(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= RESEARCHER_ID_MAX && RESEARCHER_ID.test(value)
}

/**
 * The secret setting may list several secrets, comma-separated, for rotation:
 * the first signs, any of them verifies.
 */
export function secretsOf(setting: string): string[] {
  return setting
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}

export function signIdentity(identity: Identity, secret: string, now = Date.now()): string {
  const payload: SignedPayload = { ...identity, iat: now }
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url')
  const mac = createHmac('sha256', secretsOf(secret)[0] ?? secret)
    .update(body)
    .digest('base64url')
  return `${body}.${mac}`
}

export class IdentityError extends Error {
  override name = 'IdentityError'
}

export function verifyIdentity(header: string | undefined, secret: string, now = Date.now()): Identity {
  if (!header) throw new IdentityError(`missing ${IDENTITY_HEADER} header: requests must come through the gateway`)
  const dot = header.indexOf('.')
  if (dot < 1) throw new IdentityError(`malformed ${IDENTITY_HEADER} header`)
  const body = header.slice(0, dot)
  const given = Buffer.from(header.slice(dot + 1), 'base64url')
  const matches = secretsOf(secret).some((s) => {
    const expected = createHmac('sha256', s).update(body).digest()
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
  if (!matches) throw new IdentityError(`${IDENTITY_HEADER} header has a bad signature`)
  let payload: SignedPayload
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SignedPayload
  } catch {
    throw new IdentityError(`malformed ${IDENTITY_HEADER} header`)
  }
  if (typeof payload.iat !== 'number' || Math.abs(now - payload.iat) > IDENTITY_LIFETIME_MS) {
    throw new IdentityError(`${IDENTITY_HEADER} header has expired`)
  }
  if (typeof payload.sub !== 'string' || !Array.isArray(payload.projects) || !Array.isArray(payload.roles)) {
    throw new IdentityError(`malformed ${IDENTITY_HEADER} header`)
  }
  return { sub: payload.sub, name: String(payload.name ?? ''), roles: payload.roles, projects: payload.projects }
}

/** The header the gateway signs its own internal calls with: no researcher, no projects. */
export function gatewayIdentityHeader(secret: string): string {
  return signIdentity({ sub: 'gateway', name: 'gateway', roles: [GATEWAY_ROLE], projects: [] }, secret)
}
