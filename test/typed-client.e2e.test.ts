/**
 * The example frontend operations, through the generated typed client: a
 * schema change that breaks them breaks this file's typecheck.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProjectIncidentsDocument, ProjectOverviewDocument, RecordCountHistoryDocument } from '../client/generated/graphql.js'
import { GraphQLRequestError, request } from '../client/request.js'
import { loadPublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import { startTestGraph, type TestGraph } from './helpers/graph.js'

describe('the typed client', () => {
  let t: TestGraph
  beforeAll(async () => {
    t = await startTestGraph({ registry: loadPublicationRegistry({ available: 'STUDY_RECORD_COUNTS' }) })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('reads the overview with its generated types', async () => {
    const data = await request(t.graph.graphqlUrl, t.demoToken, ProjectOverviewDocument)
    expect(data.me.displayName).toBe('An Peeters')
    const first = data.projects[0]!
    expect(first.studyRecordCounts.__typename).toBe('StudyRecordCounts')
    if (first.incidents.__typename === 'IncidentConnection') {
      expect(first.incidents.edges.every((e) => /^INC/.test(e.node.number))).toBe(true)
    } else {
      throw new Error('incidents should be published')
    }
  })

  it('draws a history from the typed compact form', async () => {
    const data = await request(t.graph.graphqlUrl, t.demoToken, RecordCountHistoryDocument, {
      projectId: 'prj-0001',
      from: '2026-11-15',
      to: '2026-11-21',
      components: ['HD_INTEGRATION'],
    })
    const history = data.project?.studyRecordCountHistory
    if (history?.__typename !== 'StudyRecordCountHistory') throw new Error('history should be published')
    const { compact } = history.series[0]!
    expect(compact).toMatchObject({ from: '2026-11-15', to: '2026-11-21', gaps: [] })
    expect(compact.values).toHaveLength(7)
    expect(compact.values.every((v) => typeof v === 'number' && v % compact.bandWidth === 0)).toBe(true)
  })

  it('turns a bad argument into an error that says what is wrong', async () => {
    await expect(request(t.graph.graphqlUrl, t.demoToken, ProjectIncidentsDocument, { projectId: 'prj-0001', first: 500 })).rejects.toThrow(
      GraphQLRequestError,
    )
    await expect(request(t.graph.graphqlUrl, t.demoToken, ProjectIncidentsDocument, { projectId: 'prj-0001', first: 500 })).rejects.toThrow(
      /"first" must be between 0 and 100; got 500/,
    )
  })
})
