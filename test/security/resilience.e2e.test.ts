/**
 * A subgraph that goes down while the gateway runs: the other fields still
 * answer, the missing part gets one clear error naming the service (not its
 * address), and the graph heals when the subgraph returns, without a restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadPublicationRegistry } from '../../subgraphs/kit/catalogue/publications.js'
import { startTestGraph, type TestGraph } from '../helpers/graph.js'

// incidents is a non-null result union in the contract: while support is down
// the gateway answers it PublicationTemporarilyUnavailable (of which this query
// asks nothing), so its parent stays too, and the error names the service.
const QUERY = `{
  me { displayName }
  counts: project(id: "prj-0001") { name studyRecordCounts { __typename } }
  tickets: project(id: "prj-0001") { incidents(first: 2) { ... on IncidentConnection { totalCount } } }
}`

describe('a failing subgraph', () => {
  let t: TestGraph
  beforeAll(async () => {
    t = await startTestGraph({ registry: loadPublicationRegistry({ available: 'ALL' }), env: { HD4RES_SUBGRAPH_TIMEOUT_MS: '1500' } })
  })
  afterAll(async () => {
    await t?.close()
  })

  it('leaves the other fields answered, names the service, and heals when it returns', async () => {
    const healthy = await t.query(QUERY)
    expect(healthy.body.errors).toBeUndefined()
    const total = healthy.body.data!.tickets.incidents.totalCount

    expect((await fetch(`${t.graph.url}/readyz`)).status).toBe(200)
    await t.graph.stopSubgraph('support')
    // The readiness check above serves every probe for a second; the next one checks again.
    await new Promise((resolve) => setTimeout(resolve, 1100))
    // Degraded, not unready: every replica shares the outage, and the answers below still come.
    const degradedReady = await fetch(`${t.graph.url}/readyz`)
    expect(degradedReady.status).toBe(200)
    expect(((await degradedReady.json()) as { subgraphs: Record<string, string> }).subgraphs).toMatchObject({
      support: 'down',
      records: 'up',
    })
    const degraded = await t.query(QUERY)
    expect(degraded.status).toBe(200)
    expect(degraded.body.data!.me).toEqual(healthy.body.data!.me)
    expect(degraded.body.data!.counts).toEqual(healthy.body.data!.counts)
    expect(degraded.body.data!.tickets).toEqual({ incidents: {} })
    expect(degraded.body.errors).toHaveLength(1)
    const error = degraded.body.errors![0]!
    expect(error.message).toMatch(/^The support service could not be reached/)
    expect(error.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'support' })
    expect(JSON.stringify(degraded.body)).not.toMatch(/127\.0\.0\.1|localhost|:\d{4,5}\//)

    await t.graph.startSubgraph('support')
    expect((await fetch(`${t.graph.url}/readyz`)).status).toBe(200)
    const healed = await t.query(QUERY)
    expect(healed.body.errors).toBeUndefined()
    expect(healed.body.data!.tickets.incidents.totalCount).toBe(total)
  })

  it('gives up on a subgraph that hangs, after the timeout, and says so', async () => {
    // A server that accepts the connection and never answers, in place of records.
    const { createServer } = await import('node:net')
    await t.graph.stopSubgraph('records')
    const port = Number(new URL(t.graph.subgraphUrls.records!).port)
    const sockets: import('node:net').Socket[] = []
    const hang = createServer((socket) => sockets.push(socket))
    await new Promise<void>((resolve) => hang.listen(port, '127.0.0.1', resolve))
    try {
      const started = Date.now()
      const res = await t.query('{ me { displayName } project(id: "prj-0001") { studyRecordCounts { __typename } } }')
      expect(Date.now() - started).toBeLessThan(5000)
      expect(res.body.data!.me.displayName).toBeTruthy()
      expect(res.body.errors![0]!.message).toMatch(/^The records service did not answer in time/)
      expect(res.body.errors![0]!.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'records' })
    } finally {
      sockets.forEach((s) => s.destroy())
      await new Promise((resolve) => hang.close(resolve))
      await t.graph.startSubgraph('records')
    }
    const healed = await t.query('{ project(id: "prj-0001") { studyRecordCounts { __typename } } }')
    expect(healed.body.errors).toBeUndefined()
  })
})
