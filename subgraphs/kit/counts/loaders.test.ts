import { describe, expect, it } from 'vitest'
import { componentInfo, type ComponentId } from '../catalogue/components.js'
import { disclosureControl } from './disclosure.js'
import { toSeries } from './loaders.js'

const disclosure = disclosureControl(5)
const subjectsCover = (id: ComponentId) => componentInfo(id).holdsSubjects
const notCovered = (id: ComponentId) => ({
  en: `Unique subjects are not counted in ${componentInfo(id).name}`,
  nl: `nl ${id}`,
  fr: `fr ${id}`,
  de: `de ${id}`,
})
const rows = [
  // The days of a row come in any order, paired with their values.
  { ord: 1, component_id: 'HERA', used: true, days: [1, 0], values: [3, 40] },
  // Used by the project, no count in the range.
  { ord: 1, component_id: 'HD_INTEGRATION', used: true, days: [], values: [] },
  // A stray row for a component the publication does not cover is never published.
  { ord: 1, component_id: 'BIOIT', used: false, days: [0], values: [120] },
]
/** What the project uses, nothing counted in the range. */
const usedOnly = (...ids: string[]) => ids.map((component_id) => ({ ord: 1, component_id, used: true, days: [], values: [] }))
const series = (components: ComponentId[] | null) =>
  toSeries({ projectId: 'p1', from: '2026-01-01', to: '2026-01-02', components }, rows, disclosure, subjectsCover, notCovered)

describe('toSeries', () => {
  it('answers every component asked for, an uncovered one NotCollected on every day with the reason', () => {
    const result = series(['BIOIT', 'HD_MDM', 'HERA'])
    expect(result.map((s) => s.component.id)).toEqual(['HERA', 'BIOIT', 'HD_MDM'])
    const [hera, bioit, mdm] = result
    expect(hera!.points.map((p) => p.count.__typename)).toEqual(['ExactCount', 'SuppressedCount'])
    for (const [s, name] of [
      [bioit!, 'BioIT platform (Integration)'],
      [mdm!, 'HD MDM'],
    ] as const) {
      expect(s.points.map((p) => p.date)).toEqual(['2026-01-01', '2026-01-02'])
      for (const p of s.points) {
        expect(p.count).toEqual({ __typename: 'NotCollected', reason: notCovered(s.component.id) })
        expect(p.count.__typename === 'NotCollected' && typeof p.count.reason !== 'string' && p.count.reason.en).toBe(
          `Unique subjects are not counted in ${name}`,
        )
      }
    }
    expect(JSON.stringify(result)).not.toContain('120')
  })

  it('answers a component asked for twice once', () => {
    expect(series(['HERA', 'HD_MDM', 'HERA', 'HD_MDM']).map((s) => s.component.id)).toEqual(['HERA', 'HD_MDM'])
  })

  it('tells a covered component the project does not use from one it uses but has no count for, in every language', () => {
    const [patient, integration] = series(['HD_INTEGRATION', 'HD4PATIENT']).map((s) => s.points[0]!.count)
    expect(patient).toEqual({
      __typename: 'NotCollected',
      reason: expect.objectContaining({
        en: 'HD4Patient is not used by this project',
        nl: 'HD4Patient wordt niet gebruikt door dit project',
      }),
    })
    expect(integration).toMatchObject({
      __typename: 'NotCollected',
      reason: { en: 'No count was collected from HD Integration for 2026-01-01' },
    })
  })

  it("without components, answers the project's covered components only", () => {
    expect(series(null).map((s) => s.component.id)).toEqual(['HERA', 'HD_INTEGRATION'])
    const withUncovered = toSeries(
      { projectId: 'p1', from: '2026-01-01', to: '2026-01-01', components: null },
      usedOnly('HERA', 'HD_INTEGRATION', 'BIOIT'),
      disclosure,
      subjectsCover,
      notCovered,
    )
    expect(withUncovered.map((s) => s.component.id)).toEqual(['HERA', 'HD_INTEGRATION'])
  })

  it('places each count on its day whatever order the days come in, and tells days before the first count from later gaps', () => {
    const [integration] = toSeries(
      { projectId: 'p1', from: '2026-01-01', to: '2026-01-05', components: ['HD_INTEGRATION'] },
      [{ ord: 1, component_id: 'HD_INTEGRATION', used: true, days: [3, 1], values: [12, 0] }],
      disclosure,
      subjectsCover,
      notCovered,
    )
    const said = integration!.points.map((p) =>
      p.count.__typename === 'ExactCount'
        ? p.count.value
        : p.count.__typename === 'NotCollected' && typeof p.count.reason !== 'string'
          ? p.count.reason.en
          : p.count.__typename,
    )
    expect(integration!.points.map((p) => p.date)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04', '2026-01-05'])
    expect(said).toEqual([
      'HD Integration held no data for this project yet on 2026-01-01',
      0,
      'No count was collected from HD Integration for 2026-01-03',
      10,
      'No count was collected from HD Integration for 2026-01-05',
    ])
  })
})
