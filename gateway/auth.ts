/**
 * Researcher sign-in: the gateway verifies the bearer JWT (issuer, audience,
 * expiry, signature) with jose, against an OIDC provider's JWKS or, in
 * embedded mode, the development issuer's own key.
 */
import { isResearcherId, RESEARCHER_ID_MAX } from '../platform/identity.js'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { LRUCache } from 'lru-cache'
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose'
import { CODES, GatewayError } from './errors.js'

export interface TokenClaims {
  sub: string
  name: string
  roles: string[]
}

/** Why a token is refused: the request is answered 401 UNAUTHENTICATED with this message. */
export class AuthError extends GatewayError {
  constructor(message: string) {
    super(CODES.UNAUTHENTICATED, message)
    this.name = 'AuthError'
  }
}

const MISSING_AUTHORIZATION = 'Missing Authorization header: send "Authorization: Bearer <token>"'

/** A request that reached GraphQL without signing in, which the sign-in stage lets none do: Apollo answers it 401. */
export const notSignedIn = () => new AuthError(MISSING_AUTHORIZATION)

export interface Verifier {
  verify(authorization: string | undefined): Promise<TokenClaims>
}

export const DEV_ISSUER = 'urn:hd4res:development-issuer'
export const DEV_AUDIENCE = 'hd4res-graph'

export interface ClaimNames {
  /** Dotted path of the display name claim. */
  name: string
  /** Dotted path of the roles claim, e.g. realm_access.roles for Keycloak. */
  roles: string
}

export interface VerifierOptions {
  issuer: string
  audience: string
  keys: JWTVerifyGetKey
  /** Accepted signing algorithms: asymmetric only. */
  algorithms: string[]
  claims?: ClaimNames
}

const claimAt = (payload: Record<string, unknown>, dotted: string): unknown =>
  dotted
    .split('.')
    .reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined), payload)

/** The token's header, read without trusting it, to say which algorithm or key it names. */
function peekHeader(token: string): { alg?: string; kid?: string } | null {
  try {
    return decodeProtectedHeader(token) as { alg?: string; kid?: string }
  } catch {
    return null
  }
}

/**
 * The subject a bearer token names, read without verifying it: for the audit
 * record of a refused sign-in (an expired token, say), a lead and never proof
 * of who sent it. Null when there is no readable token.
 */
export function unverifiedSubject(authorization: string | undefined): string | null {
  const token = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization)?.[1] : undefined
  if (!token) return null
  try {
    const { sub } = decodeJwt(token)
    return typeof sub === 'string' && sub !== '' ? sub : null
  } catch {
    return null
  }
}

/**
 * Tokens already verified, by their exact text: a frontend sends the same
 * token with every request until it expires, and checking its signature
 * again would cost more than the rest of a cached answer. An entry is used
 * only while its token is within exp (and nbf); it lives a minute at most, so
 * a key the issuer withdraws stops being trusted within that minute.
 */
const VERIFIED_TTL_MS = 60_000
const VERIFIED_MAX = 10_000

interface Verified {
  claims: TokenClaims
  /** Seconds since the epoch. */
  exp: number
  nbf: number
}

export function createVerifier(options: VerifierOptions): Verifier {
  const claims = options.claims ?? { name: 'name', roles: 'roles' }
  const verified = new LRUCache<string, Verified>({ max: VERIFIED_MAX, ttl: VERIFIED_TTL_MS })
  return {
    async verify(authorization) {
      const known = authorization ? verified.get(authorization) : undefined
      if (known) {
        const now = Date.now() / 1000
        if (now < known.exp && now >= known.nbf) return known.claims
        // Out of its time window: the full check below says why.
        verified.delete(authorization!)
      }
      if (!authorization) throw new AuthError(MISSING_AUTHORIZATION)
      const match = /^Bearer\s+(\S+)$/i.exec(authorization)
      if (!match) throw new AuthError('The Authorization header must be "Bearer <token>"')
      const token = match[1]!
      const header = peekHeader(token)
      if (!header) throw new AuthError('The token is malformed: it is not a signed JWT (header.payload.signature)')
      if (!header.alg || !options.algorithms.includes(header.alg)) {
        throw new AuthError(
          `The token is signed with "${String(header.alg ?? 'none')}", which is not accepted; accepted: ${options.algorithms.join(', ')}`,
        )
      }
      try {
        const { payload } = await jwtVerify(token, options.keys, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: options.algorithms,
          requiredClaims: ['exp', 'sub'],
        })
        // Any subject OpenID Connect allows goes on to the subgraphs intact; anything else stops here.
        if (!isResearcherId(payload.sub)) {
          throw new AuthError(
            `The token's subject (sub) must be 1 to ${RESEARCHER_ID_MAX} printable ASCII characters, as OpenID Connect allows`,
          )
        }
        const rawRoles = claimAt(payload, claims.roles)
        const name = claimAt(payload, claims.name)
        const result = {
          sub: payload.sub!,
          name: typeof name === 'string' ? name : payload.sub!,
          roles: Array.isArray(rawRoles) ? rawRoles.map(String) : [],
        }
        verified.set(authorization, { claims: result, exp: payload.exp!, nbf: payload.nbf ?? 0 })
        return result
      } catch (error) {
        throw error instanceof AuthError ? error : new AuthError(describeJoseError(error))
      }
    },
  }
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired (exp)'
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    switch (error.claim) {
      case 'nbf':
        return 'The token is not valid yet (nbf)'
      case 'iss':
        return 'The token was issued by another issuer (iss)'
      case 'aud':
        return 'The token is meant for another audience (aud)'
      default:
        return `The token's "${error.claim}" claim is missing or not accepted`
    }
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "The token's signature does not verify"
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "The token's signing algorithm is not accepted"
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'The token was signed with a key the issuer does not publish (unknown kid)'
  if (error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid)
    return "The issuer's signing keys could not be loaded"
  return 'The token is malformed'
}

/**
 * Keys from the provider's JWKS, cached and fetched again when a token names an
 * unknown key, at most once per cooldown, so forged kids cannot flood it.
 */
export function oidcVerifier(
  oidc: { issuer: string; audience: string; jwksUrl: string },
  algorithms: string[],
  claims?: ClaimNames,
): Verifier {
  return createVerifier({
    issuer: oidc.issuer,
    audience: oidc.audience,
    keys: createRemoteJWKSet(new URL(oidc.jwksUrl), { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000, timeoutDuration: 5_000 }),
    algorithms,
    claims,
  })
}

/** The development issuer: a key pair made on first start and kept in the data folder. */
export interface DevIssuer {
  verifier: Verifier
  sign(claims: { sub: string; name?: string; roles?: string[] }, lifetime?: string): Promise<string>
}

interface StoredKey {
  privateJwk: JWK
  publicJwk: JWK
}

export async function loadDevIssuer(dataDir: string | null): Promise<DevIssuer> {
  const file = dataDir ? path.join(dataDir, 'dev-issuer.json') : null
  let stored: StoredKey | undefined
  if (file)
    stored = await readFile(file, 'utf8')
      .then((t) => JSON.parse(t) as StoredKey)
      .catch(() => undefined)
  if (!stored) {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
    stored = {
      privateJwk: { ...(await exportJWK(privateKey)), kid: 'dev-1', alg: 'ES256' },
      publicJwk: { ...(await exportJWK(publicKey)), kid: 'dev-1', alg: 'ES256', use: 'sig' },
    }
    if (file) {
      await mkdir(path.dirname(file), { recursive: true })
      await writeFile(file, JSON.stringify(stored, null, 2), { mode: 0o600 })
    }
  }
  const privateKey = await importJWK(stored.privateJwk, 'ES256')
  return {
    verifier: createVerifier({
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      keys: createLocalJWKSet({ keys: [stored.publicJwk] }),
      algorithms: ['ES256'],
    }),
    sign: (claims, lifetime = '12h') =>
      new SignJWT({ name: claims.name ?? claims.sub, roles: claims.roles ?? ['researcher'] })
        .setProtectedHeader({ alg: 'ES256', kid: 'dev-1' })
        .setSubject(claims.sub)
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(lifetime)
        .sign(privateKey),
  }
}
