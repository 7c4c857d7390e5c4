/**
 * Researcher sign-in: the gateway verifies the bearer JWT (issuer, audience,
 * expiry, signature) with jose, against an OIDC provider's JWKS or, in
 * embedded mode, the development issuer's own key.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors as joseErrors,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type JWK,
  type JWTVerifyGetKey,
} from 'jose'

export interface TokenClaims {
  sub: string
  name: string
  roles: string[]
}

export class AuthError extends Error {
  override name = 'AuthError'
}

export interface Verifier {
  verify(authorization: string | undefined): Promise<TokenClaims>
}

export const DEV_ISSUER = 'urn:hd4res:development-issuer'
export const DEV_AUDIENCE = 'hd4res-graph'
const ALGORITHMS = ['ES256', 'RS256', 'PS256', 'EdDSA']

export function createVerifier(options: { issuer: string; audience: string; keys: JWTVerifyGetKey }): Verifier {
  return {
    async verify(authorization) {
      if (!authorization) throw new AuthError('Missing Authorization header: send "Authorization: Bearer <token>"')
      const match = /^Bearer\s+(\S+)$/i.exec(authorization)
      if (!match) throw new AuthError('The Authorization header must be "Bearer <token>"')
      try {
        const { payload } = await jwtVerify(match[1]!, options.keys, {
          issuer: options.issuer,
          audience: options.audience,
          algorithms: ALGORITHMS,
        })
        if (!payload.sub) throw new AuthError('The token has no subject ("sub" claim)')
        const roles = Array.isArray(payload.roles) ? payload.roles.map(String) : []
        return { sub: payload.sub, name: typeof payload.name === 'string' ? payload.name : payload.sub, roles }
      } catch (error) {
        if (error instanceof AuthError) throw error
        throw new AuthError(describeJoseError(error))
      }
    },
  }
}

function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'The token has expired'
  if (error instanceof joseErrors.JWTClaimValidationFailed) return `The token's "${error.claim}" claim is not accepted (${error.reason})`
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return "The token's signature does not verify"
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return "The token's signing algorithm is not accepted"
  if (error instanceof joseErrors.JWKSNoMatchingKey) return 'The token was signed with an unknown key'
  if (error instanceof joseErrors.JWSInvalid || error instanceof joseErrors.JWTInvalid) return 'The token is malformed'
  return 'The token could not be verified'
}

export function oidcVerifier(oidc: { issuer: string; audience: string; jwksUrl: string }): Verifier {
  return createVerifier({ issuer: oidc.issuer, audience: oidc.audience, keys: createRemoteJWKSet(new URL(oidc.jwksUrl)) })
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
  if (file) stored = await readFile(file, 'utf8').then((t) => JSON.parse(t) as StoredKey).catch(() => undefined)
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
