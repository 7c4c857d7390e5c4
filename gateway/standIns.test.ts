/**
 * The stand-ins for an unavailable subgraph's fields: every result union of
 * the API schema has the member and a publication to name, and a subgraph
 * call is stood in for only when everything it asks for can be, with the
 * aliases, fragments and directives it asked with.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { buildSchema, getNullableType, isObjectType, isUnionType, parse } from 'graphql'
import { describe, expect, it } from 'vitest'
import { SCHEMA_DIR } from '../platform/supergraphFile.js'
import { PUBLICATION_OF_FIELD, STAND_IN_TYPE, standInData } from './standIns.js'

const schema = buildSchema(readFileSync(path.join(SCHEMA_DIR, 'api.graphql'), 'utf8'))
const MESSAGE = 'not now'
const stoodIn = (query: string, variables?: Record<string, unknown>) => standInData(schema, parse(query), variables, MESSAGE, 30)
const PROJECTS = {
  representations: [
    { __typename: 'ResearchProject', id: 'prj-0001' },
    { __typename: 'ResearchProject', id: 'prj-0002' },
  ],
}

describe('stand-ins', () => {
  it('names a publication for every field of a union with the member, and only for those', () => {
    const unionFields: string[] = []
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue
      for (const field of Object.values(type.getFields())) {
        const result = getNullableType(field.type)
        if (isUnionType(result) && result.getTypes().some((t) => t.name === STAND_IN_TYPE)) unionFields.push(`${type.name}.${field.name}`)
      }
    }
    expect(unionFields.sort()).toEqual(Object.keys(PUBLICATION_OF_FIELD).sort())
    const publications = new Set(
      (schema.getType('PublicationId') as import('graphql').GraphQLEnumType).getValues().map((value) => value.name),
    )
    for (const publication of Object.values(PUBLICATION_OF_FIELD)) expect(publications).toContain(publication)
  })

  it('answers every entity of an _entities call, with aliases, fragments and directives as asked', () => {
    const query = `query($representations: [_Any!]!, $no: Boolean!) {
      _entities(representations: $representations) {
        __typename
        ... on ResearchProject {
          counts: studyRecordCounts { __typename ...Unavailable ... on StudyRecordCounts { date } }
          incidents(first: 2) { ... on IncidentsResult { __typename } ... on PublicationTemporarilyUnavailable { message @skip(if: $no) } }
          requests @include(if: $no) { __typename }
        }
      }
    }
    fragment Unavailable on PublicationTemporarilyUnavailable { publication why: message retryAfterSeconds }`
    const data = stoodIn(query, { ...PROJECTS, no: false })
    const project = {
      __typename: 'ResearchProject',
      counts: { __typename: STAND_IN_TYPE, publication: 'STUDY_RECORD_COUNTS', why: MESSAGE, retryAfterSeconds: 30 },
      incidents: { __typename: STAND_IN_TYPE, message: MESSAGE },
    }
    expect(data).toEqual({ _entities: [project, project] })
  })

  it('answers a field asked only for its data with nothing of it, which is what was asked', () => {
    const query =
      'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on ResearchProject { studyRecordCounts { ... on StudyRecordCounts { date } } } } }'
    expect(stoodIn(query, PROJECTS)).toEqual({ _entities: [{ studyRecordCounts: {} }, { studyRecordCounts: {} }] })
  })

  it('answers a root call of result unions', () => {
    expect(stoodIn('{ multiStudySubjectCounts { __typename ... on MultiStudySubjectCounts { date } } }')).toEqual({
      multiStudySubjectCounts: { __typename: STAND_IN_TYPE },
    })
  })

  it('gives up on a call that asks for anything else', () => {
    // A root field that is no result union, beside one that is.
    expect(stoodIn('{ me { id } multiStudySubjectCounts { __typename } }')).toBeNull()
    // An entity field that is no result union.
    expect(
      stoodIn(
        'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on ResearchProject { name } } }',
        PROJECTS,
      ),
    ).toBeNull()
    // An entity the API schema does not know.
    expect(
      stoodIn(
        'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on ResearchProject { studyRecordCounts { __typename } } } }',
        { representations: [{ id: 'no type' }] },
      ),
    ).toBeNull()
    expect(stoodIn('mutation { multiStudySubjectCounts { __typename } }')).toBeNull()
    expect(stoodIn('{ ...Missing }')).toBeNull()
  })
})
