/**
 * A project that shares subjects with one of the researcher's own shows, in
 * `overlaps`, its id, code and name (registry facts) and nothing else of it:
 * its description answers null, while a project of the researcher's own keeps
 * its description there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

  it('still gives members their own project’s description', async () => {
    const res = await t.query(`query One($id: ID!) { project(id: $id) { description } }`, { id: otherOwn })
    expect(res.body.data!.project.description).toMatch(/^Collecting data from 15 data providers/)
  })
})
