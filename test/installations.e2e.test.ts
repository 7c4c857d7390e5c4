/**
 * Installations in context, through the gateway: every installation a
 * researcher meets (under a data provider organisation, or beside a count of
 * HD4DP v2 Local) links to its organisation, with its environment, size class,
 * release and last contact; an integration server's counts are listed but
 * stay out of HD4DP v2 Local's totals; and a provider still on HD4RES v1 Local
 * answers NotCollected with the reason, in the asked language.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectHd4devopsCounts } from '../collectors/hd4devops.js'
import { fileDocuments } from '../collectors/input.js'
import { loadPublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import { addDays } from '../subgraphs/kit/dates.js'
import { ENGINES, startTestGraph, TEST_END_DATE, type TestGraph } from './helpers/graph.js'

const RESEARCHER = 'installations-researcher'
const INSTALLATION = 'id host environment sizeClass release lastContactAt organisation { id name }'
const PROVIDERS = `dataProviderOrganisations { ... on OrganisationList { items { id name
  installations { ${INSTALLATION} }
  installationStatus { __typename ... on InstallationList { totalCount items { id } } ... on NotCollected { en: reason(language: EN) nl: reason(language: NL) } } } } }`

interface Row {
  id: string
  organisation_id: string
  host: string
  environment: string
  size_class: string | null
  release: string | null
}

describe.each(ENGINES)('installations in context, on %s', (engine) => {
  let t: TestGraph
  let token: string
  let projectIds: string[]
  const project = async (id: string, selection: string, headers: Record<string, string> = {}) => {
    const response = await fetch(t.graph.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers },
      body: JSON.stringify({ query: `query P($id: ID!) { project(id: $id) { ${selection} } }`, variables: { id } }),
    })
    const body = (await response.json()) as { data?: { project: any }; errors?: unknown[] }
    expect(body.errors, JSON.stringify(body.errors)).toBeUndefined()
    return body.data!.project
  }

  beforeAll(async () => {
    t = await startTestGraph({ engine, registry: loadPublicationRegistry({ available: 'ALL' }) })
    await t.db.query(`INSERT INTO participants.researchers (id, display_name) VALUES ($1, 'Installations Researcher')`, [RESEARCHER])
    await t.db.query(`INSERT INTO participants.memberships (researcher_id, project_id) SELECT $1, id FROM participants.projects`, [
      RESEARCHER,
    ])
    projectIds = (await t.db.query<{ id: string }>('SELECT id FROM participants.projects ORDER BY id')).map((r) => r.id)
    token = await t.tokenFor(RESEARCHER)
  })
  afterAll(async () => {
    await t?.close()
  })

  it('links every installation of every data provider to its organisation, production first, as the registry holds them', async () => {
    const rows = await t.db.query<Row>('SELECT id, organisation_id, host, environment, size_class, release FROM participants.installations')
    const byId = new Map(rows.map((r) => [r.id, r]))
    const seen = new Set<string>()
    let integration = 0
    for (const id of projectIds) {
      const { dataProviderOrganisations } = await project(id, PROVIDERS)
      for (const org of dataProviderOrganisations.items) {
        const own = rows.filter((r) => r.organisation_id === org.id)
        expect(org.installations.map((i: any) => i.id).sort()).toEqual(own.map((r) => r.id).sort())
        expect(org.installations.map((i: any) => i.environment)).toEqual(
          [...org.installations.map((i: any) => i.environment)].sort((a: string, b: string) => b.localeCompare(a)),
        )
        for (const installation of org.installations) {
          const row = byId.get(installation.id)!
          expect(installation).toMatchObject({
            host: row.host,
            environment: row.environment,
            sizeClass: row.size_class,
            release: row.release,
            organisation: { id: org.id, name: org.name },
          })
          expect(installation.lastContactAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/)
          if (installation.environment === 'INTEGRATION') integration++
          seen.add(installation.id)
        }
        if (org.installationStatus.__typename === 'InstallationList') {
          expect(org.installationStatus.items.map((i: any) => i.id)).toEqual(org.installations.map((i: any) => i.id))
          expect(org.installationStatus.totalCount).toBe(org.installations.length)
        }
      }
    }
    expect(seen.size).toBeGreaterThan(5)
    // The demo runs an integration server beside production at some hospitals.
    expect(integration).toBeGreaterThan(0)
  })

  it("links each installation beside HD4DP v2 Local's count to the same installation and organisation", async () => {
    const rows = await t.db.query<Row>('SELECT id, organisation_id, host, environment, size_class, release FROM participants.installations')
    const byHost = new Map(rows.map((r) => [r.host, r]))
    let listed = 0
    for (const id of projectIds) {
      const { studyRecordCounts } = await project(
        id,
        `studyRecordCounts { ... on StudyRecordCounts { components { component { id }
          installations { installation installationDetails { id host environment organisation { id } } } } } }`,
      )
      for (const component of studyRecordCounts.components) {
        for (const i of component.installations) {
          const row = byHost.get(i.installation)!
          expect(i.installationDetails).toEqual({
            id: row.id,
            host: i.installation,
            environment: row.environment,
            organisation: { id: row.organisation_id },
          })
          listed++
        }
      }
    }
    expect(listed).toBeGreaterThan(0)
  })

  it("keeps an integration server's counts out of HD4DP v2 Local's totals, and lists both servers", async () => {
    const [{ id: projectId, code }] = await t.db.query<{ id: string; code: string }>(
      `SELECT id, code FROM participants.projects WHERE id = $1`,
      [projectIds[0]],
    )
    await t.db.query(`INSERT INTO participants.organisations (id, name, type, local_architecture)
      VALUES ('org-int-test', 'AZ Proef Brugge', 'HOSPITAL', 'V2_LOCAL')`)
    await t.db.query(`INSERT INTO participants.installations (id, organisation_id, host, environment, size_class) VALUES
      ('inst-int-test', 'org-int-test', 'hd4dp.az-proef-brugge.be', 'PRODUCTION', 'LARGE'),
      ('inst-int-test-int', 'org-int-test', 'hd4dp-int.az-proef-brugge.be', 'INTEGRATION', 'SMALL')`)
    await t.db.query(`INSERT INTO participants.project_provider_organisations (project_id, organisation_id) VALUES ($1, 'org-int-test')`, [
      projectId,
    ])
    const day = addDays(TEST_END_DATE, 1)
    const generatedAt = `${addDays(day, 1)}T03:14:15.000Z`
    const dir = mkdtempSync(path.join(tmpdir(), 'hd4res-installations-'))
    const file = path.join(dir, `hd4devops-counts-HD4DP_V2_LOCAL-${day}.json`)
    writeFileSync(
      file,
      JSON.stringify({
        format: 'hd4devops-counts/1',
        component: 'HD4DP_V2_LOCAL',
        day,
        generatedAt,
        projects: [
          {
            project: code,
            // The total counts both servers: 970 records on production, 30 test records on the integration server.
            records: 1000,
            uniqueSubjects: 400,
            installations: [
              { installation: 'hd4dp.az-proef-brugge.be', records: 970, uniqueSubjects: 390, release: '2.15.1' },
              { installation: 'hd4dp-int.az-proef-brugge.be', records: 30, uniqueSubjects: 10, release: '2.16.0' },
            ],
          },
        ],
      }),
    )
    const [outcome] = await collectHd4devopsCounts(t.db, fileDocuments([file]))
    expect(outcome?.status, outcome?.status === 'refused' ? outcome.error.message : '').toBe('imported')

    const local = (counts: any) => counts.components.find((c: any) => c.component.id === 'HD4DP_V2_LOCAL')
    const COUNT = '__typename ... on ExactCount { value lowerBound upperBound }'
    const read = await project(
      projectId,
      `studyRecordCounts(date: "${day}") { ... on StudyRecordCounts { components { component { id } count { ${COUNT} }
         installations { installation installationDetails { environment release lastContactAt organisation { id } } } } } }
       uniqueSubjectCounts(date: "${day}") { ... on UniqueSubjectCounts { components { component { id } count { ${COUNT} } } } }`,
    )
    const records = local(read.studyRecordCounts)
    expect(records.count).toEqual({ __typename: 'ExactCount', value: 970, lowerBound: 970, upperBound: 974 })
    expect(local(read.uniqueSubjectCounts).count).toEqual({ __typename: 'ExactCount', value: 390, lowerBound: 390, upperBound: 394 })
    expect(records.installations).toEqual([
      {
        installation: 'hd4dp-int.az-proef-brugge.be',
        installationDetails: {
          environment: 'INTEGRATION',
          release: '2.16.0',
          lastContactAt: generatedAt,
          organisation: { id: 'org-int-test' },
        },
      },
      {
        installation: 'hd4dp.az-proef-brugge.be',
        installationDetails: {
          environment: 'PRODUCTION',
          release: '2.15.1',
          lastContactAt: generatedAt,
          organisation: { id: 'org-int-test' },
        },
      },
    ])
  })

  it('answers NotCollected, with the reason in the asked language, for a provider still on HD4RES v1 Local', async () => {
    const [v1] = await t.db.query<{ project_id: string; organisation_id: string; name: string }>(
      `SELECT p.project_id, o.id AS organisation_id, o.name
       FROM participants.organisations o JOIN participants.project_provider_organisations p ON p.organisation_id = o.id
       WHERE o.local_architecture = 'V1_LOCAL' ORDER BY p.project_id LIMIT 1`,
    )
    expect(v1, 'the demo has a provider on HD4RES v1 Local').toBeDefined()
    const { dataProviderOrganisations } = await project(v1!.project_id, PROVIDERS)
    const org = dataProviderOrganisations.items.find((o: any) => o.id === v1!.organisation_id)
    expect(org.installations).toEqual([])
    expect(org.installationStatus.__typename).toBe('NotCollected')
    const name = v1!.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    expect(org.installationStatus.en).toMatch(
      new RegExp(`^${name} is still on HD4RES v1 Local, which cannot be monitored in the new architecture`),
    )
    expect(org.installationStatus.nl).toMatch(
      new RegExp(`^${name} werkt nog met HD4RES v1 Local, dat in de nieuwe architectuur niet kan worden gemonitord`),
    )
    // Every other provider of the project answers its list, empty or not.
    for (const other of dataProviderOrganisations.items.filter((o: any) => o.id !== v1!.organisation_id)) {
      expect(other.installationStatus.__typename).toBe('InstallationList')
    }
    // The request's language serves the reason without an argument.
    const dutch = await project(
      v1!.project_id,
      'dataProviderOrganisations { ... on OrganisationList { items { id installationStatus { ... on NotCollected { reason } } } } }',
      { 'accept-language': 'nl-BE,nl;q=0.9' },
    )
    const reason = dutch.dataProviderOrganisations.items.find((o: any) => o.id === v1!.organisation_id).installationStatus.reason
    expect(reason).toBe(org.installationStatus.nl)
  })

  it('labels the installation enums in every language', async () => {
    const res = await t.query(
      '{ en: labels(enum: "InstallationEnvironment") { value label } de: labels(enum: "InstallationSizeClass", language: DE) { value label } }',
      {},
      token,
    )
    expect(res.body.errors).toBeUndefined()
    expect(res.body.data!.en.map((l: any) => l.value)).toEqual(['PRODUCTION', 'INTEGRATION'])
    expect(res.body.data!.de).toEqual([
      { value: 'SMALL', label: 'Klein' },
      { value: 'MEDIUM', label: 'Mittel' },
      { value: 'LARGE', label: 'Groß' },
    ])
  })
})
