import Fastify, { type FastifyInstance } from 'fastify'
import { GraphQLError } from 'graphql'
import mercurius from 'mercurius'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { graphqlPathSegments, PATH_SEGMENT_SCHEMA, withGraphQLPathSegments } from './errorPaths.js'

describe('withGraphQLPathSegments', () => {
  const answer = {
    type: 'object',
    properties: {
      data: { type: ['object', 'null'] },
      errors: {
        type: 'array',
        items: { type: 'object', properties: { message: { type: 'string' }, path: { type: 'array', items: { type: 'string' } } } },
      },
    },
  }

  it('types the segments of an error path as integers or strings, and leaves the rest of the schema as it was', () => {
    const corrected = withGraphQLPathSegments(answer) as typeof answer
    expect(corrected.properties.errors.items.properties.path).toEqual({ type: 'array', items: PATH_SEGMENT_SCHEMA })
    expect(corrected.properties.errors.items.properties.message).toEqual({ type: 'string' })
    expect(corrected.properties.data).toBe(answer.properties.data)
  })

  it('does not change the schema it was given, which mercurius shares between its routes', () => {
    withGraphQLPathSegments(answer)
    expect(answer.properties.errors.items.properties.path.items).toEqual({ type: 'string' })
  })

  it('leaves a schema without GraphQL errors alone', () => {
    const other = { type: 'object', properties: { status: { type: 'string' } } }
    expect(withGraphQLPathSegments(other)).toBe(other)
    expect(withGraphQLPathSegments(undefined)).toBeUndefined()
  })
})

describe('a mercurius route with graphqlPathSegments', () => {
  let app: FastifyInstance
  const query = '{ shelves { name books { title } } }'

  beforeAll(async () => {
    app = Fastify()
    app.addHook('onRoute', graphqlPathSegments)
    await app.register(mercurius, {
      schema: `type Book { title: String }
        type Shelf { name: String! books: [Book!]! }
        type Query { shelves: [Shelf!]! }`,
      resolvers: {
        Query: {
          shelves: () => [
            { name: 'a', books: [{ title: 'x' }] },
            { name: 'b', books: [{ title: 'y' }, { title: 'z' }] },
          ],
        },
        Book: {
          title: (book: { title: string }) => {
            if (book.title === 'z') throw new GraphQLError('no title for z', { extensions: { code: 'FORBIDDEN' } })
            return book.title
          },
        },
      },
      // As the subgraphs run: the second execution of a document is compiled.
      jit: 1,
    })
  })
  afterAll(async () => {
    await app?.close()
  })

  it('answers list indices as integers, by POST and GET, interpreted and compiled', async () => {
    const answers = []
    for (let i = 0; i < 3; i++) {
      answers.push(await app.inject({ method: 'POST', url: '/graphql', payload: { query } }))
      answers.push(await app.inject({ method: 'GET', url: `/graphql?query=${encodeURIComponent(query)}` }))
    }
    for (const answer of answers) {
      const body = answer.json()
      expect(body.errors).toEqual([
        {
          message: 'no title for z',
          locations: expect.any(Array),
          path: ['shelves', 1, 'books', 1, 'title'],
          extensions: { code: 'FORBIDDEN' },
        },
      ])
      expect(body.data.shelves[1].books[1]).toEqual({ title: null })
    }
  })
})
