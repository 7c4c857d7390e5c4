/**
 * A history answers every component the caller asked for: one the
 * publication does not cover (HD MDM for study records; BioIT and HD MDM for
 * unique subjects) comes back as a series whose every day is NotCollected
 * with the publication's reason, in the request's language, instead of
 * going missing. Without components the answer and the pipeline view keep to
 * the covered components.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES, startTestGraph, type TestGraph } from './helpers/graph.js'

const PROJECT = 'prj-0001'
const COUNT = `__typename ... on ExactCount { value } ... on SuppressedCount { threshold } ... on NotCollected { reason nl: reason(language: NL) }`
const HISTORY = (field: string, type: string, components: string | null) => `{ project(id: "${PROJECT}") {
  ${field}(from: "2026-11-18", to: "2026-11-20"${components === null ? '' : `, components: ${components}`}) {
    __typename ... on ${type} { from to series { component { id name } points { date count { ${COUNT} } } } } } } }`
const subjects = (components: string | null) => HISTORY('uniqueSubjectCountHistory', 'UniqueSubjectCountHistory', components)
const records = (components: string | null) => HISTORY('studyRecordCountHistory', 'StudyRecordCountHistory', components)

const DAYS = ['2026-11-18', '2026-11-19', '2026-11-20']

describe.each(ENGINES)('no component asked for goes missing (%s)', (engine) => {
  let t: TestGraph

  beforeAll(async () => {
    t = await startTestGraph({ engine, env: { HD4RES_PUBLICATIONS_AVAILABLE: 'ALL' } })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('answers unique-subject history for [BIOIT, HD_MDM, HERA] with three series, the uncovered two NotCollected with their reason', async () => {
    const res = await t.query(subjects('[BIOIT, HD_MDM, HERA]'))
    expect(res.body.errors).toBeUndefined()
    const series: any[] = res.body.data!.project.uniqueSubjectCountHistory.series
    // In the order records travel.
    expect(series.map((s) => s.component.id)).toEqual(['HERA', 'BIOIT', 'HD_MDM'])
    const [hera, bioit, mdm] = series
    expect(hera.points.map((p: any) => p.date)).toEqual(DAYS)
    expect(hera.points.every((p: any) => !/not counted in/.test(p.count.reason ?? ''))).toBe(true)
    for (const [s, name] of [
      [bioit, 'BioIT platform (Integration)'],
      [mdm, 'HD MDM'],
    ] as const) {
      expect(s.component.name).toBe(name)
      expect(s.points.map((p: any) => p.date)).toEqual(DAYS)
      for (const p of s.points) {
        expect(p.count).toEqual({
          __typename: 'NotCollected',
          reason: `Unique subjects are not counted in ${name}: it holds no information on study subjects`,
          nl: `Unieke subjecten worden niet geteld in ${name}: dit onderdeel bevat geen gegevens over studiesubjecten`,
        })
      }
    }
  })

  it('answers study-record history for [BIOIT, HD_MDM, HERA] with three series, HD MDM NotCollected with its reason', async () => {
    const res = await t.query(records('[BIOIT, HD_MDM, HERA]'))
    expect(res.body.errors).toBeUndefined()
    const series: any[] = res.body.data!.project.studyRecordCountHistory.series
    expect(series.map((s) => s.component.id)).toEqual(['HERA', 'BIOIT', 'HD_MDM'])
    const [, bioit, mdm] = series
    // BioIT holds study records: its series is a records series like any other, not the uncovered reason.
    expect(bioit.points.every((p: any) => !/not counted in/.test(p.count.reason ?? ''))).toBe(true)
    expect(mdm.points).toHaveLength(3)
    for (const p of mdm.points) {
      expect(p.count).toMatchObject({
        __typename: 'NotCollected',
        reason: 'Study records are not counted in HD MDM: it holds no study records',
      })
    }
  })

  it("words the reason in the request's language", async () => {
    const response = await fetch(t.graph.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'accept-language': 'fr', authorization: `Bearer ${t.demoToken}` },
      body: JSON.stringify({ query: records('[HD_MDM]') }),
    })
    const body = (await response.json()) as any
    expect(body.errors).toBeUndefined()
    const [mdm] = body.data.project.studyRecordCountHistory.series
    expect(mdm.points[0].count.reason).toBe(
      "Les enregistrements d'étude ne sont pas comptés dans HD MDM : ce composant ne contient aucun enregistrement d'étude",
    )
  })

  it('answers a component asked for twice once', async () => {
    const res = await t.query(subjects('[HD_MDM, HERA, HD_MDM]'))
    expect(res.body.data!.project.uniqueSubjectCountHistory.series.map((s: any) => s.component.id)).toEqual(['HERA', 'HD_MDM'])
  })

  it('keeps to the covered components without components, and in the pipeline view', async () => {
    const res = await t.query(subjects(null))
    expect(res.body.errors).toBeUndefined()
    const ids = res.body.data!.project.uniqueSubjectCountHistory.series.map((s: any) => s.component.id)
    expect(ids.length).toBeGreaterThan(0)
    expect(ids).not.toContain('HD_MDM')
    expect(ids).not.toContain('BIOIT')
    const day = await t.query(`{ project(id: "${PROJECT}") {
      uniqueSubjectCounts { ... on UniqueSubjectCounts { components { component { id } } } }
      uniqueSubjectPipeline { ... on UniqueSubjectPipeline { stages { component { id } } } } } }`)
    expect(day.body.errors).toBeUndefined()
    const dayIds = day.body.data!.project.uniqueSubjectCounts.components.map((c: any) => c.component.id)
    const stageIds = day.body.data!.project.uniqueSubjectPipeline.stages.map((s: any) => s.component.id)
    for (const list of [dayIds, stageIds]) {
      expect(list).not.toContain('HD_MDM')
      expect(list).not.toContain('BIOIT')
    }
  })
})
