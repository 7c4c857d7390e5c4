/**
 * Ours answers the benchmark's operations byte for byte as stock
 * @apollo/gateway does, in front of the same subgraphs: the same members in
 * the same order, the same values. Stock indents its answers (Apollo Server's
 * default); ours does not, so stock's text is compared once its whitespace is
 * taken out (parsed and written again, which keeps every member's order).
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway'
import { ApolloServer } from '@apollo/server'
import { startStandaloneServer } from '@apollo/server/standalone'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMPACT_HISTORY, DASHBOARD, HISTORY, INCIDENTS, PRIORITY_SETS, SMALL, STATE_SETS } from '../bench/queries.js'
import { IDENTITY_HEADER, signIdentity } from '../platform/identity.js'
import { startTestGraph, type TestGraph } from './helpers/graph.js'

const SUPERGRAPH = readFileSync(path.resolve(import.meta.dirname, '../schema/supergraph.graphql'), 'utf8')

describe('ours against stock @apollo/gateway, byte for byte', () => {
  let t: TestGraph
  let stock: ApolloServer<{ identity?: string }>
  let stockUrl: string
  let researchers: { id: string; projects: string[] }[]

  beforeAll(async () => {
    t = await startTestGraph({ env: { HD4RES_PUBLICATIONS_AVAILABLE: 'ALL' } })
    class Forwarding extends RemoteGraphQLDataSource<{ identity?: string }> {
      override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<{ identity?: string }>) {
        if (context.identity) request.http?.headers.set(IDENTITY_HEADER, context.identity)
      }
    }
    stock = new ApolloServer({
      gateway: new ApolloGateway({
        supergraphSdl: SUPERGRAPH,
        buildService: ({ name }) => new Forwarding({ url: t.graph.subgraphUrls[name] }),
      }),
    })
    ;({ url: stockUrl } = await startStandaloneServer(stock, {
      listen: { port: 0, host: '127.0.0.1' },
      context: async ({ req }) => ({ identity: req.headers[IDENTITY_HEADER] as string | undefined }),
    }))
    researchers = (
      await t.db.query<{ researcher_id: string; projects: string[] }>(
        `SELECT researcher_id, array_agg(project_id ORDER BY project_id) AS projects FROM participants.memberships
         GROUP BY researcher_id ORDER BY researcher_id LIMIT 4`,
      )
    ).map((r) => ({ id: r.researcher_id, projects: r.projects }))
  })
  afterAll(async () => {
    await stock?.stop()
    await t?.close()
  })

  async function both(researcher: { id: string; projects: string[] }, query: string, variables: Record<string, unknown>) {
    const body = JSON.stringify({ query, variables })
    const token = await t.tokenFor(researcher.id)
    const identity = signIdentity(
      { sub: researcher.id, name: researcher.id, roles: ['researcher'], projects: researcher.projects },
      t.graph.identitySecret,
    )
    const [ours, theirs] = await Promise.all([
      fetch(t.graph.graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body,
      }),
      fetch(stockUrl, { method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: identity }, body }),
    ])
    return { ours: { status: ours.status, text: await ours.text() }, stock: { status: theirs.status, text: await theirs.text() } }
  }

  const operations: [string, string, (r: { projects: string[] }, i: number) => Record<string, unknown>][] = [
    ['the project dashboard', DASHBOARD, (r) => ({ id: r.projects[0] })],
    ['the year-long history as points', HISTORY, (r) => ({ id: r.projects[0] })],
    ['the year-long history in the compact form', COMPACT_HISTORY, (r) => ({ id: r.projects[0] })],
    ['the publications', SMALL, () => ({})],
    [
      'filtered incidents',
      INCIDENTS,
      (r, i) => ({
        id: r.projects[i % r.projects.length],
        states: STATE_SETS[i % STATE_SETS.length],
        priorities: PRIORITY_SETS[i % PRIORITY_SETS.length],
      }),
    ],
  ]

  for (const [name, query, variables] of operations) {
    it(`answers ${name} as stock does`, async () => {
      expect(researchers.length).toBeGreaterThan(1)
      for (const [i, researcher] of researchers.entries()) {
        const { ours, stock: theirs } = await both(researcher, query, variables(researcher, i))
        expect(theirs.status).toBe(200)
        expect(ours.status).toBe(200)
        expect(JSON.parse(ours.text).errors).toBeUndefined()
        // Stock indents; the same answer without its whitespace is ours, byte for byte.
        expect(theirs.text).not.toBe(ours.text)
        expect(ours.text).toBe(JSON.stringify(JSON.parse(theirs.text)))
      }
    })
  }
})
