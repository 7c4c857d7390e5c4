/**
 * Boots the whole graph for a test, in memory on PGlite or, for the
 * 'postgres' engine, in a fresh database on the server named by DATABASE_URL,
 * and talks to it over HTTP as a frontend would.
 */
import { readSettings } from '../../platform/settings.js'
import { DEMO_RESEARCHER, startEmbeddedGraph, type EmbeddedGraph, type EmbeddedGraphOptions } from '../../launch/embedded.js'
import { openDb, type Db } from '../../subgraphs/kit/store/db.js'
import type { PublicationRegistry } from '../../subgraphs/kit/catalogue/publications.js'
import { createScratchDatabase } from './scratchDatabase.js'

export type Engine = 'pglite' | 'postgres'

/** The engines to run end-to-end suites on: PGlite always, PostgreSQL when DATABASE_URL is set. */
export const ENGINES: Engine[] = process.env.DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']

/** The last day of the test platform's daily data. */
export const TEST_END_DATE = '2026-11-21'

export interface GraphQLResponse<T = Record<string, any>> {
  status: number
  headers: Headers
  body: { data?: T | null; errors?: { message: string; extensions?: Record<string, unknown>; path?: unknown[] }[] }
}

export interface TestGraph {
  graph: EmbeddedGraph
  db: Db
  /** POSTs a query to the gateway with the demo researcher's token, or the given one (null: none). */
  query<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GraphQLResponse<T>>
  tokenFor(sub: string, roles?: string[]): Promise<string>
  demoToken: string
  close(): Promise<void>
}

export async function startTestGraph(
  options: {
    engine?: Engine
    registry?: PublicationRegistry
    demo?: false
    env?: Record<string, string>
    /** Serve this (already filled) database instead of a fresh one; the caller closes it. */
    reuseDb?: Db
    /** The clock component status moves with (startEmbeddedGraph's clock). */
    clock?: EmbeddedGraphOptions['clock']
    /** The demo's live checks (startEmbeddedGraph's liveChecks); off by default. */
    liveChecks?: EmbeddedGraphOptions['liveChecks']
  } = {},
): Promise<TestGraph> {
  const engine = options.engine ?? 'pglite'
  const database = engine === 'postgres' && !options.reuseDb ? await createScratchDatabase('postgres', 'hd4res_test') : null
  const db = options.reuseDb ?? (await openDb({ databaseUrl: database?.url, poolSize: 5 }))
  // Tests change the store behind the graph's back: the response and subgraph caches are off unless a test turns them on.
  const settings = readSettings({
    PORT: '0',
    HD4RES_DEMO_SIZE: 'small',
    LOG_LEVEL: 'silent',
    HD4RES_RESPONSE_CACHE: 'off',
    HD4RES_SUBGRAPH_CACHE_MB: '0',
    REDIS_URL: '',
    ...options.env,
  })
  const graph = await startEmbeddedGraph({
    settings,
    inMemory: true,
    db,
    registry: options.registry,
    demo: options.demo === false ? false : { endDate: TEST_END_DATE, seed: 42 },
    clock: options.clock,
    liveChecks: options.liveChecks,
  })
  // With an OIDC provider configured, tokens come from the test's own issuer.
  const demoToken = graph.issuer ? await graph.token(DEMO_RESEARCHER) : ''
  return {
    graph,
    db,
    demoToken,
    tokenFor: (sub, roles = ['researcher']) => graph.token({ sub, roles }),
    async query(query, variables, token = demoToken) {
      const response = await fetch(graph.graphqlUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      })
      const text = await response.text()
      let body
      try {
        body = JSON.parse(text)
      } catch {
        throw new Error(`The gateway answered ${response.status} with a body that is not JSON: ${text.slice(0, 200)}`)
      }
      return { status: response.status, headers: response.headers, body }
    },
    async close() {
      await graph.close()
      if (!options.reuseDb) {
        await db.close()
        await database?.drop()
      }
    },
  }
}
