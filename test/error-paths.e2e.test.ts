/**
 * Error paths through the gateway, over HTTP as a frontend reads them: in
 * every subgraph, whether a field fails in a root fetch or in an entity fetch
 * (one entity, a list of them, lists within lists), each error's path is the
 * path of that field in the answer: response names (aliases included) and
 * integer indices, never the plan's "@", a subgraph's "_entities" or an index
 * written as a string. Following it through `data` reaches the null the
 * error caused, and following it through the same answer without the failure
 * reaches the field itself. The subgraphs answer the gateway the same way,
 * the audit trail records such answers as before, and the response cache
 * keeps none of them.
 */
import { randomUUID } from 'node:crypto'
import { Kind, parse, visit } from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PROJECT_FIELD_OF_SUBGRAPH } from './helpers/subgraphFields.js'
import { IDENTITY_HEADER, signIdentity } from '../platform/identity.js'
import { loadPublicationRegistry, type PublicationId, type PublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import type { AuditRow } from '../subgraphs/participants/auditStore.js'
import { ENGINES, startTestGraph, type TestGraph } from './helpers/graph.js'

type Path = (string | number)[]
interface AnswerError {
  message: string
  path?: Path
  extensions?: Record<string, unknown>
}
interface Answer {
  status: number
  cache: string | null
  requestId: string
  body: { data?: any; errors?: AnswerError[] }
}
interface Ids {
  own: string
  stranger: string
  mine: string[]
}

/** A field that fails, how, and the paths its errors must have, read from the same answer without the failure. */
interface Case {
  subgraph: string
  what: string
  /** The operation's selection set, as it fails. */
  failing: (ids: Ids) => string
  /** The same shape, answered in full (the failing selection when only the registry makes it fail). */
  whole?: (ids: Ids) => string
  /** Publications whose fields throw while the case runs. */
  broken?: PublicationId[]
  /** Who gets the full answer, when the researcher is refused the field: an operator. */
  wholeFor?: 'operator'
  code: string
  paths: (whole: any, ids: Ids) => Path[]
  /**
   * In one subgraph's list of non-null items, the first item that fails nulls
   * the list and graphql-js reports that one alone: one of the paths, not all.
   * (Entities fail one by one: `_entities` is a list of nullable items.)
   */
  oneOf?: true
  /** The full answer cannot hold a field refused to the researcher: the path leads to the object that would. */
  wholeLacksField?: true
}

const onOverlaps = (own: string, selection: string) =>
  `{ multiStudySubjectCounts { ... on MultiStudySubjectCounts { overlaps(projectId: "${own}") { project { id ${selection} } } } } }`
/** The overlaps of the researcher's project whose project is not theirs: there, every project-scoped field is refused. */
const refusedOverlaps = (selection: string) => (whole: any, ids: Ids) =>
  (whole.multiStudySubjectCounts.overlaps as { project: { id: string } }[]).flatMap((overlap, i) =>
    ids.mine.includes(overlap.project.id) ? [] : [['multiStudySubjectCounts', 'overlaps', i, 'project', selection]],
  )
const eachProject = (field: string) => (whole: any) => (whole.projects as unknown[]).map((_, i) => ['projects', i, field])

const CASES: Case[] = [
  {
    subgraph: 'participants',
    what: 'a refused root field',
    failing: () => '{ collectorRuns { source } }',
    wholeFor: 'operator',
    code: 'FORBIDDEN',
    paths: () => [['collectorRuns']],
  },
  {
    subgraph: 'participants',
    what: 'a failing resolver under a root list',
    failing: () => '{ projects { id dataProviderOrganisations { __typename } } }',
    broken: ['DATA_PROVIDER_ORGANISATIONS'],
    oneOf: true,
    code: 'DOWNSTREAM_SERVICE_ERROR',
    paths: eachProject('dataProviderOrganisations'),
  },
  {
    subgraph: 'participants',
    what: 'a failing resolver at the root, under an alias',
    failing: () => '{ me { id } users: dataUserOrganisations { __typename } }',
    broken: ['DATA_USER_ORGANISATIONS'],
    code: 'DOWNSTREAM_SERVICE_ERROR',
    paths: () => [['users']],
  },
  {
    subgraph: 'participants',
    what: 'a forbidden project reached through overlaps (entity fetch)',
    failing: ({ own }) => onOverlaps(own, 'dataProviderIndividuals { __typename }'),
    whole: ({ own }) => onOverlaps(own, ''),
    wholeLacksField: true,
    code: 'FORBIDDEN',
    paths: refusedOverlaps('dataProviderIndividuals'),
  },
  {
    subgraph: 'records',
    what: 'an invalid argument on each project, under an alias (entity fetch)',
    failing: () => '{ projects { id history: studyRecordCountHistory(from: "2026-11-21", to: "2026-11-01") { __typename } } }',
    whole: () => '{ projects { id history: studyRecordCountHistory(from: "2026-11-01", to: "2026-11-21") { __typename } } }',
    code: 'BAD_USER_INPUT',
    paths: eachProject('history'),
  },
  {
    subgraph: 'records',
    what: 'a failing resolver on one project (entity fetch)',
    failing: ({ own }) => `{ mine: project(id: "${own}") { id studyRecordCounts { __typename } } }`,
    broken: ['STUDY_RECORD_COUNTS'],
    code: 'DOWNSTREAM_SERVICE_ERROR',
    paths: () => [['mine', 'studyRecordCounts']],
  },
  {
    subgraph: 'records',
    what: 'a forbidden project reached through overlaps (entity fetch)',
    failing: ({ own }) => onOverlaps(own, 'studyRecordCounts { __typename }'),
    whole: ({ own }) => onOverlaps(own, ''),
    wholeLacksField: true,
    code: 'FORBIDDEN',
    paths: refusedOverlaps('studyRecordCounts'),
  },
  {
    subgraph: 'subjects',
    what: 'a failing resolver at the root',
    failing: () => '{ me { id } multiStudySubjectCounts { __typename } }',
    broken: ['MULTI_STUDY_SUBJECT_COUNTS'],
    code: 'DOWNSTREAM_SERVICE_ERROR',
    paths: () => [['multiStudySubjectCounts']],
  },
  {
    subgraph: 'subjects',
    what: "a refused argument under a root field (another researcher's project)",
    failing: ({ stranger }) => onOverlaps(stranger, ''),
    whole: ({ own }) => onOverlaps(own, ''),
    code: 'FORBIDDEN',
    paths: () => [['multiStudySubjectCounts', 'overlaps']],
  },
  {
    subgraph: 'subjects',
    what: 'an invalid argument on each project (entity fetch)',
    failing: () => '{ projects { id uniqueSubjectCountHistory(from: "2026-11-21", to: "2026-11-01") { __typename } } }',
    whole: () => '{ projects { id uniqueSubjectCountHistory(from: "2026-11-01", to: "2026-11-21") { __typename } } }',
    code: 'BAD_USER_INPUT',
    paths: eachProject('uniqueSubjectCountHistory'),
  },
  {
    subgraph: 'components',
    what: 'a failing resolver under a root list',
    failing: () => '{ components { id status { __typename } } }',
    broken: ['COMPONENT_STATUS'],
    oneOf: true,
    code: 'DOWNSTREAM_SERVICE_ERROR',
    paths: (whole) => (whole.components as unknown[]).map((_, i) => ['components', i, 'status']),
  },
  {
    subgraph: 'components',
    what: 'a failing resolver on each project (entity fetch)',
    failing: () => '{ projects { id componentStatus { __typename } } }',
    broken: ['COMPONENT_STATUS'],
    code: 'DOWNSTREAM_SERVICE_ERROR',
    paths: eachProject('componentStatus'),
  },
  {
    subgraph: 'components',
    what: "a failing resolver on each component of each project's counts (entity fetch within an entity fetch)",
    failing: () =>
      '{ projects { id studyRecordCounts { ... on StudyRecordCounts { components { component { id status { __typename } } } } } } }',
    broken: ['COMPONENT_STATUS'],
    code: 'DOWNSTREAM_SERVICE_ERROR',
    paths: (whole) =>
      (whole.projects as { studyRecordCounts: { components: unknown[] } }[]).flatMap((project, i) =>
        project.studyRecordCounts.components.map((_, j) => ['projects', i, 'studyRecordCounts', 'components', j, 'component', 'status']),
      ),
  },
  {
    subgraph: 'components',
    what: 'a forbidden project reached through overlaps (entity fetch)',
    failing: ({ own }) => onOverlaps(own, 'componentStatus { __typename }'),
    whole: ({ own }) => onOverlaps(own, ''),
    wholeLacksField: true,
    code: 'FORBIDDEN',
    paths: refusedOverlaps('componentStatus'),
  },
  {
    subgraph: 'support',
    what: 'an invalid argument on each project (entity fetch)',
    failing: () => '{ projects { id incidents(first: 1000) { __typename } } }',
    whole: () => '{ projects { id incidents(first: 10) { __typename } } }',
    code: 'BAD_USER_INPUT',
    paths: eachProject('incidents'),
  },
  {
    subgraph: 'support',
    what: 'an invalid argument on one project, under aliases (entity fetch)',
    failing: ({ own }) => `{ mine: project(id: "${own}") { id open: requests(after: "not-a-cursor") { __typename } } }`,
    whole: ({ own }) => `{ mine: project(id: "${own}") { id open: requests { __typename } } }`,
    code: 'BAD_USER_INPUT',
    paths: () => [['mine', 'open']],
  },
  {
    subgraph: 'support',
    what: 'a forbidden project reached through overlaps (entity fetch)',
    failing: ({ own }) => onOverlaps(own, 'incidents { __typename }'),
    whole: ({ own }) => onOverlaps(own, ''),
    wholeLacksField: true,
    code: 'FORBIDDEN',
    paths: refusedOverlaps('incidents'),
  },
]

/** Every response name an operation asks for: the only strings its errors' paths may hold. */
function responseNames(query: string): Set<string> {
  const names = new Set<string>()
  visit(parse(query), { [Kind.FIELD]: (field) => void names.add(field.alias?.value ?? field.name.value) })
  return names
}

/** Follows a path through an answer's data: how far it goes, and whether it ended at (or past) a null. */
function follow(data: unknown, path: Path): { steps: number; atNull: boolean } {
  let node = data
  for (let i = 0; i < path.length; i++) {
    if (node === null || node === undefined) return { steps: i, atNull: node === null || i === 0 }
    const segment = path[i]!
    if (Array.isArray(node)) {
      if (typeof segment !== 'number' || segment >= node.length) return { steps: i, atNull: false }
    } else if (typeof node !== 'object' || typeof segment !== 'string' || !Object.hasOwn(node, segment)) {
      return { steps: i, atNull: false }
    }
    node = (node as Record<string | number, unknown>)[segment]
  }
  return { steps: path.length, atNull: node === null }
}

/** What the issue asks of every error path: response names of the operation and integer indices, nothing else. */
function expectAnswerPath(path: Path | undefined, names: Set<string>) {
  expect(path, 'every field error has a path').toBeInstanceOf(Array)
  for (const segment of path!) {
    if (typeof segment === 'number') expect(Number.isInteger(segment) && segment >= 0, `index ${segment}`).toBe(true)
    else {
      expect(segment).toMatch(/^[_A-Za-z][_0-9A-Za-z]*$/)
      expect(names.has(segment), `"${segment}" is a response name of the operation`).toBe(true)
    }
  }
  expect(path).not.toContain('_entities')
  expect(path).not.toContain('@')
}

const pathKey = (path: Path) => JSON.stringify(path)

describe.each(ENGINES)('error paths through the gateway (%s)', (engine) => {
  let t: TestGraph
  let operatorToken: string
  const ids: Ids = { own: '', stranger: '', mine: [] }
  const broken = new Set<PublicationId>()

  beforeAll(async () => {
    // The registry every subgraph asks before it serves a publication: a publication in `broken` makes its fields throw.
    const base = loadPublicationRegistry({ available: 'ALL' })
    const registry = Object.create(base) as PublicationRegistry
    registry.underDevelopment = (id) => {
      if (broken.has(id)) throw new Error(`the ${id} resolver failed on purpose`)
      return base.underDevelopment(id)
    }
    t = await startTestGraph({ engine, registry, env: { HD4RES_RESPONSE_CACHE: 'on' } })
    operatorToken = await t.tokenFor('operator-0001', ['operator'])
    ids.mine = (await ask('{ me { projects { id } } }')).body.data.me.projects.map((p: { id: string }) => p.id)
    ids.own = ids.mine[0]!
    ids.stranger = (
      await t.db.query<{ id: string }>('SELECT id FROM participants.projects WHERE id <> ALL($1::text[]) ORDER BY id LIMIT 1', [ids.mine])
    )[0]!.id
    // The researcher's project shares subjects with one that is not theirs, on the latest computed day, so overlaps reach it.
    const [{ day }] = (await t.db.query<{ day: string }>('SELECT max(day)::text AS day FROM subjects.multi_study_subjects')) as [
      { day: string },
    ]
    await t.db.query(
      `INSERT INTO subjects.project_overlaps (day, project_id, other_project_id, shared_subjects) VALUES ($1, $2, $3, 250)
       ON CONFLICT (project_id, day, other_project_id) DO UPDATE SET shared_subjects = 250`,
      [day, ids.own, ids.stranger],
    )
  })
  afterAll(async () => {
    await t?.close()
  })

  /** POSTs an operation under a request id of its own, as a frontend would. */
  async function ask(query: string, token = t.demoToken): Promise<Answer> {
    const requestId = `error-paths-${randomUUID()}`
    const response = await fetch(t.graph.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-request-id': requestId },
      body: JSON.stringify({ query }),
    })
    return {
      status: response.status,
      cache: response.headers.get('x-hd4res-cache'),
      requestId,
      body: (await response.json()) as Answer['body'],
    }
  }

  async function run(c: Case) {
    // Named apart, so that the response cache never answers one with the other.
    const whole = await ask(`query Whole ${(c.whole ?? c.failing)(ids)}`, c.wholeFor === 'operator' ? operatorToken : t.demoToken)
    expect(whole.body.errors, 'the same shape answers in full').toBeUndefined()
    for (const id of c.broken ?? []) broken.add(id)
    try {
      const query = `query Failing ${c.failing(ids)}`
      return { query, whole, failed: await ask(query) }
    } finally {
      broken.clear()
    }
  }

  it.each(CASES.map((c) => [`${c.subgraph}: ${c.what}`, c] as const))(
    '%s: each error at the path of its field in the answer',
    async (_name, c) => {
      const { query, whole, failed } = await run(c)
      // 400 when every error refuses the researcher's own input and nothing was answered; never a 5xx.
      expect([200, 400]).toContain(failed.status)
      const errors = failed.body.errors ?? []
      const expected = c.paths(whole.body.data, ids).map(pathKey)
      expect(expected.length, 'the case reaches at least one field that fails').toBeGreaterThan(0)
      const received = errors.map((e) => pathKey(e.path ?? []))
      if (c.oneOf) {
        expect(received).toHaveLength(1)
        expect(expected).toContain(received[0])
      } else expect(received.sort()).toEqual(expected.sort())
      const names = responseNames(query)
      for (const error of errors) {
        expect(error.extensions).toMatchObject({ code: c.code, serviceName: c.subgraph })
        expectAnswerPath(error.path, names)
        // The error sits where its null is: every step before the null is in the answer.
        const inFailed = follow(failed.body.data, error.path!)
        expect(inFailed.atNull, `${pathKey(error.path!)} reaches a null in ${JSON.stringify(failed.body.data)}`).toBe(true)
        // And in the full answer, the path leads to the field that failed.
        expect(follow(whole.body.data, error.path!).steps).toBe(error.path!.length - (c.wholeLacksField ? 1 : 0))
      }
    },
  )

  it('names, in each refusal through overlaps, the project at the index its path gives', async () => {
    const c = CASES.find((x) => x.subgraph === 'support' && x.code === 'FORBIDDEN')!
    const { whole, failed } = await run(c)
    const overlaps = whole.body.data.multiStudySubjectCounts.overlaps as { project: { id: string } }[]
    expect(failed.body.errors!.some((e) => e.message.includes(ids.stranger))).toBe(true)
    for (const error of failed.body.errors!) {
      const index = error.path![2] as number
      expect(error.message).toContain(`"${overlaps[index]!.project.id}"`)
    }
  })

  it('answers an index in a subgraph’s own errors as an integer, in every subgraph', async () => {
    const fields = PROJECT_FIELD_OF_SUBGRAPH
    const identity = signIdentity(
      { sub: 'researcher-0001', name: 'An', roles: ['researcher'], projects: [ids.own] },
      t.graph.identitySecret,
    )
    for (const [name, field] of Object.entries(fields)) {
      // Twice: the second time the subgraph runs the compiled operation.
      for (let round = 0; round < 2; round++) {
        const response = await fetch(t.graph.subgraphUrls[name]!, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: identity },
          body: JSON.stringify({
            query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on ResearchProject { ${field} } } }`,
            variables: { r: [ids.own, ids.stranger].map((id) => ({ __typename: 'ResearchProject', id })) },
          }),
        })
        const body = (await response.json()) as Answer['body']
        expect(
          body.errors?.map((e) => e.path),
          name,
        ).toEqual([['_entities', 1, field.split(' ')[0]]])
      }
    }
  })

  it('records an answer with such errors in the audit trail, and keeps none in the response cache', async () => {
    const query = '{ projects { id incidents(first: 1000) { __typename } } }'
    const [first, second] = [await ask(query), await ask(query)]
    expect([first.cache, second.cache]).toEqual(['miss', 'miss'])
    const strip = (body: Answer['body']) => body.errors!.map(({ extensions, ...rest }) => ({ ...rest, code: extensions?.code }))
    expect(strip(second.body)).toEqual(strip(first.body))
    expect(first.body.errors!.map((e) => e.path)).toEqual(ids.mine.map((_, i) => ['projects', i, 'incidents']))
    expect(await t.graph.flushAudit()).toBe(true)
    const records = await t.db.query<AuditRow>('SELECT * FROM ops.audit_log WHERE request_id = $1', [first.requestId])
    expect(records).toHaveLength(1)
    expect(records[0]).toMatchObject({
      researcher_id: 'researcher-0001',
      outcome: first.body.data ? 'partial' : 'error',
      error_codes: ['BAD_USER_INPUT'],
      http_status: first.status,
      from_cache: false,
    })
    expect([...(records[0]!.project_ids as string[])].sort()).toEqual([...ids.mine].sort())
    // An answer without errors is kept and given again as it was.
    const clean = '{ projects { id incidents(first: 1) { __typename } } }'
    const [miss, hit] = [await ask(clean), await ask(clean)]
    expect([miss.cache, hit.cache]).toEqual(['miss', 'hit'])
    expect(hit.body).toEqual(miss.body)
  })
})
