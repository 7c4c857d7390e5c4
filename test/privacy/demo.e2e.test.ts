/**
 * The attacker against the demo platform with every publication available:
 * a researcher who is a member of every project reads every project, every
 * day of history, every installation listed and every overlap through the
 * gateway, and tries to solve for any withheld or banded count, the
 * installations' unpublished counts included. No quantity whose true value is
 * 1..T-1 may come out narrower than "between 1 and T-1".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readSettings } from '../../platform/settings.js'
import { loadPublicationRegistry } from '../../subgraphs/kit/catalogue/publications.js'
import { ENGINES, startTestGraph, type TestGraph } from '../helpers/graph.js'
import { crawl, LOCAL, readTruth, type Crawl, type PublishedCount } from './observe.js'
import { buildModel, republish, type Model } from './model.js'
import { breachReport, familiesReport, soundnessReport } from './report.js'

const THRESHOLD = readSettings({}).suppressionThreshold
/** How an installation's count reads now: not collected, with this reason. */
const WITHHELD_PART = /^Counts per installation are not published/

/**
 * Relation families the demo platform is built to satisfy and without which
 * the attack would lose its teeth: they must hold. The attacker checks every
 * other family on the ground truth and skips the ones that do not hold (the
 * run's summary names them with a counterexample). On the demo platform these
 * do not hold and are skipped: "records >= 1 implies subjects >= 1" (a project
 * with several records per subject has 1 record of 0 subjects), and, because
 * each day's HD4DP v2 Local count is split across installations afresh,
 * "cumulative per installation", "new subjects <= new records at an
 * installation" and "an installation listed for the day has at least 1" (a
 * small site's share of a small count comes out as 0). The installations'
 * counts are not published: these families, the total against its
 * installations, are what the attacker knows of them.
 */
const REQUIRED = [
  'cumulative: records per project and component',
  'cumulative: subjects per project and component',
  'subjects <= records (component)',
  'subjects <= records (installation)',
  'new subjects <= new records between two days (component)',
  'HD4DP v2 Local total = sum of its installations (records)',
  'HD4DP v2 Local total <= sum of its installations (subjects)',
  'an installation <= the HD4DP v2 Local total (records)',
  'an installation <= the HD4DP v2 Local total (subjects)',
  'overlap(P, Q) = overlap(Q, P)',
  'overlap <= subjects of either project in HD DWH Exploitation',
]

describe.each(ENGINES)('the attacker on the demo platform, on %s', (engine) => {
  let t: TestGraph
  let seen: Crawl
  let model: Model
  let truth: Map<string, Map<string, number>>

  beforeAll(async () => {
    t = await startTestGraph({ engine, registry: loadPublicationRegistry({ available: 'ALL' }) })
    await t.db.query(`INSERT INTO participants.researchers (id, display_name) VALUES ('curious-researcher', 'Curious Researcher')`)
    await t.db.query(
      `INSERT INTO participants.memberships (researcher_id, project_id) SELECT 'curious-researcher', id FROM participants.projects`,
    )
    const started = Date.now()
    seen = await crawl(t, await t.tokenFor('curious-researcher'))
    const read = Date.now()
    truth = await readTruth(t.db)
    model = buildModel(seen, truth, { threshold: THRESHOLD })
    console.info(
      `[privacy ${engine}] demo: ${seen.requests} requests, ${seen.observations.length} published counts over ${seen.days.length} days (${read - started} ms); ` +
        `${model.seriesCount} series, ${model.attack.relations.length} relations, ${model.solved.rounds} rounds (${Date.now() - read} ms); ` +
        `bounds on ExactCount: ${seen.banded ? 'yes' : 'no, values read as exact'}\n${familiesReport(model, true)}`,
    )
  })
  afterAll(async () => {
    await t?.close()
  })

  it('reads every project, every day and every overlap, and finds every installation listed without its count', async () => {
    const projects = await t.db.query<{ id: string }>('SELECT id FROM participants.projects ORDER BY id')
    expect(seen.projects.map((p) => p.id)).toEqual(projects.map((p) => p.id))
    const [span] = await t.db.query<{ days: number }>('SELECT count(DISTINCT day)::int AS days FROM records.study_record_counts')
    expect(seen.days).toHaveLength(span!.days)
    // Every installation the store holds for a day is listed for that day, and nothing else is, but for days
    // whose HD4DP v2 Local total is withheld: there the listing would say how many sites hold someone.
    for (const kind of ['records', 'subjects'] as const) {
      const column = kind === 'records' ? 'records' : 'subjects'
      const table = kind === 'records' ? 'records.study_record_counts' : 'subjects.unique_subject_counts'
      const rows = await t.db.query<{ p: string; host: string; day: string }>(
        `SELECT i.project_id AS p, COALESCE(i.host, i.installation_id) AS host, i.day::text AS day
         FROM ${kind}.installation_counts i
         JOIN ${table} c ON c.project_id = i.project_id AND c.day = i.day AND c.component_id = 'HD4DP_V2_LOCAL'
         WHERE NOT (c.${column} BETWEEN 1 AND $1) ORDER BY 1, 3, 2`,
        [THRESHOLD - 1],
      )
      expect(rows.length, `${kind}: stored installation counts`).toBeGreaterThan(0)
      const stored = rows.map((r) => `${r.p}|${r.day}|${r.host}`)
      const listed = seen.installations.filter((i) => i.kind === kind).map((i) => `${i.project}|${i.day}|${i.host}`)
      expect(new Set(listed).size, `${kind}: an installation listed twice on a day`).toBe(listed.length)
      expect([...listed].sort(), `${kind}: installations listed against those stored`).toEqual([...stored].sort())
    }
    // None of them with a count: each is NotCollected, with the reason.
    const published = seen.installations.filter((i) => i.count.__typename !== 'NotCollected' || !WITHHELD_PART.test(i.count.reason ?? ''))
    expect(published.slice(0, 5), `${published.length} installations read with a count or without the reason`).toEqual([])
    expect(seen.observations.filter((o) => o.key.split('|').length === 4).slice(0, 5), 'installation counts read').toEqual([])
    // The attacker follows every one of them all the same.
    const hidden = [...new Set(seen.installations.map((i) => `${i.kind}|${i.project}|${LOCAL}|${i.host}`))]
    expect(hidden.filter((key) => model.attack.find(key) === undefined)).toEqual([])
    expect(seen.observations.some((o) => o.key.startsWith('overlap|'))).toBe(true)
    expect(seen.observations.filter((o) => o.key === 'multi')).toHaveLength(seen.days.length)
    // Both pipeline views of every project on every day, each step checked against its cells ("the same cell ... every path").
    expect(new Set(seen.pipelines.map((a) => a.project)).size).toBe(projects.length)
    expect(seen.pipelines.some((a) => a.verdict === 'DELAYED')).toBe(true)
    // Small cells are there to be attacked.
    expect(seen.observations.filter((o) => o.count.__typename === 'SuppressedCount').length).toBeGreaterThan(0)
  })

  it('reads the same cell the same way on every path (a day against the history, either side of an overlap)', () => {
    const lines = model.inconsistencies
      .slice(0, 20)
      .map((i) => `  - ${i.key} on ${i.day}: ${i.paths[0]} says ${i.published[0]}, ${i.paths[1]} says ${i.published[1]}`)
    expect(model.inconsistencies.length, `${model.inconsistencies.length} cells read differently by two paths:\n${lines.join('\n')}`).toBe(
      0,
    )
  })

  it('uses only relations that hold on the ground truth, and those a researcher may assume do hold', () => {
    const failed = model.verdicts.filter((v) => v.counterexample).map((v) => v.family)
    for (const family of REQUIRED) {
      const verdict = model.verdicts.find((v) => v.family === family)
      expect(verdict, `family ${family} was never built`).toBeDefined()
      expect(verdict!.checked, family).toBeGreaterThan(0)
      expect(failed, `${family} does not hold on the demo platform:\n${familiesReport(model)}`).not.toContain(family)
    }
  })

  it('is sound: every published count and every derived bound contains the true value', () => {
    expect(soundnessReport(model)).toBe('sound')
  })

  it('has teeth: the same cells published the old way (records exact, subjects withheld below T, installations published) are pinned', () => {
    const old = (key: string, value: number): PublishedCount =>
      key.startsWith('records|') || value === 0 || value >= THRESHOLD
        ? { __typename: 'ExactCount', value }
        : { __typename: 'SuppressedCount', threshold: THRESHOLD }
    expect(seen.installations.length).toBeGreaterThan(0)
    const exact = buildModel(republish(seen, truth, false, old), truth, { threshold: THRESHOLD })
    expect(soundnessReport(exact)).toBe('sound')
    const pinned = new Set(exact.attack.breaches().map((b) => `${b.category}, ${b.from ? 'change' : 'value'}`))
    for (const sort of [
      'subjects per installation, value',
      'subjects per installation, change',
      'subjects per project and component, change',
      'overlaps, change',
    ]) {
      expect([...pinned], sort).toContain(sort)
    }
  })

  it(`pins no count of records or subjects to a range inside 1..${THRESHOLD - 1}`, () => {
    const breaches = model.attack.breaches()
    expect(breaches.length, breachReport(breaches)).toBe(0)
  })
})
