/**
 * The attacker against crafted data that puts one or two subjects behind each
 * path, imported the way production data arrives: HD4DevOps count documents
 * through collectHd4devopsCounts, and the internal components, overlaps and
 * subjects in several studies through collectInternalCounts from a source
 * database of study records. The data is made from individual records, so
 * every relation between the counts holds as it would in real data:
 *  (1) an installation with 2 records of 1 subject, another with 2 records of 2;
 *  (2) one installation whose subjects go 273 -> 275 from one day to the next;
 *  (3) an HD4DP v2 Local day of 102 subjects = 100 + 1 + 1, then days where the
 *      two small installations grow to 3-4 together and the large one moves a little;
 *  (4) overlaps of 1 and 2 subjects, and a platform-wide figure of 1, 2, 3;
 *  (5) a project whose internal components lag HD4DP by 1-2 records.
 * The installations are listed without their counts: the attacker follows
 * each as a series it never reads and solves for it through the total, HD
 * Integration and the neighbouring days. Published the old ways, the same
 * cells are pinned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readSettings } from '../../platform/settings.js'
import { collectHd4devopsCounts, type CountsDocument } from '../../collectors/hd4devops.js'
import type { SourceDocument } from '../../collectors/input.js'
import { collectInternalCounts, type InternalCountsConfig } from '../../collectors/internal.js'
import { openDb } from '../../subgraphs/kit/store/db.js'
import { loadPublicationRegistry } from '../../subgraphs/kit/catalogue/publications.js'
import { ENGINES, startTestGraph, type TestGraph } from '../helpers/graph.js'
import { createScratchDatabase, type ScratchDatabase } from '../helpers/scratchDatabase.js'
import { isPinned, describeBounds } from './attacker.js'
import { crawl, readTruth, LOCAL, type Crawl, type PublishedCount } from './observe.js'
import { buildModel, explainBreaches, republish, type Model } from './model.js'
import { breachReport, familiesReport, soundnessReport } from './report.js'

const THRESHOLD = readSettings({}).suppressionThreshold
/** How an installation's count reads now: not collected, with this reason. */
const WITHHELD_PART = /^Counts per installation are not published/
/**
 * Families that do not hold on the crafted data, on purpose: HD4DevOps lists
 * an installation before its first record (hd4dp.tiny-two.be on the first day).
 */
const REFUTED = [
  'an installation listed for the day has at least 1 (records)',
  'an installation listed for the day has at least 1 (subjects)',
]
const DAYS = ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06']

const PROJECTS = [
  { id: 'prj-c001', code: 'PIN-RECORDS', hosts: ['hd4dp.tiny.be', 'hd4dp.tiny-two.be', 'hd4dp.large-a.be'] },
  { id: 'prj-c002', code: 'TWO-NEW', hosts: ['hd4dp.steady.be', 'hd4dp.large-b.be'] },
  { id: 'prj-c003', code: 'HUNDRED-TWO', hosts: ['hd4dp.hundred.be', 'hd4dp.one-a.be', 'hd4dp.one-b.be'] },
  { id: 'prj-c004', code: 'IN-TRANSIT', hosts: ['hd4dp.transit.be'] },
]

/** One study record: entered at an installation on a day, reaching HD Integration (and the warehouse) `lag` days later. */
interface StudyRecord {
  project: string
  host: string
  subject: string
  day: number
  lag: number
}

function craftRecords(): StudyRecord[] {
  const out: StudyRecord[] = []
  const add = (project: string, host: string, subject: string, day: number, copies = 1, lag = 0) => {
    for (let k = 0; k < copies; k++) out.push({ project, host, subject, day, lag })
  }
  /** Subjects `from`..`to` - 1 of a site, each with one record, and every `followUp`-th with a second. */
  const cohort = (project: string, host: string, prefix: string, from: number, to: number, day: number, followUp = 2) => {
    for (let i = from; i < to; i++) add(project, host, `${prefix}-${i}`, day, i % followUp === 0 ? 2 : 1)
  }
  // (1) Records = 2 behind a withheld subject count.
  add('PIN-RECORDS', 'hd4dp.tiny.be', 'tiny-1', 0, 2)
  add('PIN-RECORDS', 'hd4dp.tiny.be', 'tiny-2', 3)
  add('PIN-RECORDS', 'hd4dp.tiny-two.be', 'tiny-two-1', 1)
  add('PIN-RECORDS', 'hd4dp.tiny-two.be', 'tiny-two-2', 1)
  DAYS.forEach((_, d) => cohort('PIN-RECORDS', 'hd4dp.large-a.be', 'large-a', d * 7, d * 7 + (d === 0 ? 60 : 7), d))
  // (2) 273 -> 275 -> 275 -> 279 at one installation.
  cohort('TWO-NEW', 'hd4dp.steady.be', 'steady', 0, 273, 0, 3)
  cohort('TWO-NEW', 'hd4dp.steady.be', 'steady', 273, 275, 1, 3)
  add('TWO-NEW', 'hd4dp.steady.be', 'steady-0', 2)
  cohort('TWO-NEW', 'hd4dp.steady.be', 'steady', 275, 279, 3, 3)
  cohort('TWO-NEW', 'hd4dp.steady.be', 'steady', 279, 290, 5, 3)
  DAYS.forEach((_, d) => cohort('TWO-NEW', 'hd4dp.large-b.be', 'large-b', d * 5, d * 5 + (d === 0 ? 40 : 5), d))
  // (3) 102 = 100 + 1 + 1, then the pair grows to 3-4 together and the large site a little.
  const hundred = [100, 100, 101, 101, 102, 103]
  const oneA = [1, 2, 2, 3, 4, 5]
  const oneB = [1, 1, 2, 2, 3, 4]
  DAYS.forEach((_, d) => {
    cohort('HUNDRED-TWO', 'hd4dp.hundred.be', 'hundred', d === 0 ? 0 : hundred[d - 1]!, hundred[d]!, d, 2)
    cohort('HUNDRED-TWO', 'hd4dp.one-a.be', 'one-a', d === 0 ? 0 : oneA[d - 1]!, oneA[d]!, d, 1_000)
    cohort('HUNDRED-TWO', 'hd4dp.one-b.be', 'one-b', d === 0 ? 0 : oneB[d - 1]!, oneB[d]!, d, 1_000)
  })
  // (5) HD Integration and the warehouse lag HD4DP by the 1 or 2 records entered last each day.
  DAYS.forEach((_, d) => {
    const fresh = d % 2 === 0 ? 2 : 1
    for (let k = 0; k < (d === 0 ? 40 : 3) + fresh; k++)
      add('IN-TRANSIT', 'hd4dp.transit.be', `transit-${d}-${k}`, d, 1, k >= (d === 0 ? 40 : 3) ? 1 : 0)
  })
  // (4) Subjects in two studies: 1 then 2 between the first two projects, 1 from the third day between the last
  // two, and 6 more between the second and third from the fifth day.
  add('PIN-RECORDS', 'hd4dp.large-a.be', 'shared-ab-1', 0)
  add('TWO-NEW', 'hd4dp.large-b.be', 'shared-ab-1', 0)
  add('PIN-RECORDS', 'hd4dp.large-a.be', 'shared-ab-2', 3)
  add('TWO-NEW', 'hd4dp.large-b.be', 'shared-ab-2', 3)
  add('HUNDRED-TWO', 'hd4dp.hundred.be', 'shared-cd-1', 2)
  add('IN-TRANSIT', 'hd4dp.transit.be', 'shared-cd-1', 2)
  for (let i = 0; i < 6; i++) {
    add('TWO-NEW', 'hd4dp.large-b.be', `shared-bc-${i}`, 4)
    add('HUNDRED-TWO', 'hd4dp.hundred.be', `shared-bc-${i}`, 4)
  }
  return out
}

/** The HD4DevOps document of HD4DP v2 Local for one day: every project, and every installation. */
function localDocument(records: readonly StudyRecord[], d: number): CountsDocument {
  const upTo = records.filter((r) => r.day <= d)
  const count = (list: readonly StudyRecord[]) => ({ records: list.length, uniqueSubjects: new Set(list.map((r) => r.subject)).size })
  return {
    format: 'hd4devops-counts/1',
    component: LOCAL,
    day: DAYS[d]!,
    generatedAt: `${DAYS[d]}T23:30:00Z`,
    projects: PROJECTS.map((p) => {
      const mine = upTo.filter((r) => r.project === p.code)
      return {
        project: p.code,
        ...count(mine),
        installations: p.hosts.map((host) => ({ installation: host, ...count(mine.filter((r) => r.host === host)) })),
      }
    }),
  }
}

// The internal components' own database, one row per study record with the day it reached them: in production
// a PostgreSQL server, here the test's server when there is one (an embedded store otherwise), shared by both engines.
const RECORDS = craftRecords()
let source: ScratchDatabase
beforeAll(async () => {
  source = await createScratchDatabase(process.env.DATABASE_URL ? 'postgres' : 'pglite', 'hd4res_source')
  const db = await openDb({ databaseUrl: source.url, poolSize: 1 })
  await db.exec('CREATE SCHEMA flow; CREATE TABLE flow.records (project_code text, subject_key text, arrived date)')
  const arrived = RECORDS.filter((r) => r.day + r.lag < DAYS.length)
  await db.query(`INSERT INTO flow.records SELECT * FROM unnest($1::text[], $2::text[], $3::date[])`, [
    arrived.map((r) => r.project),
    arrived.map((r) => r.subject),
    arrived.map((r) => DAYS[r.day + r.lag]!),
  ])
  await db.close()
})
afterAll(async () => {
  await source?.drop()
})

describe.each(ENGINES)('the attacker on crafted small cells, on %s', (engine) => {
  let t: TestGraph
  let seen: Crawl
  let model: Model
  let truth: Map<string, Map<string, number>>

  beforeAll(async () => {
    t = await startTestGraph({ engine, demo: false, registry: loadPublicationRegistry({ available: 'ALL' }) })
    // The registry: projects, their data providers' installations, and a researcher of every project.
    const hosts = [...new Set(PROJECTS.flatMap((p) => p.hosts))]
    for (const [i, host] of hosts.entries()) {
      await t.db.query(`INSERT INTO participants.organisations (id, name, type, identifier) VALUES ($1, $2, 'HOSPITAL', $3)`, [
        `org-c${i}`,
        `Hospital ${host}`,
        `7100${i}000`,
      ])
      await t.db.query(`INSERT INTO participants.installations (id, organisation_id, host) VALUES ($1, $2, $3)`, [
        `inst-c${i}`,
        `org-c${i}`,
        host,
      ])
    }
    for (const p of PROJECTS)
      await t.db.query(`INSERT INTO participants.projects (id, code, name, description) VALUES ($1, $2, $2, 'crafted')`, [p.id, p.code])
    await t.db.query(`INSERT INTO participants.researchers (id, display_name) VALUES ('curious-researcher', 'Curious Researcher')`)
    await t.db.query(
      `INSERT INTO participants.memberships (researcher_id, project_id) SELECT 'curious-researcher', id FROM participants.projects`,
    )

    const documents: SourceDocument[] = DAYS.map((day, d) => ({
      name: `crafted/${LOCAL}/${day}.json`,
      text: async () => JSON.stringify(localDocument(RECORDS, d)),
    }))
    const outcomes = await collectHd4devopsCounts(t.db, documents)
    expect(outcomes.map((o) => (o.status === 'refused' ? o.error.message : o.status))).toEqual(DAYS.map(() => 'imported'))

    const counts = {
      databaseUrl: source.url,
      query: `SELECT project_code AS project, count(*) AS records, count(DISTINCT subject_key) AS unique_subjects
              FROM flow.records WHERE arrived <= $1::date GROUP BY project_code`,
    }
    const config: InternalCountsConfig = {
      components: { HD_INTEGRATION: counts, HD_DWH_STAGING: counts, HD_DWH_EXPLOITATION: counts },
      multiStudy: {
        databaseUrl: source.url,
        query: 'SELECT project_code AS project, subject_key FROM flow.records WHERE arrived <= $1::date',
      },
    }
    const runs = await collectInternalCounts(t.db, config, DAYS)
    expect(runs.map((r) => r.outcome)).toEqual(DAYS.map(() => 'succeeded'))

    seen = await crawl(t, await t.tokenFor('curious-researcher'))
    truth = await readTruth(t.db)
    model = buildModel(seen, truth, { threshold: THRESHOLD })
    console.info(
      `[privacy ${engine}] crafted: ${seen.requests} requests, ${seen.observations.length} published counts over ${seen.days.length} days; ` +
        `${model.seriesCount} series, ${model.attack.relations.length} relations, ${model.solved.rounds} rounds; ` +
        `bounds on ExactCount: ${seen.banded ? 'yes' : 'no, values read as exact'}\n${familiesReport(model, true)}`,
    )
  })
  afterAll(async () => {
    await t?.close()
  })

  /** Bounds on a quantity, after checking that its true value is the small number the case is about. */
  const attacked = (key: string, truth: number, to: string, from?: string, against: Model = model) => {
    const a = against.attack
    const s = a.find(key)
    expect(s, `the attacker has no quantity ${key}`).toBeDefined()
    const [i, j] = [from ? a.node(from) : 0, a.node(to)]
    const t0 = from ? a.truth(s!, i) : 0
    const t1 = a.truth(s!, j)
    expect(t0 !== undefined && t1 !== undefined ? t1 - t0 : undefined, `true value of ${key}`).toBe(truth)
    const b = a.bounds(s!, i, j)
    return {
      b,
      message: `${a.series[s!]!.label}, ${from ? `change from ${from} to ${to}` : `on ${to}`}: derived ${describeBounds(b)}, true ${truth}`,
    }
  }
  const expectHidden = (key: string, truth: number, to: string, from?: string) => {
    const { b, message } = attacked(key, truth, to, from)
    expect(isPinned(b, THRESHOLD), message).toBe(false)
    expect(b.lo <= truth && truth <= b.hi, `unsound: ${message}`).toBe(true)
  }

  it('reads every crafted project, day and overlap, and finds every installation listed without its count', () => {
    expect(seen.projects.map((p) => p.id)).toEqual(PROJECTS.map((p) => p.id))
    expect(seen.days).toEqual(DAYS)
    for (const kind of ['records', 'subjects'] as const) {
      for (const p of PROJECTS) {
        for (const day of DAYS) {
          const listed = seen.installations.filter((i) => i.kind === kind && i.project === p.id && i.day === day)
          expect(listed.map((i) => i.host).sort(), `${kind} of ${p.code} on ${day}`).toEqual([...p.hosts].sort())
          for (const i of listed) {
            expect(i.count.__typename, `${kind} of ${p.code} at ${i.host} on ${day}`).toBe('NotCollected')
            expect(i.count.reason, `${kind} of ${p.code} at ${i.host} on ${day}`).toMatch(WITHHELD_PART)
          }
        }
        for (const host of p.hosts) expect(model.attack.find(`${kind}|${p.id}|${LOCAL}|${host}`), `${kind} at ${host}`).toBeDefined()
      }
    }
    expect(seen.installations).toHaveLength(2 * DAYS.length * PROJECTS.reduce((n, p) => n + p.hosts.length, 0))
    expect(
      seen.observations.filter((o) => o.key.split('|').length === 4),
      'installation counts read',
    ).toEqual([])
    expect(model.attack.find('overlap|prj-c001|prj-c002')).toBeDefined()
    expect(model.attack.find('multi')).toBeDefined()
    // Both pipeline views of every project on every day: HD4DP v2 Local -> HD Integration -> Staging -> Exploitation.
    expect(seen.pipelines).toHaveLength(2 * DAYS.length * PROJECTS.length * 3)
    expect(new Set(seen.pipelines.map((a) => `${a.from.join('+')}>${a.to}`))).toEqual(
      new Set([`${LOCAL}>HD_INTEGRATION`, 'HD_INTEGRATION>HD_DWH_STAGING', 'HD_DWH_STAGING>HD_DWH_EXPLOITATION']),
    )
  })

  it('reads the same cell the same way on every path', () => {
    expect(model.inconsistencies, JSON.stringify(model.inconsistencies.slice(0, 10), null, 1)).toEqual([])
  })

  it('uses only relations that hold on the ground truth, and real data satisfies them all', () => {
    // Made from individual records, the crafted data satisfies every family the attacker knows but those it refutes on purpose.
    expect(
      model.verdicts.filter((v) => v.counterexample).map((v) => v.family),
      familiesReport(model),
    ).toEqual(REFUTED)
    expect(
      model.verdicts.every((v) => v.checked > 0),
      familiesReport(model),
    ).toBe(true)
    for (const where of ['installation', 'component']) {
      for (const family of [
        `subjects <= records (${where})`,
        `new subjects <= new records between two days (${where})`,
        `records >= 1 implies subjects >= 1 (${where})`,
      ]) {
        expect(
          model.verdicts.map((v) => v.family),
          family,
        ).toContain(family)
      }
    }
    for (const family of [
      'cumulative: records per installation',
      'cumulative: subjects per installation',
      'HD4DP v2 Local total = sum of its installations (records)',
      'HD4DP v2 Local total = sum of its installations (subjects)',
      'an installation <= the HD4DP v2 Local total (subjects)',
    ]) {
      expect(
        model.verdicts.map((v) => v.family),
        family,
      ).toContain(family)
    }
  })

  it('is sound: every published count and every derived bound contains the true value', () => {
    expect(soundnessReport(model)).toBe('sound')
  })

  it('records = 2 at an installation do not bound its withheld subjects to 1..2', () => {
    expectHidden(`subjects|prj-c001|${LOCAL}|hd4dp.tiny.be`, 1, DAYS[0]!)
    expectHidden(`subjects|prj-c001|${LOCAL}|hd4dp.tiny-two.be`, 2, DAYS[1]!)
    expectHidden(`records|prj-c001|${LOCAL}|hd4dp.tiny.be`, 2, DAYS[0]!)
  })

  it('two days do not give away the two patients who arrived in between (273 -> 275)', () => {
    expectHidden(`subjects|prj-c002|${LOCAL}|hd4dp.steady.be`, 2, DAYS[1]!, DAYS[0]!)
    expectHidden(`subjects|prj-c002|${LOCAL}|hd4dp.steady.be`, 4, DAYS[3]!, DAYS[2]!)
  })

  it('a total of 102 = 100 + 1 + 1 and its neighbouring days pin neither small installation nor the pair', () => {
    for (const [d, a, b] of [
      [0, 1, 1],
      [1, 2, 1],
      [2, 2, 2],
      [3, 3, 2],
      [4, 4, 3],
    ] as const) {
      expectHidden(`subjects|prj-c003|${LOCAL}|hd4dp.one-a.be`, a, DAYS[d]!)
      expectHidden(`subjects|prj-c003|${LOCAL}|hd4dp.one-b.be`, b, DAYS[d]!)
      if (a + b < THRESHOLD) expectHidden(`subjects|prj-c003|${LOCAL}|hd4dp.one-a.be+hd4dp.one-b.be`, a + b, DAYS[d]!)
    }
    // The large installation moves by 2 (one new patient of its own and one also in another study).
    expectHidden(`subjects|prj-c003|${LOCAL}|hd4dp.hundred.be`, 2, DAYS[2]!, DAYS[1]!)
  })

  it('small overlaps and a small platform-wide figure stay withheld', () => {
    expectHidden('overlap|prj-c001|prj-c002', 1, DAYS[0]!)
    expectHidden('overlap|prj-c001|prj-c002', 2, DAYS[3]!)
    expectHidden('overlap|prj-c003|prj-c004', 1, DAYS[2]!)
    expectHidden('multi', 1, DAYS[0]!)
    expectHidden('multi', 2, DAYS[2]!)
    expectHidden('multi', 3, DAYS[3]!)
  })

  it('internal components that lag HD4DP by 1-2 records do not give the records in transit away', () => {
    const key = (kind: string) => `${kind}|prj-c004|transit|${LOCAL}|HD_INTEGRATION`
    expectHidden(key('records'), 2, DAYS[0]!)
    expectHidden(key('records'), 1, DAYS[1]!)
    expectHidden(key('subjects'), 2, DAYS[0]!)
  })

  it('has teeth: published the old way (records exact, subjects withheld below T, installations published), these cells are pinned', () => {
    const old = (key: string, value: number): PublishedCount =>
      key.startsWith('records|') || value === 0 || value >= THRESHOLD
        ? { __typename: 'ExactCount', value }
        : { __typename: 'SuppressedCount', threshold: THRESHOLD }
    const exact = buildModel(republish(seen, truth, false, old), truth, { threshold: THRESHOLD })
    expect(soundnessReport(exact)).toBe('sound')
    const expectPinned = (key: string, value: number, to: string, from?: string) => {
      const { b, message } = attacked(key, value, to, from, exact)
      expect(isPinned(b, THRESHOLD), message).toBe(true)
      return b
    }
    // Records = 2 at hd4dp.tiny.be (and hd4dp.tiny-two.be at 0 beside the total) leave 1 subject, or at most 2.
    expect(expectPinned(`subjects|prj-c001|${LOCAL}|hd4dp.tiny.be`, 1, DAYS[0]!).hi).toBeLessThanOrEqual(2)
    expect(expectPinned(`subjects|prj-c002|${LOCAL}|hd4dp.steady.be`, 2, DAYS[1]!, DAYS[0]!)).toEqual({ lo: 2, hi: 2 })
    expect(expectPinned(`subjects|prj-c003|${LOCAL}|hd4dp.one-a.be`, 1, DAYS[0]!)).toEqual({ lo: 1, hi: 1 })
    expect(expectPinned(`subjects|prj-c003|${LOCAL}|hd4dp.one-b.be`, 1, DAYS[0]!)).toEqual({ lo: 1, hi: 1 })
  })

  it('has teeth: installations published in bands beside their banded total give a small one of HUNDRED-TWO away', () => {
    const band = (_key: string, value: number): PublishedCount => {
      if (value === 0) return { __typename: 'ExactCount', value: 0, lowerBound: 0, upperBound: 0 }
      if (value < THRESHOLD) return { __typename: 'SuppressedCount', threshold: THRESHOLD }
      const low = Math.floor(value / THRESHOLD) * THRESHOLD
      return { __typename: 'ExactCount', value: low, lowerBound: low, upperBound: low + THRESHOLD - 1 }
    }
    const banded = buildModel(republish(seen, truth, true, band), truth, { threshold: THRESHOLD })
    expect(soundnessReport(banded)).toBe('sound')
    const small = banded.attack
      .breaches()
      .filter(
        (b) => b.category === 'subjects per installation' && banded.attack.series[b.series]!.key.startsWith(`subjects|prj-c003|${LOCAL}|`),
      )
    expect(small.length, breachReport(banded.attack.breaches())).toBeGreaterThan(0)
  })

  it('has teeth: the pipeline difference published exactly, not worked out from the bands, gives the records in transit away', () => {
    const exact = seen.pipelines.map((a) => {
      const value = (c: string) => truth.get(`${a.kind}|${a.project}|${c}`)?.get(a.day)
      const ups = a.from.map(value)
      const down = value(a.to)
      if (ups.some((u) => u === undefined) || down === undefined) return a
      const v = ups.reduce((s: number, u) => s + u!, 0) - down
      return { ...a, difference: { lo: v, hi: v } }
    })
    const leaky = buildModel({ ...seen, pipelines: exact }, truth, { threshold: THRESHOLD })
    expect(soundnessReport(leaky)).toBe('sound')
    const { b, message } = attacked(`records|prj-c004|transit|${LOCAL}|HD_INTEGRATION`, 2, DAYS[0]!, undefined, leaky)
    expect(isPinned(b, THRESHOLD), message).toBe(true)
  })

  it(`pins no count of records or subjects to a range inside 1..${THRESHOLD - 1}`, () => {
    const breaches = model.attack.breaches()
    const why = breaches.length
      ? `\n  a smallest set of relations that still pins some of them:\n    - ${explainBreaches(seen, truth, model).join('\n    - ')}`
      : ''
    expect(breaches.length, breachReport(breaches) + why).toBe(0)
  })
})
