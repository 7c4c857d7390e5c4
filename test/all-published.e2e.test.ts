/**
 * With every publication switched to AVAILABLE (a registry change, no code
 * change), every contract field answers with data through the gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadPublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import { ENGINES, startTestGraph, TEST_END_DATE, type TestGraph } from './helpers/graph.js'

const COUNT = `__typename ... on ExactCount { value lowerBound upperBound } ... on SuppressedCount { threshold } ... on NotCollected { reason }`
const COMPONENT = 'id name location status { __typename ... on ComponentStatus { status checkedAt } }'

/** One request through all five subgraphs: what a project dashboard asks. */
const DASHBOARD = `query Dashboard($id: ID!, $from: Date!, $to: Date!) {
  me { id displayName projects { id code } }
  publications { id title state lastCollectedAt }
  components { ${COMPONENT} }
  multiStudySubjectCounts {
    __typename
    ... on MultiStudySubjectCounts {
      date
      subjectsInMultipleStudies { ${COUNT} }
      overlaps(projectId: $id) { project { id code name } sharedSubjects { ${COUNT} } }
    }
  }
  dataUserOrganisations { __typename ... on OrganisationList { totalCount items { id name type identifier } } }
  dataUserIndividuals { __typename ... on IndividualList { totalCount items { id displayName roles organisation { id name } } } }
  project(id: $id) {
    id code name description
    studyRecordCounts {
      __typename
      ... on StudyRecordCounts { date components { component { ${COMPONENT} } count { ${COUNT} } source collectedAt } }
    }
    byDay: studyRecordCounts(date: "2026-11-01") { ... on StudyRecordCounts { date components { component { id } count { ${COUNT} } } } }
    studyRecordCountHistory(from: $from, to: $to) {
      __typename
      ... on StudyRecordCountHistory { from to series { component { id name } points { date count { ${COUNT} } } } }
    }
    uniqueSubjectCounts {
      __typename
      ... on UniqueSubjectCounts { date components { component { id name } count { ${COUNT} } source collectedAt } }
    }
    dataProviderOrganisations { __typename ... on OrganisationList { totalCount items { id name type identifier } } }
    dataProviderIndividuals { __typename ... on IndividualList { totalCount items { id displayName roles organisation { id name type } } } }
    componentStatus {
      __typename
      ... on ComponentStatusList {
        items {
          component { id name location }
          status checkedAt
          availability
          availability24h: availability(window: LAST_24_HOURS)
          availability7d: availability(window: LAST_7_DAYS)
          responseTimeP95Ms
          p95Month: responseTimeP95Ms(window: LAST_30_DAYS)
        }
      }
    }
    incidents(first: 3) {
      __typename
      ... on IncidentConnection {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { number shortDescription state priority openedAt updatedAt closedAt resolvedAt category } }
      }
    }
    requests(first: 3) {
      __typename
      ... on ServiceRequestConnection {
        totalCount pageInfo { hasNextPage endCursor }
        edges { cursor node { __typename number shortDescription state priority openedAt updatedAt closedAt } }
      }
    }
  }
}`

describe.each(ENGINES)('every publication available, on %s', (engine) => {
  let t: TestGraph
  beforeAll(async () => {
    t = await startTestGraph({ engine, registry: loadPublicationRegistry({ available: 'ALL' }) })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('answers a whole project dashboard across the five subgraphs in one request', async () => {
    const res = await t.query(DASHBOARD, { id: 'prj-0001', from: '2026-11-01', to: '2026-11-07' })
    expect(res.body.errors).toBeUndefined()
    const d = res.body.data!
    expect(d.publications.every((p: { state: string }) => p.state === 'AVAILABLE')).toBe(true)
    expect(d.components).toHaveLength(10)
    expect(d.components.map((c: any) => c.status.__typename)).toEqual(Array(10).fill('ComponentStatus'))
    expect(d.multiStudySubjectCounts.__typename).toBe('MultiStudySubjectCounts')
    expect(d.multiStudySubjectCounts.date).toBe(TEST_END_DATE)
    expect(d.dataUserOrganisations.totalCount).toBe(d.dataUserOrganisations.items.length)
    expect(d.dataUserIndividuals.items[0].organisation.name).toBeTruthy()

    const p = d.project
    expect(p.code).toBe('BCFR')
    expect(p.studyRecordCounts.__typename).toBe('StudyRecordCounts')
    expect(p.studyRecordCounts.date).toBe(TEST_END_DATE)
    const ids = p.studyRecordCounts.components.map((c: any) => c.component.id)
    expect(ids).toEqual(expect.arrayContaining(['HD_INTEGRATION', 'HD_DWH_STAGING', 'HD_DWH_EXPLOITATION']))
    expect(ids).not.toContain('HD_MDM')
    expect(p.byDay.date).toBe('2026-11-01')
    expect(p.studyRecordCountHistory.series.length).toBe(ids.length)
    for (const series of p.studyRecordCountHistory.series) expect(series.points.map((pt: any) => pt.date)).toHaveLength(7)
    expect(p.uniqueSubjectCounts.__typename).toBe('UniqueSubjectCounts')
    expect(p.dataProviderOrganisations.totalCount).toBeGreaterThan(0)
    expect(p.dataProviderIndividuals.totalCount).toBeGreaterThan(0)
    expect(p.componentStatus.items.map((i: any) => i.component.id)).toEqual([...ids, 'HD_MDM'])
    for (const item of p.componentStatus.items) {
      expect(['OPERATIONAL', 'DEGRADED', 'DOWN', 'UNKNOWN']).toContain(item.status)
      expect(item.availability).toBeGreaterThanOrEqual(0)
      expect(item.availability).toBeLessThanOrEqual(100)
      expect(item.responseTimeP95Ms).toBeGreaterThan(0)
    }
    expect(p.incidents.edges).toHaveLength(3)
    expect(p.requests.edges[0].node.__typename).toBe('ServiceRequest')
    expect(p.requests.edges[0].node.number).toMatch(/^REQ\d{7}$/)
  })

  it('follows records along their path: HD Integration never holds more than the sources sent', async () => {
    const res = await t.query(
      `{ project(id: "prj-0001") { studyRecordCounts { ... on StudyRecordCounts { components { component { id location } count { ... on ExactCount { value } } } } } } }`,
    )
    const comps = res.body.data!.project.studyRecordCounts.components as {
      component: { id: string; location: string }
      count: { value?: number }
    }[]
    const value = (id: string) => comps.find((c) => c.component.id === id)!.count.value!
    const external = comps.filter((c) => c.component.location === 'EXTERNAL').reduce((s, c) => s + (c.count.value ?? 0), 0)
    expect(value('HD_INTEGRATION')).toBeLessThanOrEqual(external)
    expect(value('HD_DWH_STAGING')).toBeLessThanOrEqual(value('HD_INTEGRATION'))
    expect(value('HD_DWH_EXPLOITATION')).toBeLessThanOrEqual(value('HD_DWH_STAGING'))
  })

  it('reaches every member of the CountValue union: exact, suppressed and not collected', async () => {
    // Make a small count and a zero on the latest day, and drop one component's row.
    await t.db.query(
      `UPDATE subjects.unique_subject_counts SET subjects = 3 WHERE project_id = 'prj-0001' AND day = $1 AND component_id = 'HD_INTEGRATION'`,
      [TEST_END_DATE],
    )
    await t.db.query(
      `UPDATE subjects.unique_subject_counts SET subjects = 0 WHERE project_id = 'prj-0001' AND day = $1 AND component_id = 'HD_DWH_STAGING'`,
      [TEST_END_DATE],
    )
    await t.db.query(
      `DELETE FROM subjects.unique_subject_counts WHERE project_id = 'prj-0001' AND day = $1 AND component_id = 'HD_DWH_EXPLOITATION'`,
      [TEST_END_DATE],
    )
    const res = await t.query(
      `{ project(id: "prj-0001") { uniqueSubjectCounts { ... on UniqueSubjectCounts { components { component { id } count { ${COUNT} } } } } } }`,
    )
    const byId = Object.fromEntries(res.body.data!.project.uniqueSubjectCounts.components.map((c: any) => [c.component.id, c.count]))
    expect(byId.HD_INTEGRATION).toEqual({ __typename: 'SuppressedCount', threshold: 5 })
    expect(byId.HD_DWH_STAGING).toEqual({ __typename: 'ExactCount', value: 0, lowerBound: 0, upperBound: 0 })
    expect(byId.HD_DWH_EXPLOITATION.__typename).toBe('NotCollected')
    expect(byId.HD_DWH_EXPLOITATION.reason).toMatch(/HD DWH Exploitation/)
  })

  it('lists the installations without their counts, and publishes the total as its own band', async () => {
    const [row] = await t.db.query<{ day: string }>(
      `SELECT max(day)::text AS day FROM subjects.unique_subject_counts WHERE project_id = 'prj-0001'`,
    )
    const day = row!.day
    await t.db.query(
      `UPDATE subjects.unique_subject_counts SET subjects = 50 WHERE project_id = 'prj-0001' AND day = $1 AND component_id = 'HD4DP_V2_LOCAL'`,
      [day],
    )
    await t.db.query(`DELETE FROM subjects.installation_counts WHERE project_id = 'prj-0001' AND day = $1`, [day])
    await t.db.query(
      `INSERT INTO subjects.installation_counts (project_id, installation_id, host, day, subjects, collected_at) VALUES
       ('prj-0001', 'i1', 'hd4dp.small.be', $1, 3, now()), ('prj-0001', 'i2', 'hd4dp.medium.be', $1, 7, now()), ('prj-0001', 'i3', 'hd4dp.large.be', $1, 40, now())`,
      [day],
    )
    const res = await t.query(`{ project(id: "prj-0001") { uniqueSubjectCounts { ... on UniqueSubjectCounts { components {
      component { id } count { ${COUNT} } installations { installation count { ${COUNT} } } } } }
      studyRecordCounts { ... on StudyRecordCounts { components { component { id } installations { installation count { ${COUNT} } } } } } } }`)
    const local = res.body.data!.project.uniqueSubjectCounts.components.find((c: any) => c.component.id === 'HD4DP_V2_LOCAL')
    expect(local.count).toEqual({ __typename: 'ExactCount', value: 50, lowerBound: 50, upperBound: 54 })
    const withheld = { __typename: 'NotCollected', reason: expect.stringMatching(/^Counts per installation are not published/) }
    expect(local.installations).toEqual([
      { installation: 'hd4dp.large.be', count: withheld },
      { installation: 'hd4dp.medium.be', count: withheld },
      { installation: 'hd4dp.small.be', count: withheld },
    ])
    // Record counts bound subject counts, so their installations are withheld the same way.
    const records = res.body.data!.project.studyRecordCounts.components.find((c: any) => c.component.id === 'HD4DP_V2_LOCAL')
    expect(records.installations.length).toBeGreaterThan(0)
    expect(records.installations.every((i: any) => i.count.__typename === 'NotCollected')).toBe(true)
  })

  it('withholds small subject counts in history series too', async () => {
    await t.db.query(
      `UPDATE subjects.unique_subject_counts SET subjects = 2 WHERE project_id = 'prj-0001' AND day = '2026-11-20' AND component_id = 'HD_INTEGRATION'`,
    )
    const res =
      await t.query(`{ project(id: "prj-0001") { uniqueSubjectCountHistory(from: "2026-11-19", to: "2026-11-20", components: [HD_INTEGRATION]) {
      ... on UniqueSubjectCountHistory { series { component { id } points { date count { ${COUNT} } } } } } } }`)
    expect(res.body.errors).toBeUndefined()
    const [series] = res.body.data!.project.uniqueSubjectCountHistory.series
    expect(series.points[0].count.__typename).toBe('ExactCount')
    expect(series.points[1]).toEqual({ date: '2026-11-20', count: { __typename: 'SuppressedCount', threshold: 5 } })
  })

  it('suppresses small overlaps between projects and names the other project', async () => {
    await t.db.query(
      `INSERT INTO subjects.project_overlaps (day, project_id, other_project_id, shared_subjects) VALUES ($1, 'prj-0001', 'prj-0012', 2)
       ON CONFLICT (project_id, day, other_project_id) DO UPDATE SET shared_subjects = 2`,
      [TEST_END_DATE],
    )
    const res = await t.query(
      `{ multiStudySubjectCounts { ... on MultiStudySubjectCounts { overlaps(projectId: "prj-0001") { project { id code } sharedSubjects { ${COUNT} } } } } }`,
    )
    const overlap = res.body.data!.multiStudySubjectCounts.overlaps.find((o: any) => o.project.id === 'prj-0012')
    expect(overlap.sharedSubjects).toEqual({ __typename: 'SuppressedCount', threshold: 5 })
    expect(overlap.project.code).toBeTruthy()
  })

  it("refuses another project's data, even through overlaps", async () => {
    const res = await t.query(
      `{ multiStudySubjectCounts { ... on MultiStudySubjectCounts { overlaps(projectId: "prj-0012") { sharedSubjects { __typename } } } } }`,
    )
    expect(res.body.errors![0]!.extensions!.code).toBe('FORBIDDEN')
    const through = await t.query(
      `{ multiStudySubjectCounts { ... on MultiStudySubjectCounts { overlaps(projectId: "prj-0001") { project { id incidents { __typename } } } } } }`,
    )
    expect(through.body.errors?.some((e) => e.extensions?.code === 'FORBIDDEN')).toBe(true)
    expect(JSON.stringify(through.body.data)).not.toMatch(/IncidentConnection/)
  })

  it('marks days without a count, and components the project does not use', async () => {
    const res =
      await t.query(`{ project(id: "prj-0001") { studyRecordCountHistory(from: "2026-11-20", to: "2026-11-25", components: [HERA, HD_INTEGRATION]) {
      ... on StudyRecordCountHistory { series { component { id } points { date count { ${COUNT} } } } } } } }`)
    expect(res.body.errors).toBeUndefined()
    const [hera, integration] = ['HERA', 'HD_INTEGRATION'].map((id) =>
      res.body.data!.project.studyRecordCountHistory.series.find((s: any) => s.component.id === id),
    )
    expect(hera.points.every((p: any) => /not used by this project/.test(p.count.reason))).toBe(true)
    expect(integration.points.map((p: any) => p.count.__typename)).toEqual([
      'ExactCount',
      'ExactCount',
      'NotCollected',
      'NotCollected',
      'NotCollected',
      'NotCollected',
    ])
  })

  it('refuses a history range that is inverted or too long', async () => {
    const inverted = await t.query(
      `{ project(id: "prj-0001") { studyRecordCountHistory(from: "2026-11-20", to: "2026-11-01") { __typename } } }`,
    )
    expect(inverted.body.errors![0]!.message).toMatch(/"from" \(2026-11-20\) must not be after "to" \(2026-11-01\)/)
    const long = await t.query(
      `{ project(id: "prj-0001") { studyRecordCountHistory(from: "2000-01-01", to: "2026-11-01") { __typename } } }`,
    )
    expect(long.body.errors![0]!.message).toMatch(/at most 1096 days/)
  })
})
