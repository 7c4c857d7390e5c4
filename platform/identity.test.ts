import { describe, expect, it } from 'vitest'
import { IdentityError, IDENTITY_LIFETIME_MS, signIdentity, verifyIdentity } from './identity.js'

const identity = { sub: 'researcher-1', name: 'An', roles: ['researcher'], projects: ['prj-1'] }

describe('the signed identity header', () => {
  it('round-trips an identity signed with the shared secret', () => {
    expect(verifyIdentity(signIdentity(identity, 's3cret'), 's3cret')).toEqual(identity)
  })

  it('accepts any of several secrets during a rotation, and signs with the first', () => {
    const byNew = signIdentity(identity, 'new-secret,old-secret')
    expect(verifyIdentity(byNew, 'new-secret')).toEqual(identity)
    expect(verifyIdentity(signIdentity(identity, 'old-secret'), 'new-secret, old-secret')).toEqual(identity)
    expect(() => verifyIdentity(signIdentity(identity, 'old-secret'), 'new-secret')).toThrow(/bad signature/)
  })

  it('refuses a missing header, another secret, a tampered payload and an old header', () => {
    expect(() => verifyIdentity(undefined, 's3cret')).toThrow(/missing x-hd4res-identity header/)
    expect(() => verifyIdentity(signIdentity(identity, 'other'), 's3cret')).toThrow(/bad signature/)
    const [, mac] = signIdentity(identity, 's3cret').split('.')
    const forged = Buffer.from(JSON.stringify({ ...identity, projects: ['prj-1', 'prj-2'], iat: Date.now() })).toString('base64url')
    expect(() => verifyIdentity(`${forged}.${mac}`, 's3cret')).toThrow(/bad signature/)
    const old = signIdentity(identity, 's3cret', Date.now() - IDENTITY_LIFETIME_MS - 1)
    expect(() => verifyIdentity(old, 's3cret')).toThrow(/expired/)
    expect(() => verifyIdentity('garbage', 's3cret')).toThrow(IdentityError)
  })
})
