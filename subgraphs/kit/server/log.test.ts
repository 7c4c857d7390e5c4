/**
 * A subgraph's log: pino JSON lines named after the subgraph, at the level
 * its settings give, and a line about a request carries the id the gateway
 * sent in x-request-id (or one the subgraph made when none came); each
 * request leaves one access line at info, probes theirs at debug.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { REQUEST_ID_HEADER } from '../../../platform/headers.js'
import { IDENTITY_HEADER, signIdentity } from '../../../platform/identity.js'
import { records } from '../../records/index.js'
import { loadPublicationRegistry } from '../catalogue/publications.js'
import type { Db } from '../store/db.js'
import { receivedRequestId } from './log.js'
import { createSubgraphServer } from './subgraph.js'

const SECRET = 's'.repeat(32)
const QUERY =
  '{ _entities(representations: [{ __typename: "ResearchProject", id: "p-1" }]) { ... on ResearchProject { studyRecordCounts { __typename } } } }'

/**
 * A store whose every statement fails, as one that lost a table would (with
 * PostgreSQL's SQLSTATE, as the drivers give it): the subgraph's errors are
 * unexpected ones, not a store out of reach.
 */
const brokenStore = {
  query: async () => {
    throw Object.assign(new Error('relation "records.study_record_counts" does not exist'), { code: '42P01', severity: 'ERROR' })
  },
} as unknown as Db

describe("a subgraph's log", () => {
  const lines: Record<string, unknown>[] = []
  let app: FastifyInstance

  beforeAll(async () => {
    app = await createSubgraphServer(records, {
      db: brokenStore,
      registry: loadPublicationRegistry({ available: 'ALL' }),
      settings: { identitySecret: SECRET, suppressionThreshold: 5, logLevel: 'warn' },
      logDestination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
    })
  })
  afterAll(async () => {
    await app?.close()
  })

  const ask = (requestId?: string) =>
    app.inject({
      method: 'POST',
      url: '/graphql',
      headers: {
        'content-type': 'application/json',
        [IDENTITY_HEADER]: signIdentity({ sub: 'r-1', name: 'R', roles: ['researcher'], projects: ['p-1'] }, SECRET),
        ...(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}),
      },
      payload: { query: QUERY },
    })

  it('names the request id the gateway sent on the line about an unexpected error, for each request its own', async () => {
    for (const id of ['req-first-0001', 'req-second-0002']) {
      const response = await ask(id)
      expect(response.statusCode).toBe(200)
      expect(response.json().errors).toHaveLength(1)
    }
    expect(lines).toEqual([
      expect.objectContaining({
        name: 'hd4res-records',
        level: 50,
        requestId: 'req-first-0001',
        msg: 'unexpected error at _entities.0.studyRecordCounts',
      }),
      expect.objectContaining({
        name: 'hd4res-records',
        level: 50,
        requestId: 'req-second-0002',
        msg: 'unexpected error at _entities.0.studyRecordCounts',
      }),
    ])
    expect(lines[0]!.err).toMatchObject({ message: expect.stringMatching(/study_record_counts/) })
  })

  it('makes an id of its own for a call that names none, and refuses one that is not a plain token', () => {
    expect(receivedRequestId({ [REQUEST_ID_HEADER]: 'abc.DEF:12-3_4' })).toBe('abc.DEF:12-3_4')
    for (const headers of [
      {},
      { [REQUEST_ID_HEADER]: 'two words' },
      { [REQUEST_ID_HEADER]: 'x'.repeat(101) },
      { [REQUEST_ID_HEADER]: ['a', 'b'] },
    ]) {
      expect(receivedRequestId(headers)).toMatch(/^[0-9a-f-]{36}$/)
    }
  })
})

describe("a subgraph's access lines", () => {
  const lines: Record<string, unknown>[] = []
  const raw: string[] = []
  let app: FastifyInstance

  beforeAll(async () => {
    app = await createSubgraphServer(records, {
      db: brokenStore,
      registry: loadPublicationRegistry({ available: 'ALL' }),
      settings: { identitySecret: SECRET, suppressionThreshold: 5, logLevel: 'info' },
      logDestination: {
        write: (line: string) => {
          raw.push(line)
          lines.push(JSON.parse(line) as Record<string, unknown>)
        },
      },
    })
  })
  afterAll(async () => {
    await app?.close()
  })

  it('writes one line per request with its operation, status, outcome and time, and nothing of what was asked or who asked', async () => {
    const identity = signIdentity({ sub: 'r-1', name: 'Researcher Name', roles: ['researcher'], projects: ['p-1'] }, SECRET)
    const response = await app.inject({
      method: 'POST',
      url: '/graphql',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: identity, [REQUEST_ID_HEADER]: 'req-access-0001' },
      payload: {
        query:
          'query Dashboard__records__1($p: ID!) { _entities(representations: [{ __typename: "ResearchProject", id: $p }]) { __typename } }',
        operationName: 'Dashboard__records__1',
        variables: { p: 'variable-value-never-logged' },
      },
    })
    expect(response.statusCode).toBe(200)
    const unsigned = await app.inject({ method: 'POST', url: '/graphql', payload: { query: '{ __typename }' } })
    expect(unsigned.statusCode).toBe(401)
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200)

    const access = lines.filter((l) => l.msg === 'request')
    expect(access).toEqual([
      expect.objectContaining({
        name: 'hd4res-records',
        level: 30,
        requestId: 'req-access-0001',
        method: 'POST',
        route: '/graphql',
        status: 200,
        outcome: 'ok',
        operation: 'Dashboard__records__1',
        durationMs: expect.any(Number),
      }),
      expect.objectContaining({ level: 30, route: '/graphql', status: 401, outcome: 'UNAUTHENTICATED', requestId: expect.any(String) }),
    ])
    // The probe's line is at debug: not written at info.
    expect(lines.some((l) => l.route === '/healthz')).toBe(false)
    for (const line of raw) {
      expect(line).not.toContain('variable-value-never-logged')
      expect(line).not.toContain(identity)
      expect(line).not.toContain('Researcher Name')
      expect(line).not.toContain('_entities(')
    }
  })
})
