/**
 * A project that shares subjects with one of the researcher's own shows, in
 * `overlaps`, its id, code and name (registry facts) and nothing else of it:
 * its description answers null, while a project of the researcher's own keeps
 * its description there. Its membership fields answer FORBIDDEN: through the
 * contract's non-null `overlaps` that nulls the whole answer, through
 * `projectOverlaps` only its own item.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditRow } from '../subgraphs/participants/auditStore.js'
import { ENGINES, startTestGraph, type TestGraph } from './helpers/graph.js'

const OVERLAPS = `query Overlaps($id: ID!) { multiStudySubjectCounts { __typename ... on MultiStudySubjectCounts {
  overlaps(projectId: $id) { project { id code name description } } } } }`

describe.each(ENGINES)('projects reached through overlaps (%s)', (engine) => {
  let t: TestGraph
  let own: string
  let otherOwn: string
  let stranger: string

  beforeAll(async () => {
    t = await startTestGraph({ engine, env: { HD4RES_PUBLICATIONS_AVAILABLE: 'ALL' } })
    const mine = (
      await t.db.query<{ project_id: string }>(
        `SELECT project_id FROM participants.memberships WHERE researcher_id = 'researcher-0001' ORDER BY project_id`,
      )
    ).map((r) => r.project_id)
    ;[own, otherOwn] = mine as [string, string]
    stranger = (
      await t.db.query<{ id: string }>(`SELECT id FROM participants.projects WHERE id <> ALL($1::text[]) ORDER BY id LIMIT 1`, [mine])
    )[0]!.id
    await t.db.query(
      `UPDATE participants.projects SET description = 'Collecting data from 15 data providers: ' || code WHERE id = ANY($1::text[])`,
      [[otherOwn, stranger]],
    )
    // Overlaps of the latest computed day, both directions, large enough to be published as numbers.
    const [{ day }] = (await t.db.query<{ day: string }>('SELECT max(day)::text AS day FROM subjects.multi_study_subjects')) as [
      { day: string },
    ]
    for (const other of [otherOwn, stranger]) {
      await t.db.query(
        `INSERT INTO subjects.project_overlaps (day, project_id, other_project_id, shared_subjects) VALUES ($1, $2, $3, 250), ($1, $3, $2, 250)
         ON CONFLICT (project_id, day, other_project_id) DO UPDATE SET shared_subjects = 250`,
        [day, own, other],
      )
    }
  })
  afterAll(async () => {
    await t?.close()
  })

  it("answers a non-member project's description with null, and a member project's in full", async () => {
    const res = await t.query(OVERLAPS, { id: own })
    expect(res.body.errors).toBeUndefined()
    expect(res.body.data!.multiStudySubjectCounts.__typename).toBe('MultiStudySubjectCounts')
    const projects = res.body.data!.multiStudySubjectCounts.overlaps.map((o: any) => o.project)
    const theirs = projects.find((p: any) => p.id === stranger)
    const ours = projects.find((p: any) => p.id === otherOwn)
    expect(theirs).toMatchObject({ id: stranger, code: expect.any(String), name: expect.any(String), description: null })
    expect(ours.description).toBe(`Collecting data from 15 data providers: ${ours.code}`)
    expect(JSON.stringify(res.body)).not.toContain(`data providers: ${theirs.code}`)
  })

  // A membership-only field of every overlap project: FORBIDDEN for the stranger's, answered for ours.
  const NESTED = (field: string) => `query Nested($id: ID!) { multiStudySubjectCounts { __typename ... on MultiStudySubjectCounts {
    date subjectsInMultipleStudies { __typename }
    ${field}(projectId: $id) { project { id code studyRecordCounts { __typename } } sharedSubjects { __typename } } } } }`

  it('keeps the rest of the answer when one overlap project is forbidden: only that item is null, with FORBIDDEN at its path', async () => {
    const res = await t.query(NESTED('projectOverlaps'), { id: own })
    const counts = res.body.data!.multiStudySubjectCounts
    expect(counts.__typename).toBe('MultiStudySubjectCounts')
    expect(counts.subjectsInMultipleStudies.__typename).toBeTruthy()
    const items: any[] = counts.projectOverlaps
    const ours = items.find((o) => o?.project.id === otherOwn)
    expect(ours).toMatchObject({ project: { id: otherOwn, studyRecordCounts: { __typename: 'StudyRecordCounts' } } })
    expect(ours.sharedSubjects.__typename).toBe('ExactCount')
    const nulls = items.map((o, i) => (o === null ? i : -1)).filter((i) => i >= 0)
    expect(nulls.length).toBeGreaterThanOrEqual(1)
    expect(items.filter((o) => o !== null).every((o) => o.project.id !== stranger)).toBe(true)
    const errors = res.body.errors ?? []
    expect(errors.length).toBeGreaterThanOrEqual(1)
    for (const e of errors) {
      expect(e.extensions?.code).toBe('FORBIDDEN')
      expect(e.path?.slice(0, 2)).toEqual(['multiStudySubjectCounts', 'projectOverlaps'])
      expect(nulls).toContain(e.path?.[2])
      expect(e.path?.slice(3)).toEqual(['project', 'studyRecordCounts'])
    }
    expect(errors.some((e: any) => e.message.includes(stranger))).toBe(true)
  })

  it('audits the project whose item was nulled as denied, and the answer as partial', async () => {
    const requestId = `overlap-test-${randomUUID()}`
    const response = await fetch(t.graph.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': requestId, authorization: `Bearer ${t.demoToken}` },
      body: JSON.stringify({ query: NESTED('projectOverlaps'), variables: { id: own } }),
    })
    expect(((await response.json()) as any).data.multiStudySubjectCounts.projectOverlaps).toContain(null)
    expect(await t.graph.flushAudit()).toBe(true)
    const records = await t.db.query<AuditRow>('SELECT * FROM ops.audit_log WHERE request_id = $1', [requestId])
    expect(records).toHaveLength(1)
    expect(records[0]!.denied_project_ids).toContain(stranger)
    expect(records[0]!.project_ids).toEqual(expect.arrayContaining([own, otherOwn]))
    expect(records[0]).toMatchObject({ outcome: 'partial', error_codes: ['FORBIDDEN'] })
  })

  it('answers projectOverlaps of a project the researcher is not a member of with null and FORBIDDEN, the rest of data intact', async () => {
    const res = await t.query(
      `query Q($id: ID!) { multiStudySubjectCounts { __typename ... on MultiStudySubjectCounts { date projectOverlaps(projectId: $id) { sharedSubjects { __typename } } } } }`,
      { id: stranger },
    )
    expect(res.body.data!.multiStudySubjectCounts).toMatchObject({ __typename: 'MultiStudySubjectCounts', projectOverlaps: null })
    expect(res.body.data!.multiStudySubjectCounts.date).toEqual(expect.any(String))
    expect(res.body.errors).toHaveLength(1)
    expect(res.body.errors![0]).toMatchObject({
      path: ['multiStudySubjectCounts', 'projectOverlaps'],
      extensions: { code: 'FORBIDDEN' },
    })
  })

  it('answers the same items in projectOverlaps as in overlaps when nothing is forbidden', async () => {
    const q = (field: string) => `query Q($id: ID!) { multiStudySubjectCounts { ... on MultiStudySubjectCounts {
      ${field}(projectId: $id) { project { id code name description } sharedSubjects { __typename ... on ExactCount { value } } } } } }`
    const [a, b] = await Promise.all([t.query(q('overlaps'), { id: own }), t.query(q('projectOverlaps'), { id: own })])
    expect(a.body.errors).toBeUndefined()
    expect(b.body.errors).toBeUndefined()
    expect(b.body.data!.multiStudySubjectCounts.projectOverlaps).toEqual(a.body.data!.multiStudySubjectCounts.overlaps)
  })

  it('still nulls the whole answer through the contract field overlaps, whose types are non-null all the way up', async () => {
    // The contract types ProjectOverlap.project, its items and the list non-null, so a FORBIDDEN below cannot stop
    // short of Query.multiStudySubjectCounts: this is why projectOverlaps exists (docs/api.md).
    const res = await t.query(NESTED('overlaps'), { id: own })
    expect(res.body.data).toBeNull()
    expect(res.body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN')
  })

  it('still gives members their own project’s description', async () => {
    const res = await t.query(`query One($id: ID!) { project(id: $id) { description } }`, { id: otherOwn })
    expect(res.body.data!.project.description).toMatch(/^Collecting data from 15 data providers/)
  })
})
