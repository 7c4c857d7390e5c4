/**
 * The safety net under error paths: whatever path an error arrives with, the
 * answer's error names a path the answer holds (response names and integer
 * indices), or none, never the query plan's "@" or a subgraph's "_entities".
 */
import { ApolloServer } from '@apollo/server'
import { GraphQLError, parse } from 'graphql'
import type { Logger } from 'pino'
import { describe, expect, it } from 'vitest'
import { answerPath, errorReporting, formatGatewayError, responseNamesOf } from './graphqlErrors.js'
import type { GatewayContext } from './options.js'

const NAMES = new Set(['projects', 'id', 'incidents', 'x', 'a', 'components', 'status', 'me'])
const COMPONENTS = { components: [{ status: null }, { status: null }, { status: { up: true } }, { status: null }] }

describe('answerPath', () => {
  it('keeps a path the answer holds, as it is', () => {
    expect(answerPath(['components', 3, 'status'], COMPONENTS, NAMES)).toEqual(['components', 3, 'status'])
    expect(answerPath(['projects', 1, 'incidents'], null, NAMES)).toEqual(['projects', 1, 'incidents'])
    expect(answerPath(['x', 'a'], { x: null }, NAMES)).toEqual(['x', 'a'])
  })

  it('cuts the plan path of an entity fetch back to the nearest field the answer holds', () => {
    expect(answerPath(['projects', '@', '_entities', '0', 'incidents'], null, NAMES)).toEqual(['projects'])
    expect(answerPath(['x', '_entities', '0', 'a'], { x: null }, NAMES)).toEqual(['x'])
    expect(answerPath(['components', '@', 'status'], COMPONENTS, NAMES)).toEqual(['components'])
  })

  it('reads a string of digits as the index it stands for, and only within the list', () => {
    expect(answerPath(['components', '3', 'status'], COMPONENTS, NAMES)).toEqual(['components', 3, 'status'])
    expect(answerPath(['projects', '2', 'incidents'], null, NAMES)).toEqual(['projects', 2, 'incidents'])
    expect(answerPath(['components', '4', 'status'], COMPONENTS, NAMES)).toEqual(['components'])
    expect(answerPath(['components', '01', 'status'], COMPONENTS, NAMES)).toEqual(['components'])
  })

  it('cuts at an index that is no list index, a field the answer lacks, or a step into a value', () => {
    expect(answerPath(['components', -1, 'status'], COMPONENTS, NAMES)).toEqual(['components'])
    expect(answerPath(['components', 1.5, 'status'], COMPONENTS, NAMES)).toEqual(['components'])
    expect(answerPath(['components', 2, 'status', 'down'], COMPONENTS, NAMES)).toEqual(['components', 2, 'status'])
    expect(answerPath(['components', 2, 'status', 'up', 'more'], COMPONENTS, NAMES)).toEqual(['components', 2, 'status', 'up'])
    expect(answerPath(['components', 'status'], COMPONENTS, NAMES)).toEqual(['components'])
    expect(answerPath(['me', 0], { me: { id: 'r' } }, NAMES)).toEqual(['me'])
  })

  it('past a null, keeps indices and the names the operation asked for, and nothing else', () => {
    expect(answerPath(['projects', 0, 'unknownField'], null, NAMES)).toEqual(['projects', 0])
    expect(answerPath(['projects', '@', 'incidents'], null, NAMES)).toEqual(['projects'])
  })

  it('drops a path of which the answer holds nothing', () => {
    expect(answerPath(['_entities', 0, 'incidents'], { projects: [] }, NAMES)).toBeUndefined()
    expect(answerPath(['@'], null, NAMES)).toBeUndefined()
    expect(answerPath([], null, NAMES)).toBeUndefined()
  })
})

describe('responseNamesOf', () => {
  it('lists the aliases and names the document asks for, fragments and __typename included', () => {
    const document = parse(`query Q { mine: projects { id ...P } me { __typename } }
      fragment P on ResearchProject { open: incidents(first: 1) { totalCount } code }`)
    expect([...responseNamesOf(document)].sort()).toEqual(['__typename', 'code', 'id', 'me', 'mine', 'open', 'totalCount'])
    expect(responseNamesOf(undefined).size).toBe(0)
  })
})

describe('an Apollo server with the gateway’s error formatting', () => {
  const warnings: { detail: Record<string, unknown>; message: string }[] = []
  const logger = { warn: (detail: Record<string, unknown>, message: string) => warnings.push({ detail, message }) } as unknown as Logger
  // Errors that arrive with a path already set, as a subgraph's errors do through @apollo/gateway.
  const failing = (path: (string | number)[]) => () => {
    throw new GraphQLError('refused', { path, extensions: { code: 'FORBIDDEN', serviceName: 'support' } })
  }
  const server = new ApolloServer<GatewayContext>({
    typeDefs: `type Project { id: ID! incidents: Int! }
      type Query { projects: [Project] project: Project }`,
    resolvers: {
      Query: { projects: () => [{ id: 'p1' }, { id: 'p2' }], project: () => ({ id: 'p3' }) },
      Project: {
        incidents: (project: { id: string }) => {
          if (project.id === 'p1') return failing(['projects', '@', '_entities', '0', 'incidents'])()
          if (project.id === 'p2') return failing(['projects', 1, 'incidents'])()
          return failing(['x', '_entities', '0', 'incidents'])()
        },
      },
    },
    formatError: formatGatewayError(false),
    plugins: [errorReporting(logger)],
  })
  const run = async (query: string) => {
    await server.startInBackgroundHandlingStartupErrorsByLoggingAndFailingAllRequests()
    const response = await server.executeOperation({ query }, { contextValue: { requestId: 'req-1' } as GatewayContext })
    if (response.body.kind !== 'single') throw new Error('expected a single result')
    return response.body.singleResult
  }

  it('answers each error at a path of the answer, with its code, its service and the request id', async () => {
    warnings.length = 0
    const result = await run('{ projects { id incidents } x: project { id incidents } }')
    expect(result.data).toEqual({ projects: [null, null], x: null })
    expect(result.errors?.map((e) => e.path)).toEqual([['projects'], ['projects', 1, 'incidents'], ['x']])
    for (const error of result.errors ?? []) {
      expect(error.extensions).toMatchObject({ code: 'FORBIDDEN', serviceName: 'support', requestId: 'req-1' })
      expect(error.message).toBe('refused')
    }
  })

  it('logs each path it corrected, with the request id, and leaves correct ones unlogged', async () => {
    warnings.length = 0
    await run('{ projects { id incidents } x: project { id incidents } }')
    expect(warnings.filter((w) => w.message.includes('error path'))).toEqual([
      {
        detail: { requestId: 'req-1', path: ['projects', '@', '_entities', '0', 'incidents'], answerPath: ['projects'] },
        message: expect.stringContaining('error path'),
      },
      {
        detail: { requestId: 'req-1', path: ['x', '_entities', '0', 'incidents'], answerPath: ['x'] },
        message: expect.stringContaining('error path'),
      },
    ])
  })
})
