/**
 * The internal-components collector reads a second database, the way it reads
 * HD Integration and the warehouse in production: counts per project, and
 * subjects shared between studies computed from pseudonymised keys that never
 * leave that database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectInternalCounts, type InternalCountsConfig } from '../collectors/internal.js'
import { openDb } from '../subgraphs/kit/store/db.js'
import { loadPublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import { DATA_TABLES } from './helpers/checksum.js'
import { ENGINES, startTestGraph, type TestGraph } from './helpers/graph.js'
import { createScratchDatabase } from './helpers/scratchDatabase.js'

const DAY = '2026-11-22'
// Subjects (pseudonymised keys) per project code in the source database.
const SUBJECTS: Record<string, string[]> = {
  BCFR: ['pseudo-a', 'pseudo-b', 'pseudo-c', 'pseudo-d', 'pseudo-e', 'pseudo-f', 'pseudo-g'],
  'ORTHOPRIDE-HIP': ['pseudo-a', 'pseudo-b', 'pseudo-c', 'pseudo-d', 'pseudo-e', 'pseudo-f', 'pseudo-x'],
  'ORTHOPRIDE-KNEE': ['pseudo-g', 'pseudo-y'],
}

async function sourceDatabase(engine: 'pglite' | 'postgres'): Promise<{ url: string; drop: () => Promise<void> }> {
  const { url, drop } = await createScratchDatabase(engine, 'hd4res_source')
  const db = await openDb({ databaseUrl: url })
  await db.exec(`CREATE SCHEMA dwh;
    CREATE TABLE dwh.study_records (project_code text, subject_pseudonym text, loaded_on date);`)
  for (const [project, keys] of Object.entries(SUBJECTS)) {
    for (const key of keys) {
      // Two records per subject, and one loaded after the day asked for.
      await db.query('INSERT INTO dwh.study_records VALUES ($1, $2, $3), ($1, $2, $3)', [project, key, '2026-11-20'])
    }
  }
  await db.query(`INSERT INTO dwh.study_records VALUES ('BCFR', 'pseudo-late', '2026-11-30')`)
  await db.close()
  return { url, drop }
}

describe.each(ENGINES)('internal-counts on %s', (engine) => {
  let t: TestGraph
  let source: { url: string; drop: () => Promise<void> }
  let config: InternalCountsConfig

  beforeAll(async () => {
    t = await startTestGraph({ engine, registry: loadPublicationRegistry({ available: 'ALL' }) })
    source = await sourceDatabase(engine)
    const counts = {
      databaseUrl: source.url,
      query: `SELECT project_code AS project, count(*) AS records, count(DISTINCT subject_pseudonym) AS unique_subjects
              FROM dwh.study_records WHERE loaded_on < $1::date + 1 GROUP BY project_code`,
    }
    config = {
      components: { HD_DWH_EXPLOITATION: counts },
      multiStudy: {
        databaseUrl: source.url,
        query: `SELECT project_code AS project, subject_pseudonym AS subject_key FROM dwh.study_records WHERE loaded_on < $1::date + 1`,
      },
    }
  })
  afterAll(async () => {
    await t?.close()
    await source?.drop()
  })

  it('imports each project’s records and unique subjects from the component’s own database', async () => {
    const [result] = await collectInternalCounts(t.db, config, [DAY])
    expect(result!.outcome).toBe('succeeded')
    const res = await t.query(`{ project(id: "prj-0001") {
      studyRecordCounts(date: "${DAY}") { ... on StudyRecordCounts { components { component { id } source count { ... on ExactCount { value lowerBound upperBound } } } } }
      uniqueSubjectCounts(date: "${DAY}") { ... on UniqueSubjectCounts { components { component { id } count { ... on ExactCount { value lowerBound upperBound } } } } } } }`)
    // 14 records and 7 subjects, published in their bands of 5.
    const records = res.body.data!.project.studyRecordCounts.components.find((c: any) => c.component.id === 'HD_DWH_EXPLOITATION')
    expect(records).toEqual({
      component: { id: 'HD_DWH_EXPLOITATION' },
      source: 'HD4RES',
      count: { value: 10, lowerBound: 10, upperBound: 14 },
    })
    const subjects = res.body.data!.project.uniqueSubjectCounts.components.find((c: any) => c.component.id === 'HD_DWH_EXPLOITATION')
    expect(subjects.count).toEqual({ value: 5, lowerBound: 5, upperBound: 9 })
  })

  it('computes subjects in several studies and the overlaps, small ones suppressed', async () => {
    const res = await t.query(`{ multiStudySubjectCounts(date: "${DAY}") { ... on MultiStudySubjectCounts {
      subjectsInMultipleStudies { __typename ... on ExactCount { value upperBound } }
      overlaps(projectId: "prj-0001") { project { code } sharedSubjects { __typename ... on ExactCount { value upperBound } ... on SuppressedCount { threshold } } } } } }`)
    const figures = res.body.data!.multiStudySubjectCounts
    // pseudo-a..f are in BCFR and ORTHOPRIDE-HIP, pseudo-g in BCFR and ORTHOPRIDE-KNEE.
    // 7 and 6, published in the band 5..9.
    expect(figures.subjectsInMultipleStudies).toEqual({ __typename: 'ExactCount', value: 5, upperBound: 9 })
    expect(figures.overlaps).toEqual([
      { project: { code: 'ORTHOPRIDE-HIP' }, sharedSubjects: { __typename: 'ExactCount', value: 5, upperBound: 9 } },
      { project: { code: 'ORTHOPRIDE-KNEE' }, sharedSubjects: { __typename: 'SuppressedCount', threshold: 5 } },
    ])
  })

  it('never stores a subject key', async () => {
    for (const table of [...DATA_TABLES, 'ops.import_runs']) {
      const [row] = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} t WHERE t::text LIKE '%pseudo-%'`)
      expect(row!.n, table).toBe(0)
    }
  })

  it('re-running the day changes nothing', async () => {
    const before = await t.db.query('SELECT * FROM subjects.project_overlaps ORDER BY project_id, other_project_id, day')
    await collectInternalCounts(t.db, config, [DAY])
    expect(await t.db.query('SELECT * FROM subjects.project_overlaps ORDER BY project_id, other_project_id, day')).toEqual(before)
  })

  it('says which query failed and why, and logs the failure', async () => {
    const broken: InternalCountsConfig = {
      components: { HD_INTEGRATION: { databaseUrl: source.url, query: 'SELECT nothing FROM nowhere' } },
    }
    await expect(collectInternalCounts(t.db, broken, [DAY])).rejects.toThrow(/The query of HD_INTEGRATION failed: .*nowhere/)
    const wrongShape: InternalCountsConfig = {
      components: { HD_INTEGRATION: { databaseUrl: source.url, query: `SELECT 'BCFR' AS project, -1 AS records, 1 AS unique_subjects` } },
    }
    await expect(collectInternalCounts(t.db, wrongShape, [DAY])).rejects.toThrow(
      /HD_INTEGRATION \(internal-counts query\), row 1: column "records" must be a whole number from 0; got -1/,
    )
    // The query that failed is logged as failed; the rows it refused, as refused with the reason.
    const [refused, logged] = await t.db.query<{ outcome: string; message: string }>(
      `SELECT outcome, message FROM ops.import_runs WHERE source = 'internal-counts' ORDER BY id DESC LIMIT 2`,
    )
    expect(logged!.outcome).toBe('failed')
    expect(refused!.outcome).toBe('refused')
    expect(refused!.message).toMatch(/column "records" must be a whole number/)
  })
})
