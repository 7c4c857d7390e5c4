/**
 * Bad input through the gateway, as an attacker or a careless client sends
 * it: each gets an error that names the argument and what is wrong with it,
 * never a 5xx and never a database message, in development and in
 * production alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGraph, type TestGraph } from '../helpers/graph.js'

const PAGE = `query Page($after: String, $search: String) {
  project(id: "prj-0001") {
    incidents(first: 2, after: $after, filter: { search: $search }) {
      ... on IncidentConnection { totalCount pageInfo { endCursor hasNextPage } edges { node { number } } }
    }
  }
}`

/** What no answer may carry: PostgreSQL's words, a stack, an internal error. */
function expectCleanRefusal(answer: { status: number; body: any }, argument: RegExp) {
  expect(answer.status).toBeLessThan(500)
  const errors = answer.body.errors as { message: string; extensions: { code: string } }[]
  expect(errors).toHaveLength(1)
  expect(errors[0]!.extensions.code).toBe('BAD_USER_INPUT')
  expect(errors[0]!.message).toMatch(argument)
  expect(JSON.stringify(answer.body)).not.toMatch(
    /invalid input syntax|byte sequence|timestamp with time zone|at .*\.ts:|INTERNAL_SERVER_ERROR/,
  )
}

describe.each([
  ['development', {}],
  ['production', { NODE_ENV: 'production', HD4RES_IDENTITY_SECRET: 'f'.repeat(40) }],
])('bad input in %s', (_mode, env) => {
  let t: TestGraph
  let cursor: string
  beforeAll(async () => {
    t = await startTestGraph({ env })
    const first = await t.query(PAGE)
    cursor = first.body.data!.project.incidents.pageInfo.endCursor
    expect(first.body.data!.project.incidents.pageInfo.hasNextPage).toBe(true)
  })
  afterAll(async () => {
    await t?.close()
  })

  it('pages on with a cursor it gave out', async () => {
    const next = await t.query(PAGE, { after: cursor })
    expect(next.body.errors).toBeUndefined()
    expect(next.body.data!.project.incidents.edges).toHaveLength(2)
  })

  const [version, payload, signature] = ['t2', 'x', 'y']
  it.each([
    [
      'an impossible date',
      (c: string) => `${c.split('.')[0]}.${Buffer.from('2026-02-30T00:00:00.000Z|INC0000001').toString('base64url')}.${c.split('.')[2]}`,
    ],
    ['a bare number', () => '1'],
    [
      'a year beyond the store',
      (c: string) => `${c.split('.')[0]}.${Buffer.from('+275760-09-13T00:00:00.000Z|INC1').toString('base64url')}.${c.split('.')[2]}`,
    ],
    ['a NUL byte', (c: string) => `${c}\u0000`],
    ['the old unsigned form', () => Buffer.from('t1|1|INC1').toString('base64url')],
    ['a made-up signed form', () => `${version}.${payload}.${signature}`],
    ['one character changed', (c: string) => `${c.slice(0, 5)}${c[5] === 'A' ? 'B' : 'A'}${c.slice(6)}`],
  ])('refuses a cursor with %s, naming after', async (_what, edit) => {
    expectCleanRefusal(await t.query(PAGE, { after: edit(cursor) }), /after/)
  })

  it.each([
    ['..', '..'],
    ['a path', 'team/a b?c#d%00'],
    ['255 characters', 'x'.repeat(255)],
  ])('signs in a subject OpenID Connect allows: %s', async (_what, sub) => {
    const answer = await t.query('{ me { id projects { code } } }', {}, await t.tokenFor(sub))
    expect(answer.status).toBe(200)
    expect(answer.body.errors).toBeUndefined()
    expect(answer.body.data!.me).toEqual({ id: sub, projects: [] })
  })

  it.each([
    ['256 characters', 'x'.repeat(256)],
    ['a NUL', 'a\u0000b'],
    ['a control character', 'a\nb'],
    ['a non-ASCII character', 'caf\u00e9'],
  ])('refuses a subject with %s at sign-in with 401', async (_what, sub) => {
    const answer = await t.query('{ me { id } }', {}, await t.tokenFor(sub))
    expect(answer.status).toBe(401)
    expect(answer.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED')
    expect(answer.body.errors?.[0]?.message).toMatch(/subject \(sub\)/)
  })

  it('refuses a NUL byte in filter.search, naming it', async () => {
    expectCleanRefusal(await t.query(PAGE, { search: 'abc\u0000def' }), /search/)
  })
})
