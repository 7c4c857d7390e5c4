/**
 * Batching: a dashboard over many projects costs the same number of SQL
 * statements as over one, because every entity and list lookup goes through
 * a per-request dataloader.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../subgraphs/kit/store/db.js'
import { loadPublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import { startTestGraph, type TestGraph } from './helpers/graph.js'

const DASHBOARD = `{
  projects {
    id code name
    studyRecordCounts { ... on StudyRecordCounts { date components { component { id name status { __typename } } count { __typename } } } }
    studyRecordCountHistory(from: "2026-11-01", to: "2026-11-20") { ... on StudyRecordCountHistory { series { points { date } } } }
    uniqueSubjectCounts { ... on UniqueSubjectCounts { components { count { __typename } } } }
    dataProviderOrganisations { ... on OrganisationList { totalCount } }
    dataProviderIndividuals { ... on IndividualList { items { displayName organisation { name } } } }
    componentStatus { ... on ComponentStatusList { items { status availability responseTimeP95Ms } } }
    incidents(first: 5) { ... on IncidentConnection { totalCount edges { node { number } } } }
    requests(first: 5) { ... on ServiceRequestConnection { totalCount } }
  }
}`

/** Counts the statements that reach the database. */
function counting(db: Db): Db & { statements: number } {
  const counted = Object.create(db) as Db & { statements: number }
  counted.statements = 0
  counted.query = ((sql: string, params?: readonly unknown[]) => {
    counted.statements++
    return db.query(sql, params)
  }) as Db['query']
  return counted
}

describe('batching', () => {
  let t: TestGraph
  let db: Db & { statements: number }
  let allProjects: string[]

  let raw: Db
  beforeAll(async () => {
    raw = await openDb()
    t = await startTestGraph({ registry: loadPublicationRegistry({ available: 'ALL' }), reuseDb: raw })
    allProjects = (await t.db.query<{ id: string }>('SELECT id FROM participants.projects ORDER BY id')).map((r) => r.id)
    // A researcher of one project, and one of every project.
    await t.db.query(`INSERT INTO participants.researchers (id, display_name) VALUES ('solo', 'Solo'), ('everywhere', 'Everywhere')`)
    await t.db.query(`INSERT INTO participants.memberships (researcher_id, project_id) SELECT 'everywhere', id FROM participants.projects`)
    await t.db.query(`INSERT INTO participants.memberships VALUES ('solo', 'prj-0001')`)
    await t.close()
    // Restart on the same data, counting every statement from the subgraphs. The audit trail's records
    // reach the same store from the gateway's spool: they are shipped when the graph closes, not in between.
    db = counting(raw)
    t = await startTestGraph({
      registry: loadPublicationRegistry({ available: 'ALL' }),
      reuseDb: db,
      env: { HD4RES_AUDIT_SHIP_MS: '3600000' },
    })
  })
  afterAll(async () => {
    await t?.close()
    await raw?.close()
  })

  async function statementsFor(sub: string): Promise<{ statements: number; projects: number }> {
    const token = await t.tokenFor(sub)
    // Memberships and the shared component status are cached after this warm-up.
    await t.query(DASHBOARD, {}, token)
    db.statements = 0
    const res = await t.query(DASHBOARD, {}, token)
    expect(res.body.errors).toBeUndefined()
    return { statements: db.statements, projects: res.body.data!.projects.length }
  }

  it('runs the same number of SQL statements for 1 project as for every project', async () => {
    let one = await statementsFor('solo')
    let many = await statementsFor('everywhere')
    if (many.statements !== one.statements) {
      // The shared component-status cache turns over each minute; measure again if it did in between.
      one = await statementsFor('solo')
      many = await statementsFor('everywhere')
    }
    expect(one.projects).toBe(1)
    expect(many.projects).toBe(allProjects.length)
    expect(many.projects).toBeGreaterThan(10)
    expect(many.statements).toBe(one.statements)
    // One per kind of lookup: far fewer than one per project.
    expect(many.statements).toBeLessThan(20)
  })
})
