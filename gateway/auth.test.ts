/**
 * The verifier keeps tokens it has verified, by their text, but never past
 * their expiry: a token that was good a moment ago is refused once expired.
 */
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTVerifyGetKey } from 'jose'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { AuthError, createVerifier } from './auth.js'

async function setUp() {
  const { privateKey, publicKey } = await generateKeyPair('ES256')
  const local = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] })
  let keyLookups = 0
  const keys: JWTVerifyGetKey = (header, token) => {
    keyLookups++
    return local(header, token)
  }
  const verifier = createVerifier({ issuer: 'iss', audience: 'aud', keys, algorithms: ['ES256'] })
  const sign = (lifetimeSeconds: number) =>
    new SignJWT({ name: 'An', roles: ['researcher'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setSubject('researcher-0001')
      .setIssuer('iss')
      .setAudience('aud')
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds)
      .sign(privateKey)
  return { verifier, sign, lookups: () => keyLookups }
}

describe('the token verifier', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('checks a token once, then answers the same token from memory', async () => {
    const { verifier, sign, lookups } = await setUp()
    const header = `Bearer ${await sign(300)}`
    const first = await verifier.verify(header)
    const second = await verifier.verify(header)
    expect(second).toEqual(first)
    expect(first).toEqual({ sub: 'researcher-0001', name: 'An', roles: ['researcher'] })
    expect(lookups()).toBe(1)
  })

  it('refuses a remembered token once it has expired', async () => {
    const { verifier, sign } = await setUp()
    const header = `Bearer ${await sign(30)}`
    await verifier.verify(header)
    vi.useFakeTimers({ now: Date.now() + 31_000 })
    await expect(verifier.verify(header)).rejects.toThrow(AuthError)
    await expect(verifier.verify(header)).rejects.toThrow(/expired \(exp\)/)
  })

  it('remembers nothing of a token that fails', async () => {
    const { verifier, sign, lookups } = await setUp()
    const token = await sign(300)
    const forged = `Bearer ${token.slice(0, -4)}AAAA`
    await expect(verifier.verify(forged)).rejects.toThrow(/signature/)
    await expect(verifier.verify(forged)).rejects.toThrow(/signature/)
    expect(lookups()).toBe(2)
  })
})
