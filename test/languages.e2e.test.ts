/**
 * Four languages through the gateway: Accept-Language, the lang parameter,
 * the language extension and a field's own argument each choose the texts'
 * language, on every publication, with English as the fallback; a language
 * named outright that is not one of ours is refused, and an answer kept in
 * the response cache in one language is never served in another.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { readFileSync } from 'node:fs'
import { startTestGraph, type TestGraph } from './helpers/graph.js'
import { PUBLICATION_IDS } from '../subgraphs/kit/catalogue/publications.js'
import { LANGUAGES, type Language } from '../subgraphs/kit/i18n/texts.js'
import { LABELS, NOT_LABELLED } from '../subgraphs/kit/i18n/labels.js'
import { buildSchema, isEnumType } from 'graphql'

type Registry = Record<string, { title: Record<Language, string>; message: Record<Language, string> }>
const registry = parse(readFileSync('config/publications.yaml', 'utf8')) as Registry

// Every field of a project that answers PublicationUnderDevelopment while its publication is.
const PROJECT_FIELDS = `query($id: ID!) {
  publications { id title message }
  project(id: $id) {
    studyRecordCounts { ...U }
    uniqueSubjectCounts { ...U }
    dataProviderOrganisations { ...U }
    dataProviderIndividuals { ...U }
    componentStatus { ...U }
    incidents(first: 1) { ...U }
    requests(first: 1) { ...U }
  }
  multiStudySubjectCounts { ...U }
  dataUserOrganisations { ...U }
  dataUserIndividuals { ...U }
}
fragment U on PublicationUnderDevelopment { publication title message }`

describe('languages', () => {
  let t: TestGraph
  let projectId: string
  let url: string

  const post = async (body: object, headers: Record<string, string> = {}, query = '') => {
    const response = await fetch(`${url}${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${t.demoToken}`, ...headers },
      body: JSON.stringify(body),
    })
    return { status: response.status, headers: response.headers, body: (await response.json()) as any }
  }

  beforeAll(async () => {
    // Every publication under development, INCIDENTS too, so that each answers with its texts.
    t = await startTestGraph({ env: { HD4RES_RESPONSE_CACHE: 'on' } })
    url = t.graph.graphqlUrl
    const me = await t.query<{ me: { projects: { id: string }[] } }>('{ me { projects { id } } }')
    projectId = me.body.data!.me.projects[0]!.id
  })
  afterAll(async () => {
    await t?.close()
  })

  it('has every publication in every language in the registry file', () => {
    for (const id of PUBLICATION_IDS) {
      for (const language of LANGUAGES) {
        expect(registry[id]?.title[language], `${id}.title.${language}`).toBeTruthy()
        expect(registry[id]?.message[language], `${id}.message.${language}`).toBeTruthy()
      }
      const titles = new Set(LANGUAGES.map((l) => registry[id]!.title[l]))
      expect(titles.size, `${id}: the four titles differ`).toBe(4)
    }
  })

  for (const language of LANGUAGES) {
    it(`answers every publication's texts in ${language} for Accept-Language: ${language}`, async () => {
      const answer = await post(
        { query: PROJECT_FIELDS, variables: { id: projectId } },
        { 'accept-language': language === 'en' ? 'en-GB,en;q=0.9' : `${language}-BE,${language};q=0.9,en;q=0.5` },
      )
      expect(answer.status).toBe(200)
      expect(answer.body.errors).toBeUndefined()
      expect(answer.headers.get('content-language')).toBe(language)
      const data = answer.body.data
      for (const p of data.publications) {
        expect(p.title, `${p.id} title`).toBe(registry[p.id]!.title[language])
        expect(p.message, `${p.id} message`).toBe(registry[p.id]!.message[language])
      }
      const answered = [
        ...Object.values(data.project),
        data.multiStudySubjectCounts,
        data.dataUserOrganisations,
        data.dataUserIndividuals,
      ] as {
        publication: string
        title: string
        message: string
      }[]
      // INCIDENTS is available by default; the other nine answer under development.
      expect(new Set(answered.filter((a) => a.publication).map((a) => a.publication)).size).toBe(PUBLICATION_IDS.length - 1)
      for (const a of answered.filter((x) => x.publication)) {
        expect(a.title, `${a.publication} title`).toBe(registry[a.publication]!.title[language])
        expect(a.message, `${a.publication} message`).toBe(registry[a.publication]!.message[language])
      }
    })
  }

  it('falls back to English for a language it does not publish, and without the header', async () => {
    const japanese = await post({ query: '{ publications { id title } }' }, { 'accept-language': 'ja' })
    expect(japanese.body.data.publications[0].title).toBe(registry.STUDY_RECORD_COUNTS!.title.en)
    const none = await post({ query: '{ publications { id title } }' })
    expect(none.body.data.publications[0].title).toBe(registry.STUDY_RECORD_COUNTS!.title.en)
  })

  it('lets the lang parameter, then the extension, override the header, and a field argument override all', async () => {
    const q = '{ publications { id title fr: title(language: FR) } }'
    const byParameter = await post({ query: q }, { 'accept-language': 'nl' }, '?lang=de')
    expect(byParameter.body.data.publications[0].title).toBe(registry.STUDY_RECORD_COUNTS!.title.de)
    const byExtension = await post({ query: q, extensions: { language: 'nl' } }, { 'accept-language': 'de' })
    expect(byExtension.body.data.publications[0].title).toBe(registry.STUDY_RECORD_COUNTS!.title.nl)
    expect(byExtension.body.data.publications[0].fr).toBe(registry.STUDY_RECORD_COUNTS!.title.fr)
  })

  it('refuses a language named outright that it does not publish, saying where', async () => {
    const parameter = await post({ query: '{ publications { id } }' }, {}, '?lang=xx')
    expect(parameter.status).toBe(400)
    expect(parameter.body.errors[0].message).toMatch(/lang parameter.*en, nl, fr, de.*"xx"/)
    expect(parameter.body.errors[0].extensions.code).toBe('BAD_USER_INPUT')
    const extension = await post({ query: '{ publications { id } }', extensions: { language: 42 } })
    expect(extension.status).toBe(400)
    expect(extension.body.errors[0].message).toMatch(/extensions\.language/)
  })

  it('never serves an answer cached in one language to a request in another', async () => {
    const q = '{ publications { id title } }'
    const nl1 = await post({ query: q }, { 'accept-language': 'nl' })
    const nl2 = await post({ query: q }, { 'accept-language': 'nl' })
    const fr = await post({ query: q }, { 'accept-language': 'fr' })
    expect(nl2.headers.get('x-hd4res-cache')).toBe('hit')
    expect(nl2.body).toEqual(nl1.body)
    expect(fr.body.data.publications[0].title).toBe(registry.STUDY_RECORD_COUNTS!.title.fr)
  })

  it('labels every value of every labelled enum in every language, and accounts for every enum of the API', async () => {
    const api = buildSchema(readFileSync('schema/api.graphql', 'utf8'))
    const enums = Object.values(api.getTypeMap()).filter((type) => isEnumType(type) && !type.name.startsWith('__'))
    for (const e of enums) {
      if (!isEnumType(e)) continue
      expect(Object.hasOwn(LABELS, e.name) || Object.hasOwn(NOT_LABELLED, e.name), `${e.name} is labelled or listed as not`).toBe(true)
      if (!Object.hasOwn(LABELS, e.name)) continue
      expect(Object.keys(LABELS[e.name]!).sort(), e.name).toEqual(
        e
          .getValues()
          .map((v) => v.name)
          .sort(),
      )
    }
    const answer = await post({ query: '{ labels(enum: "OperationalStatus") { enum value label } }' }, { 'accept-language': 'de' })
    expect(answer.body.data.labels).toContainEqual({ enum: 'OperationalStatus', value: 'DOWN', label: LABELS.OperationalStatus!.DOWN!.de })
    const unknown = await post({ query: '{ labels(enum: "Nope") { value } }' })
    expect(unknown.body.errors[0].message).toMatch(/No labels for the enum "Nope"/)
    expect(unknown.body.errors[0].extensions.code).toBe('BAD_USER_INPUT')
  })
})
