/**
 * A router started without what it needs says which settings to set, all at
 * once, before it listens.
 */
import { describe, expect, it } from 'vitest'
import { SettingsProblem } from '../../launch/checks.js'
import { readSettings } from '../../platform/settings.js'
import { readCommittedSupergraph } from '../../platform/supergraphFile.js'
import { transportEntriesFrom } from '../../routers/hive/config.js'
import { researcherSignInFrom } from '../../routers/researcher.js'

const SECRET = 'x'.repeat(32)

describe("a router's settings", () => {
  it('names the identity secret and the participants address when both are missing', async () => {
    const refused = researcherSignInFrom(readSettings({}))
    await expect(refused).rejects.toBeInstanceOf(SettingsProblem)
    await expect(refused).rejects.toThrow(/HD4RES_IDENTITY_SECRET[\s\S]*HD4RES_SUBGRAPH_PARTICIPANTS_URL/)
  })

  it('asks for an OIDC provider in production', async () => {
    const settings = readSettings({
      NODE_ENV: 'production',
      HD4RES_IDENTITY_SECRET: SECRET,
      HD4RES_SUBGRAPH_PARTICIPANTS_URL: 'http://p:4000/graphql',
    })
    await expect(researcherSignInFrom(settings)).rejects.toThrow(/HD4RES_OIDC_ISSUER, HD4RES_OIDC_AUDIENCE and HD4RES_OIDC_JWKS_URL/)
  })

  it('refuses a short identity secret, as our gateway does', async () => {
    const settings = readSettings({ HD4RES_IDENTITY_SECRET: 'short', HD4RES_SUBGRAPH_PARTICIPANTS_URL: 'http://p:4000/graphql' })
    await expect(researcherSignInFrom(settings)).rejects.toThrow(/at least 32 characters/)
  })

  it('names every subgraph of the supergraph whose address is not set', () => {
    const settings = readSettings({
      HD4RES_SUBGRAPH_PARTICIPANTS_URL: 'http://p:4000/graphql',
      HD4RES_SUBGRAPH_RECORDS_URL: 'http://r:4000/graphql',
    })
    const supergraph = readCommittedSupergraph()
    expect(() => transportEntriesFrom(settings, supergraph)).toThrow(SettingsProblem)
    expect(() => transportEntriesFrom(settings, supergraph)).toThrow(
      /HD4RES_SUBGRAPH_COMPONENTS_URL[\s\S]*HD4RES_SUBGRAPH_SUBJECTS_URL[\s\S]*HD4RES_SUBGRAPH_SUPPORT_URL/,
    )
    expect(() => transportEntriesFrom(settings, supergraph)).not.toThrow(/PARTICIPANTS|RECORDS/)
  })

  it('points each subgraph of the supergraph at its address', () => {
    const env = Object.fromEntries(
      ['components', 'participants', 'records', 'subjects', 'support'].map((n) => [
        `HD4RES_SUBGRAPH_${n.toUpperCase()}_URL`,
        `http://${n}:4000/graphql`,
      ]),
    )
    expect(transportEntriesFrom(readSettings(env), readCommittedSupergraph())).toEqual({
      components: { location: 'http://components:4000/graphql' },
      participants: { location: 'http://participants:4000/graphql' },
      records: { location: 'http://records:4000/graphql' },
      subjects: { location: 'http://subjects:4000/graphql' },
      support: { location: 'http://support:4000/graphql' },
    })
  })
})
