/**
 * Query plans: the history path reads the counts tables through their primary
 * key, never by scanning them. The statements are the ones the subgraphs run
 * for a real history request through the gateway, explained with their own
 * parameters on a table large enough for the planner to choose freely.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDb, type Db } from '../subgraphs/kit/store/db.js'
import { loadPublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import { ENGINES, startTestGraph, type TestGraph } from './helpers/graph.js'
import { createScratchDatabase, type ScratchDatabase } from './helpers/scratchDatabase.js'

const HISTORY = `query History($id: ID!) { project(id: $id) {
  studyRecordCountHistory(from: "2025-11-22", to: "2026-11-21") { ... on StudyRecordCountHistory { series { points { date } } } }
  uniqueSubjectCountHistory(from: "2025-11-22", to: "2026-11-21") { ... on UniqueSubjectCountHistory { series { points { date } } } }
} }`

const COUNTS_TABLES = ['study_record_counts', 'unique_subject_counts']

/** Remembers every statement and its parameters. */
function recording(db: Db): Db & { log: { sql: string; params?: readonly unknown[] }[] } {
  const recorded = Object.create(db) as Db & { log: { sql: string; params?: readonly unknown[] }[] }
  recorded.log = []
  recorded.query = ((sql: string, params?: readonly unknown[]) => {
    recorded.log.push({ sql, params })
    return db.query(sql, params)
  }) as Db['query']
  return recorded
}

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  Plans?: PlanNode[]
}

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...(plan.Plans ?? []).flatMap(nodes)]
}

describe.each(ENGINES)('history query plans (%s)', (engine) => {
  let scratch: ScratchDatabase
  let raw: Db
  let t: TestGraph

  beforeAll(async () => {
    scratch = await createScratchDatabase(engine, 'hd4res_explain')
    raw = await openDb({ databaseUrl: scratch.url })
    t = await startTestGraph({ registry: loadPublicationRegistry({ available: 'ALL' }), reuseDb: raw })
    // 300 more projects with a year of daily counts in 9 components: about a million rows per table.
    for (const table of COUNTS_TABLES) {
      const column = table === 'study_record_counts' ? 'records' : 'subjects'
      const schema = table === 'study_record_counts' ? 'records' : 'subjects'
      await raw.query(
        `INSERT INTO ${schema}.${table} (project_id, component_id, day, ${column}, source, collected_at)
         SELECT 'bulk-' || p, 'C' || c, DATE '2025-11-22' + d, p + c + d, 'HD4DEVOPS', now()
         FROM generate_series(1, 300) p, generate_series(1, 9) c, generate_series(0, 364) d`,
      )
      await raw.query(`ANALYZE ${schema}.${table}`)
    }
    await t.close()
    t = await startTestGraph({ registry: loadPublicationRegistry({ available: 'ALL' }), reuseDb: recording(raw) })
  }, 240_000)
  afterAll(async () => {
    await t?.close()
    await raw?.close()
    await scratch?.drop()
  })

  it('reads the counts tables by key for a year of history', async () => {
    const db = t.db as ReturnType<typeof recording>
    const project = (
      await raw.query<{ project_id: string }>(
        'SELECT project_id FROM participants.memberships WHERE researcher_id = $1 ORDER BY 1 LIMIT 1',
        ['researcher-0001'],
      )
    )[0]!.project_id
    db.log.length = 0
    const res = await t.query(HISTORY, { id: project })
    expect(res.body.errors).toBeUndefined()
    const historyStatements = db.log.filter((s) => COUNTS_TABLES.some((table) => s.sql.includes(table)) && /BETWEEN/.test(s.sql))
    // One range statement per counts table: the records and the subjects history.
    expect(historyStatements).toHaveLength(2)
    for (const statement of historyStatements) {
      const [row] = await raw.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] | string }>(
        `EXPLAIN (FORMAT JSON) ${statement.sql}`,
        statement.params as never,
      )
      const explained = row!['QUERY PLAN']
      const plan = (typeof explained === 'string' ? JSON.parse(explained) : explained)[0].Plan as PlanNode
      const onCounts = nodes(plan).filter((n) => n['Relation Name'] && COUNTS_TABLES.includes(n['Relation Name']))
      expect(onCounts.length).toBeGreaterThan(0)
      expect(onCounts.map((n) => `${n['Node Type']} on ${n['Relation Name']}`)).not.toContainEqual(expect.stringMatching(/^Seq Scan/))
      // An index scan, or a bitmap heap scan fed by the primary key's index.
      expect(onCounts.map((n) => n['Node Type'])).toEqual(
        onCounts.map(() => expect.stringMatching(/^(Index Scan|Index Only Scan|Bitmap Heap Scan)$/)),
      )
    }
  })
})
