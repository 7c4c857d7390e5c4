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
})
