import { describe, expect, it } from 'vitest'
import { projectDailyCounts } from '../demo/counts.js'
import { DEMO_SIZES, generatePlatform } from '../demo/platform.js'

describe('the demo platform', () => {
  it('is the same for the same seed, and another for another seed', () => {
    const a = generatePlatform({ seed: 7, endDate: '2026-11-21' })
    const b = generatePlatform({ seed: 7, endDate: '2026-11-21' })
    const c = generatePlatform({ seed: 8, endDate: '2026-11-21' })
    expect(b).toEqual(a)
    expect(c.projects.map((p) => p.sources)).not.toEqual(a.projects.map((p) => p.sources))
  })

  it('has the size the design asks for by default', () => {
    const p = generatePlatform({ endDate: '2026-11-21' })
    expect(p.projects).toHaveLength(DEMO_SIZES.default.projects)
    expect(p.organisations.filter((o) => o.installationHost)).not.toHaveLength(0)
    expect(p.organisations.filter((o) => !o.id.startsWith('org-u'))).toHaveLength(150)
    expect(new Set(p.projects.map((x) => x.code)).size).toBe(p.projects.length)
    expect(p.researchers[0]!.projectIds).toEqual(['prj-0001', 'prj-0002', 'prj-0003'])
  })

  it('never loses records downstream: integration <= sources, staging <= integration, exploitation <= staging', () => {
    const platform = generatePlatform({ size: 'small', endDate: '2026-11-21' })
    for (const project of platform.projects) {
      const byDay = new Map<string, Map<string, number>>()
      for (const c of projectDailyCounts(platform, project)) {
        if (!byDay.has(c.day)) byDay.set(c.day, new Map())
        byDay.get(c.day)!.set(c.componentId, c.records)
      }
      let previous = 0
      for (const [, counts] of [...byDay].sort()) {
        const integration = counts.get('HD_INTEGRATION')!
        expect(counts.get('HD_DWH_STAGING')!).toBeLessThanOrEqual(integration)
        expect(counts.get('HD_DWH_EXPLOITATION')!).toBeLessThanOrEqual(counts.get('HD_DWH_STAGING')! + 1)
        expect(integration).toBeGreaterThanOrEqual(previous)
        previous = integration
      }
    }
  })

  it('names organisations after their own city, with unique hosts, some integration servers and one or two providers on v1 Local', () => {
    for (const size of ['small', 'default'] as const) {
      const p = generatePlatform({ size, endDate: '2026-11-21' })
      const providers = p.organisations.filter((o) => !o.id.startsWith('org-u'))
      expect(new Set(providers.map((o) => o.name)).size).toBe(providers.length)
      // A brand goes with its real city: the same hospital never turns up in two cities.
      const cityOf = new Map<string, string>()
      for (const o of providers) {
        expect(o.city, o.name).toBeTruthy()
        expect(o.name.includes(o.city!) || o.type === 'LABORATORY', `${o.name} in ${o.city}`).toBe(true)
        const brand = o.name.replace(/ campus \d+$/, '')
        expect(cityOf.get(brand) ?? o.city, brand).toBe(o.city)
        cityOf.set(brand, o.city!)
      }
      const installations = providers.flatMap((o) => o.installations)
      expect(new Set(installations.map((i) => i.host)).size).toBe(installations.length)
      for (const o of providers) {
        expect(o.installationHost).toBe(o.installations.find((i) => i.environment === 'PRODUCTION')?.host ?? null)
        if (o.installations.some((i) => i.environment === 'INTEGRATION')) expect(o.installations[0]!.environment).toBe('PRODUCTION')
      }
      expect(installations.filter((i) => i.environment === 'INTEGRATION').length).toBeGreaterThan(0)
      expect(new Set(installations.map((i) => i.sizeClass))).toEqual(new Set(['SMALL', 'MEDIUM', 'LARGE']))
      expect(new Set(installations.map((i) => i.release)).size).toBeGreaterThan(2)
      const v1 = providers.filter((o) => o.localArchitecture === 'V1_LOCAL')
      expect(v1.length).toBeGreaterThanOrEqual(1)
      expect(v1.length).toBeLessThanOrEqual(2)
      for (const o of v1) expect(o.installations).toEqual([])
    }
  })
})
