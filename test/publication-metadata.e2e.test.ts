/**
 * Publication carries the registry's text and date: `publications` says what
 * each publication's fields answer while it is under development (the same
 * message, the same expected date), in the healthdata.be wording by default,
 * and a deployment's registry file changes both.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGraph, type TestGraph } from './helpers/graph.js'

interface PublicationAnswer {
  id: string
  title: string
  state: string
  message: string
  expectedAvailability: string | null
}

const PUBLICATIONS = '{ publications { id title state message expectedAvailability } }'
const COUNTS = `query($id: ID!) {
  project(id: $id) {
    studyRecordCounts { __typename ... on PublicationUnderDevelopment { publication title message expectedAvailability } }
  }
}`

describe('publication metadata', () => {
  let t: TestGraph
  let dir: string

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hd4res-registry-'))
    const file = path.join(dir, 'publications.yaml')
    writeFileSync(
      file,
      [
        'UNIQUE_SUBJECT_COUNTS:',
        '  state: UNDER_DEVELOPMENT',
        '  title: Count of unique study subjects',
        '  message: Expected with the next release of the platform.',
        '  expectedAvailability: 2027-03-01',
        '',
      ].join('\n'),
    )
    t = await startTestGraph({ env: { HD4RES_PUBLICATIONS_FILE: file } })
  })
  afterAll(async () => {
    await t?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it("gives each publication the message its fields answer with while under development, in healthdata.be's wording by default", async () => {
    const listed = await t.query<{ publications: PublicationAnswer[] }>(PUBLICATIONS)
    expect(listed.body.errors).toBeUndefined()
    const byId = new Map(listed.body.data!.publications.map((p) => [p.id, p]))
    const counts = byId.get('STUDY_RECORD_COUNTS')!
    expect(counts.state).toBe('UNDER_DEVELOPMENT')
    expect(counts.message).toBe(
      'The publication of the count of study records in the different components of the platform is currently under development and thus not yet available in HD4RES v2.',
    )
    expect(counts.expectedAvailability).toBeNull()

    const projects = await t.query<{ projects: { id: string }[] }>('{ projects { id } }')
    const id = projects.body.data!.projects[0]!.id
    const field = await t.query<{ project: { studyRecordCounts: Record<string, unknown> } }>(COUNTS, { id })
    expect(field.body.data!.project.studyRecordCounts).toEqual({
      __typename: 'PublicationUnderDevelopment',
      publication: 'STUDY_RECORD_COUNTS',
      title: counts.title,
      message: counts.message,
      expectedAvailability: null,
    })
    for (const p of listed.body.data!.publications) {
      if (p.state === 'UNDER_DEVELOPMENT' && p.id !== 'UNIQUE_SUBJECT_COUNTS') {
        expect(p.message, p.id).toMatch(
          /^The publication of the .+ is currently under development and thus not yet available in HD4RES v2\.$/,
        )
      }
    }
  })

  it("takes the message and the expected date from the deployment's registry file", async () => {
    const listed = await t.query<{ publications: PublicationAnswer[] }>(PUBLICATIONS)
    const subjects = listed.body.data!.publications.find((p) => p.id === 'UNIQUE_SUBJECT_COUNTS')!
    expect(subjects).toEqual({
      id: 'UNIQUE_SUBJECT_COUNTS',
      title: 'Count of unique study subjects',
      state: 'UNDER_DEVELOPMENT',
      message: 'Expected with the next release of the platform.',
      expectedAvailability: '2027-03-01',
    })
  })

  it('announces no date for a publication that is available', async () => {
    const listed = await t.query<{ publications: PublicationAnswer[] }>(PUBLICATIONS)
    const incidents = listed.body.data!.publications.find((p) => p.id === 'INCIDENTS')!
    expect(incidents.state).toBe('AVAILABLE')
    expect(incidents.expectedAvailability).toBeNull()
    expect(incidents.message.length).toBeGreaterThan(10)
  })
})
