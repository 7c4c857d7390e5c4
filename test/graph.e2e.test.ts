/**
 * The graph end to end, through the gateway over HTTP, under the default
 * publications registry (only incidents published), on every engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ENGINES, startTestGraph, TEST_END_DATE, type GraphQLResponse, type TestGraph } from './helpers/graph.js'

describe.each(ENGINES)('the researcher graph on %s, default registry', (engine) => {
  let t: TestGraph
  /** The demo researcher's project with the most incidents. */
  let busiest: string
  beforeAll(async () => {
    t = await startTestGraph({ engine })
    const res = await t.query('{ projects { id incidents(first: 0) { ... on IncidentConnection { totalCount } } } }')
    busiest = res.body.data!.projects.sort((a: any, b: any) => b.incidents.totalCount - a.incidents.totalCount)[0].id
  })
  afterAll(async () => {
    await t?.close()
  })

  it('answers the overview query: incidents with data, record counts under development', async () => {
    const res = await t.query(`{
      projects { id name studyRecordCounts { __typename }
        incidents(first: 5) { __typename ... on IncidentConnection { totalCount edges { node { number state } } } } }
      publications { id state }
    }`)
    expect(res.status).toBe(200)
    expect(res.body.errors).toBeUndefined()
    const { projects, publications } = res.body.data!
    expect(projects.map((p: { id: string }) => p.id)).toEqual(['prj-0001', 'prj-0002', 'prj-0003'])
    for (const project of projects) {
      expect(project.studyRecordCounts.__typename).toBe('PublicationUnderDevelopment')
      expect(project.incidents.__typename).toBe('IncidentConnection')
      expect(project.incidents.edges.length).toBeLessThanOrEqual(5)
      for (const edge of project.incidents.edges) expect(edge.node.number).toMatch(/^INC\d{7}$/)
    }
    expect(projects.some((p: any) => p.incidents.totalCount > 0)).toBe(true)
    const states = Object.fromEntries(publications.map((p: { id: string; state: string }) => [p.id, p.state]))
    const contract: Record<string, string> = {
      STUDY_RECORD_COUNTS: 'UNDER_DEVELOPMENT',
      UNIQUE_SUBJECT_COUNTS: 'UNDER_DEVELOPMENT',
      MULTI_STUDY_SUBJECT_COUNTS: 'UNDER_DEVELOPMENT',
      DATA_PROVIDER_ORGANISATIONS: 'UNDER_DEVELOPMENT',
      DATA_PROVIDER_INDIVIDUALS: 'UNDER_DEVELOPMENT',
      DATA_USER_ORGANISATIONS: 'UNDER_DEVELOPMENT',
      DATA_USER_INDIVIDUALS: 'UNDER_DEVELOPMENT',
      COMPONENT_STATUS: 'UNDER_DEVELOPMENT',
      INCIDENTS: 'AVAILABLE',
      REQUESTS: 'UNDER_DEVELOPMENT',
    }
    expect(Object.fromEntries(Object.entries(states).filter(([id]) => id in contract))).toEqual(contract)
    // A publication a team adds (npm run new:subgraph) starts under development.
    for (const [id, state] of Object.entries(states)) if (!(id in contract)) expect(state).toBe('UNDER_DEVELOPMENT')
  })

  it('answers PublicationUnderDevelopment, with title and message, on every path of an unpublished publication', async () => {
    const pud = '__typename ... on PublicationUnderDevelopment { publication title message expectedAvailability }'
    const res = await t.query(`{
      project(id: "prj-0001") {
        studyRecordCounts { ${pud} }
        studyRecordCountHistory(from: "2026-11-01", to: "2026-11-02") { ${pud} }
        uniqueSubjectCounts { ${pud} }
        dataProviderOrganisations { ${pud} }
        dataProviderIndividuals { ${pud} }
        componentStatus { ${pud} }
        requests { ${pud} }
      }
      multiStudySubjectCounts { ${pud} }
      dataUserOrganisations { ${pud} }
      dataUserIndividuals { ${pud} }
      components { id status { ${pud} } }
    }`)
    expect(res.body.errors).toBeUndefined()
    const d = res.body.data!
    const expected: [unknown, string][] = [
      [d.project.studyRecordCounts, 'STUDY_RECORD_COUNTS'],
      [d.project.studyRecordCountHistory, 'STUDY_RECORD_COUNTS'],
      [d.project.uniqueSubjectCounts, 'UNIQUE_SUBJECT_COUNTS'],
      [d.project.dataProviderOrganisations, 'DATA_PROVIDER_ORGANISATIONS'],
      [d.project.dataProviderIndividuals, 'DATA_PROVIDER_INDIVIDUALS'],
      [d.project.componentStatus, 'COMPONENT_STATUS'],
      [d.project.requests, 'REQUESTS'],
      [d.multiStudySubjectCounts, 'MULTI_STUDY_SUBJECT_COUNTS'],
      [d.dataUserOrganisations, 'DATA_USER_ORGANISATIONS'],
      [d.dataUserIndividuals, 'DATA_USER_INDIVIDUALS'],
      ...d.components.map((c: { status: unknown }) => [c.status, 'COMPONENT_STATUS'] as [unknown, string]),
    ]
    for (const [value, publication] of expected) {
      expect(value).toMatchObject({ __typename: 'PublicationUnderDevelopment', publication })
      expect((value as { message: string }).message).toMatch(/under development/)
      expect((value as { title: string }).title.length).toBeGreaterThan(10)
    }
  })

  it('walks every page of a project’s incidents in a stable order, newest first', async () => {
    const first = await t.query(`{ project(id: "${busiest}") { incidents(first: 0) { ... on IncidentConnection { totalCount } } } }`)
    const total = first.body.data!.project.incidents.totalCount as number
    expect(total).toBeGreaterThan(10)
    const seen: { number: string; openedAt: string }[] = []
    let after: string | null = null
    let pages = 0
    for (;;) {
      const res: GraphQLResponse = await t.query(
        `query Page($after: String) { project(id: "${busiest}") { incidents(first: 7, after: $after) {
          ... on IncidentConnection { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { number openedAt } } } } } }`,
        { after },
      )
      expect(res.body.errors).toBeUndefined()
      const page: any = res.body.data!.project.incidents
      expect(page.totalCount).toBe(total)
      seen.push(...page.edges.map((e: { node: { number: string; openedAt: string } }) => e.node))
      pages++
      if (!page.pageInfo.hasNextPage) break
      expect(page.edges).toHaveLength(7)
      after = page.pageInfo.endCursor
    }
    expect(seen).toHaveLength(total)
    expect(pages).toBe(Math.ceil(total / 7))
    expect(new Set(seen.map((s) => s.number)).size).toBe(total)
    const order = [...seen].sort((a, b) => b.openedAt.localeCompare(a.openedAt) || b.number.localeCompare(a.number))
    expect(seen).toEqual(order)
  })

  it('walks the same incidents oldest first when asked', async () => {
    const res = await t.query(`{ project(id: "${busiest}") {
      newest: incidents(first: 100) { ... on IncidentConnection { edges { node { number } } } }
      oldest: incidents(first: 100, orderBy: OLDEST_FIRST) { ... on IncidentConnection { edges { node { number } } } } } }`)
    const newest = res.body.data!.project.newest.edges.map((e: any) => e.node.number)
    const oldest = res.body.data!.project.oldest.edges.map((e: any) => e.node.number)
    expect(oldest).toEqual([...newest].reverse())
  })

  it('filters incidents by state, priority, opening day and text', async () => {
    const res = await t.query(`{ project(id: "${busiest}") {
      all: incidents(first: 100) { ... on IncidentConnection { totalCount edges { node { number shortDescription state priority openedAt } } } }
      closed: incidents(first: 100, filter: { states: [CLOSED] }) { ... on IncidentConnection { totalCount edges { node { state } } } }
      urgent: incidents(first: 100, filter: { priorities: [CRITICAL, HIGH] }) { ... on IncidentConnection { totalCount edges { node { priority } } } }
      recent: incidents(first: 100, filter: { openedFrom: "2026-10-01", openedTo: "2026-10-31" }) { ... on IncidentConnection { totalCount edges { node { openedAt } } } }
    } }`)
    expect(res.body.errors).toBeUndefined()
    const p = res.body.data!.project
    const all = p.all.edges.map((e: any) => e.node)
    expect(p.closed.totalCount).toBe(all.filter((n: any) => n.state === 'CLOSED').length)
    expect(p.closed.edges.every((e: any) => e.node.state === 'CLOSED')).toBe(true)
    expect(p.urgent.totalCount).toBe(all.filter((n: any) => ['CRITICAL', 'HIGH'].includes(n.priority)).length)
    expect(p.recent.totalCount).toBe(all.filter((n: any) => n.openedAt >= '2026-10-01' && n.openedAt < '2026-11-01').length)
    // A word of a real description, in other letter case, finds every ticket that has it.
    const word = (all[0].shortDescription as string).split(/\s+/).find((w) => /^[A-Za-z]{5,}$/.test(w))!
    const text = await t.query(
      `query T($s: String) { project(id: "${busiest}") { incidents(first: 100, filter: { search: $s }) { ... on IncidentConnection { totalCount } } } }`,
      { s: word.toUpperCase() },
    )
    const matching = all.filter((n: any) => n.shortDescription.toLowerCase().includes(word.toLowerCase()) || n.number.includes(word))
    expect(matching.length).toBeGreaterThan(0)
    expect(text.body.data!.project.incidents.totalCount).toBe(matching.length)
  })

  it('searches ticket numbers too, and treats % and _ as plain characters', async () => {
    const all = await t.query(
      `{ project(id: "${busiest}") { incidents(first: 1) { ... on IncidentConnection { edges { node { number } } } } } }`,
    )
    const number = all.body.data!.project.incidents.edges[0].node.number as string
    const res = await t.query(
      `query S($n: String, $w: String) { project(id: "${busiest}") {
        byNumber: incidents(filter: { search: $n }) { ... on IncidentConnection { totalCount edges { node { number } } } }
        wildcard: incidents(filter: { search: $w }) { ... on IncidentConnection { totalCount } } } }`,
      { n: number.toLowerCase(), w: '%' },
    )
    expect(res.body.data!.project.byNumber.edges.map((e: any) => e.node.number)).toEqual([number])
    expect(res.body.data!.project.wildcard.totalCount).toBe(0)
  })

  it('shows a researcher only their own projects', async () => {
    const res = await t.query(
      `{ me { id displayName projects { id } } projects { id } other: project(id: "prj-0004") { id } missing: project(id: "no-such-project") { id } }`,
    )
    expect(res.body.errors).toBeUndefined()
    expect(res.body.data!.me).toEqual({
      id: 'researcher-0001',
      displayName: 'An Peeters',
      projects: [{ id: 'prj-0001' }, { id: 'prj-0002' }, { id: 'prj-0003' }],
    })
    expect(res.body.data!.other).toBeNull()
    expect(res.body.data!.missing).toBeNull()
    const stranger = await t.query('{ projects { id } me { id projects { id } } }', {}, await t.tokenFor('nobody-in-the-registry'))
    expect(stranger.body.data).toEqual({ projects: [], me: { id: 'nobody-in-the-registry', projects: [] } })
  })

  it('refuses a request without a valid token with 401 UNAUTHENTICATED', async () => {
    for (const token of [null, 'not-a-jwt']) {
      const res = await t.query('{ projects { id } }', {}, token)
      expect(res.status).toBe(401)
      expect(res.body.errors![0]!.extensions!.code).toBe('UNAUTHENTICATED')
    }
    const expired = await t.graph.token({ sub: 'researcher-0001' }, '-1m')
    const res = await t.query('{ projects { id } }', {}, expired)
    expect(res.status).toBe(401)
    expect(res.body.errors![0]!.message).toMatch(/expired/)
  })

  it('refuses calls straight to a subgraph without the gateway’s signed identity, _entities included', async () => {
    for (const url of Object.values(t.graph.subgraphUrls)) {
      for (const query of [
        '{ _service { sdl } }',
        '{ _entities(representations: [{ __typename: "ResearchProject", id: "prj-0001" }]) { __typename } }',
      ]) {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query }),
        })
        expect(response.status).toBe(401)
        const body = (await response.json()) as { errors: { extensions: { code: string } }[] }
        expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED')
      }
    }
  })

  it('answers /healthz and /readyz, on the gateway and on each subgraph', async () => {
    const response = await fetch(`${t.graph.url}/healthz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok' })
    expect(await (await fetch(`${t.graph.url}/readyz`)).json()).toEqual({
      status: 'ready',
      subgraphs: Object.fromEntries(Object.keys(t.graph.subgraphUrls).map((name) => [name, 'up'])),
    })
    for (const [name, url] of Object.entries(t.graph.subgraphUrls)) {
      const ready = await fetch(new URL('/readyz', url))
      expect(ready.status).toBe(200)
      expect(await ready.json()).toEqual({ status: 'ready', subgraph: name })
    }
  })

  describe('bad input gets an error that says what is wrong', () => {
    it('an unknown field', async () => {
      const res = await t.query('{ projects { id colour } }')
      expect(res.status).toBe(400)
      expect(res.body.errors![0]!.message).toMatch(/Cannot query field "colour" on type "ResearchProject"/)
    })

    it('a malformed date', async () => {
      const res = await t.query('{ project(id: "prj-0001") { incidents(filter: { openedFrom: "2026-13-45" }) { __typename } } }')
      expect(res.body.errors![0]!.message).toMatch(/YYYY-MM-DD/)
      expect(res.body.errors![0]!.message).toMatch(/2026-13-45/)
    })

    it.each([-1, 101])('first: %i', async (first) => {
      const res = await t.query(`{ project(id: "prj-0001") { incidents(first: ${first}) { __typename } } }`)
      expect(res.body.errors![0]!.message).toMatch(/"first" must be between 0 and 100/)
      expect(res.body.errors![0]!.extensions!.code).toBe('BAD_USER_INPUT')
      expect(res.body.data).toEqual({ project: null })
    })

    it('first: 100000, refused by the cost limit before anything runs', async () => {
      const res = await t.query('{ project(id: "prj-0001") { incidents(first: 100000) { __typename } } }')
      expect(res.status).toBe(400)
      expect(res.body.errors![0]!.message).toMatch(
        /^Query Cost limit of \d+ exceeded, found \d+ \(HD4RES_MAX_COST\): incidents with first: 100,000 costs the most/,
      )
      expect(res.body.errors![0]!.extensions!.code).toBe('QUERY_TOO_COMPLEX')
    })

    it('an unknown cursor', async () => {
      const res = await t.query('{ project(id: "prj-0001") { incidents(after: "bm90LWEtY3Vyc29y") { __typename } } }')
      expect(res.body.errors![0]!.message).toMatch(/"after" is not a cursor of this list/)
    })

    it('an unknown project id is null, as the contract says', async () => {
      const res = await t.query('{ project(id: "prj-9999") { id name } }')
      expect(res.body.errors).toBeUndefined()
      expect(res.body.data).toEqual({ project: null })
    })

    it('a request that is not GraphQL', async () => {
      const response = await fetch(t.graph.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${t.demoToken}` },
        body: '{"query": ',
      })
      expect(response.status).toBe(400)
      const after = await t.query('{ me { id } }')
      expect(after.body.data).toEqual({ me: { id: 'researcher-0001' } })
    })
  })

  it('reports when each publication was last collected', async () => {
    const res = await t.query('{ publications { id title lastCollectedAt } }')
    for (const p of res.body.data!.publications) {
      expect(p.title.length).toBeGreaterThan(10)
      expect(p.lastCollectedAt).toBe(`2026-11-22T04:00:00.000Z`)
    }
    expect(TEST_END_DATE).toBe('2026-11-21')
  })
})
