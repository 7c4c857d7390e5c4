/**
 * The cost limits through the gateway over HTTP, at their defaults: what a
 * field costs depends on its arguments and the operation's variables (a
 * history's days and components, a page's size, times what is beneath), an
 * operation over HD4RES_MAX_COST or a batch over HD4RES_MAX_BATCH_COST is
 * refused before anything runs, with a message that names the setting and
 * the field; and an answer over HD4RES_MAX_ANSWER_BYTES is not sent. Each
 * refusal is set beside a request just under it that is answered.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadPublicationRegistry } from '../../subgraphs/kit/catalogue/publications.js'
import { startTestGraph, TEST_END_DATE, type GraphQLResponse, type TestGraph } from '../helpers/graph.js'

/** The example frontend's history operation (the typed client is made from it): a chart of every component. */
const RECORD_HISTORY = readFileSync(path.resolve(import.meta.dirname, '../../operations/RecordCountHistory.graphql'), 'utf8')

/** A chart's history as points (date and count for each day of each component), with the example's variables. */
const POINTS_HISTORY = `query PointsHistory($projectId: ID!, $from: Date!, $to: Date!, $components: [ComponentId!]) { project(id: $projectId) {
  studyRecordCountHistory(from: $from, to: $to, components: $components) { __typename
    ... on StudyRecordCountHistory { from to series { component { id name } points { date count { __typename ... on ExactCount { value } ... on NotCollected { reason } } } } } } } }`

/** The same history (twelve fields for each day of each component) with the dates in the text, for a batch of them. */
const historyOn = (from: string, to: string) => `{ project(id: "prj-0001") {
  studyRecordCountHistory(from: "${from}", to: "${to}") { __typename
    ... on StudyRecordCountHistory { from to series { component { id name } points { date count { __typename ... on ExactCount { value } ... on NotCollected { reason } } } } }
    ... on PublicationUnderDevelopment { message } } } }`

/** Eight lists of every project's incidents: what a page costs is its size times what each item asks. */
const incidentsEverywhere = (selection: string) =>
  `query Incidents($n: Int) { ${Array.from({ length: 8 }, (_, i) => `p${i}: projects { incidents(first: $n) { ... on IncidentConnection { ${selection} } } }`).join(' ')} }`
const EDGES = 'edges { node { number shortDescription state priority openedAt updatedAt closedAt } }'

const ONE_YEAR = { from: '2025-11-21', to: TEST_END_DATE }
const THREE_YEARS = { from: '2023-11-22', to: TEST_END_DATE }

type Answer = { status: number; body: GraphQLResponse['body'][] }

describe('the cost limits', () => {
  let t: TestGraph

  const batch = async (queries: string[], token = t.demoToken): Promise<Answer> => {
    const response = await fetch(t.graph.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(queries.map((query) => ({ query }))),
    })
    return { status: response.status, body: (await response.json()) as GraphQLResponse['body'][] }
  }
  const expectAnswered = (res: GraphQLResponse) => {
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(200)
    expect(res.body.errors).toBeUndefined()
  }
  const expectTooComplex = (res: GraphQLResponse, message: RegExp) => {
    expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(400)
    expect(res.body.data).toBeUndefined()
    expect(res.body.errors).toHaveLength(1)
    expect(res.body.errors![0]!.extensions!.code).toBe('QUERY_TOO_COMPLEX')
    expect(res.body.errors![0]!.message).toMatch(message)
  }

  beforeAll(async () => {
    t = await startTestGraph({ registry: loadPublicationRegistry({ available: 'ALL' }) })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('refuses a three-year history of every component, naming the field, its range and the setting; answers one year', async () => {
    const three = await t.query(POINTS_HISTORY, { projectId: 'prj-0001', ...THREE_YEARS })
    expectTooComplex(three, /^Query Cost limit of 60000 exceeded, found \d+ \(HD4RES_MAX_COST\): /)
    expect(three.body.errors![0]!.message).toMatch(/studyRecordCountHistory over 1,096 days × 10 components costs the most/)
    expect(three.body.errors![0]!.message).toMatch(/shorter range or fewer components/)

    const one = await t.query(POINTS_HISTORY, { projectId: 'prj-0001', ...ONE_YEAR })
    expectAnswered(one)
    const series = one.body.data!.project.studyRecordCountHistory.series
    expect(series.length).toBeGreaterThan(0)
    for (const s of series) expect(s.points).toHaveLength(366)
  })

  it('answers the example chart’s compact form of the same three years: it costs once per component, not per day', async () => {
    const three = await t.query(RECORD_HISTORY, { projectId: 'prj-0001', ...THREE_YEARS })
    expectAnswered(three)
    const series = three.body.data!.project.studyRecordCountHistory.series
    expect(series.length).toBeGreaterThan(1)
    for (const s of series) expect(s.compact.values).toHaveLength(1096)
  })

  it('counts the components asked: three years of two components are answered', async () => {
    const two = await t.query(POINTS_HISTORY, { projectId: 'prj-0001', ...THREE_YEARS, components: ['HD4DP_V2_LOCAL', 'HD_INTEGRATION'] })
    expectAnswered(two)
    expect(two.body.data!.project.studyRecordCountHistory.series.map((s: any) => s.points.length)).toEqual([1096, 1096])
  })

  it('takes the variables into account: the same document over three years is refused, over one year answered', async () => {
    const query = `query H($from: Date!, $to: Date!) { project(id: "prj-0001") { studyRecordCountHistory(from: $from, to: $to) {
      ... on StudyRecordCountHistory { series { component { id } points { date count { __typename ... on ExactCount { value } } } } } } } }`
    expectTooComplex(await t.query(query, THREE_YEARS), /over 1,096 days × 10 components/)
    expectAnswered(await t.query(query, ONE_YEAR))
  })

  it('refuses three one-year histories in one batch by the batch total, and runs none of them; answers two', async () => {
    const years = [historyOn('2023-11-22', '2024-11-21'), historyOn('2024-11-22', '2025-11-21'), historyOn('2025-11-22', TEST_END_DATE)]
    // Each one alone is under the limit of an operation.
    for (const query of years) expectAnswered(await t.query(query))

    const three = await batch(years)
    expect(three.status).toBe(400)
    expect(three.body).toHaveLength(3)
    for (const answer of three.body) {
      expect(answer.data).toBeUndefined()
      expect(answer.errors![0]!.extensions!.code).toBe('QUERY_TOO_COMPLEX')
      expect(answer.errors![0]!.message).toMatch(
        /^Batch cost limit of 120000 exceeded, found \d+ over 3 operations \(HD4RES_MAX_BATCH_COST\): /,
      )
      // Two of the three years have 365 days.
      expect(answer.errors![0]!.message).toMatch(/studyRecordCountHistory over 365 days × 10 components, asked 2 times, costs the most/)
    }

    const two = await batch(years.slice(1))
    expect(two.status).toBe(200)
    for (const answer of two.body) {
      expect(answer.errors).toBeUndefined()
      expect(answer.data!.project.studyRecordCountHistory.series.length).toBeGreaterThan(0)
    }
  })

  it('counts first: 100 on incidents times the fields beneath each incident', async () => {
    const refused = await t.query(incidentsEverywhere(EDGES), { n: 100 })
    expectTooComplex(refused, /\(HD4RES_MAX_COST\)/)
    expect(refused.body.errors![0]!.message).toMatch(/projects counted as 10 items, asked 8 times, costs the most/)
    expect(refused.body.errors![0]!.message).toMatch(/of the ranges and pages, incidents with first: 100 costs the most/)
    // A smaller page, or less beneath each item, is under the limit.
    expectAnswered(await t.query(incidentsEverywhere(EDGES), { n: 10 }))
    expectAnswered(await t.query(incidentsEverywhere('totalCount'), { n: 100 }))
  })

  it('answers the example operations and a dashboard over every project', async () => {
    const overview = readFileSync(path.resolve(import.meta.dirname, '../../operations/ProjectOverview.graphql'), 'utf8')
    expectAnswered(await t.query(overview))
    const incidents = readFileSync(path.resolve(import.meta.dirname, '../../operations/ProjectIncidents.graphql'), 'utf8')
    expectAnswered(await t.query(incidents, { projectId: 'prj-0001', first: 100 }))
  })
})

describe('the answer-size limit', () => {
  let t: TestGraph
  /** Large enough for a quarter of history of every component, too small for a year of it. */
  const MAX_ANSWER_BYTES = 200_000

  beforeAll(async () => {
    t = await startTestGraph({
      registry: loadPublicationRegistry({ available: 'ALL' }),
      env: { HD4RES_MAX_ANSWER_BYTES: String(MAX_ANSWER_BYTES) },
    })
  })
  afterAll(async () => {
    await t?.close()
  })

  /** A quarter of history of every component: some 30 kB. */
  const quarter = historyOn('2026-08-22', TEST_END_DATE)

  it('does not send an answer larger than HD4RES_MAX_ANSWER_BYTES, and says how to ask for less', async () => {
    const year = await t.query(historyOn(ONE_YEAR.from, ONE_YEAR.to))
    expect(year.status).toBe(400)
    expect(year.body.data).toBeUndefined()
    expect(year.body.errors).toHaveLength(1)
    expect(year.body.errors![0]!.extensions!.code).toBe('ANSWER_TOO_LARGE')
    expect(year.body.errors![0]!.message).toMatch(/^The answer is larger than 200,000 bytes \(HD4RES_MAX_ANSWER_BYTES\)/)
    expect(year.body.errors![0]!.message).toMatch(/shorter range, fewer components/)
    expect(typeof year.body.errors![0]!.extensions!.requestId).toBe('string')

    const answered = await t.query(quarter)
    expect(answered.status).toBe(200)
    expect(answered.body.errors).toBeUndefined()
    expect(JSON.stringify(answered.body).length).toBeLessThan(MAX_ANSWER_BYTES)
  })

  it('holds for a batch’s answer as a whole', async () => {
    const single = JSON.stringify((await t.query(quarter)).body).length
    // Enough quarters that their answers together pass the limit, each well under it.
    const count = Math.floor(MAX_ANSWER_BYTES / single) + 1
    expect(count).toBeLessThanOrEqual(10)
    const response = await fetch(t.graph.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.demoToken}` },
      body: JSON.stringify(Array.from({ length: count }, () => ({ query: quarter }))),
    })
    const text = await response.text()
    expect(response.status).toBe(400)
    expect(text.length).toBeLessThanOrEqual(MAX_ANSWER_BYTES)
    const answers = JSON.parse(text) as GraphQLResponse['body'][]
    expect(answers).toHaveLength(count)
    const refused = answers.filter((a) => a.errors?.[0]?.extensions?.code === 'ANSWER_TOO_LARGE')
    expect(refused.length).toBeGreaterThan(0)
    expect(refused[0]!.errors![0]!.message).toMatch(/^The batch's answer would be larger than 200,000 bytes \(HD4RES_MAX_ANSWER_BYTES\)/)
    expect(answers.filter((a) => a.data).length).toBeGreaterThan(0)
  })
})
