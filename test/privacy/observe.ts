/**
 * What a curious researcher who is a member of every project can read, read
 * the way they would: through the gateway with their own token, within the
 * gateway's limits (aliases, tokens, depth), for every project, every day of
 * history, every installation listed and every overlap. And, for checks only,
 * the ground truth the store holds behind those answers.
 */
import { addDays } from '../../subgraphs/kit/dates.js'
import type { Db } from '../../subgraphs/kit/store/db.js'
import type { TestGraph } from '../helpers/graph.js'
import { crawlPipelines, type PipelineAnswer } from './pipelines.js'

export interface PublishedCount {
  __typename: 'ExactCount' | 'SuppressedCount' | 'NotCollected'
  value?: number
  lowerBound?: number
  upperBound?: number
  threshold?: number
  /** Why a count is not there (NotCollected). */
  reason?: string
}

export type Kind = 'records' | 'subjects'

export const LOCAL = 'HD4DP_V2_LOCAL'
/** The warehouse component that the overlaps between projects are computed from. */
export const WAREHOUSE = 'HD_DWH_EXPLOITATION'

export interface Observation {
  /**
   * The cell: `records|<project>|<component>`, `subjects|<project>|<component>`,
   * `<kind>|<project>|HD4DP_V2_LOCAL|<host>` for an installation,
   * `overlap|<project>|<other>` as read from the first project's side,
   * `multi` for the platform-wide figure.
   */
  key: string
  day: string
  /** The field that answered it. */
  path: string
  count: PublishedCount
  /**
   * Before counts carried bounds, a withheld installation could also be a large
   * count withheld to protect another one (secondary suppression): true where
   * that may be so, on a day with two withheld installations and an exact total.
   */
  mayBeLarge?: boolean
}

/** One installation listed beside HD4DP v2 Local's count on a day, with what was published for it. */
export interface InstallationAnswer {
  kind: Kind
  project: string
  day: string
  host: string
  count: PublishedCount
}

export interface ComponentFacts {
  id: string
  name: string
  location: 'EXTERNAL' | 'INTERNAL'
}

export interface Crawl {
  /** ExactCount carries lowerBound and upperBound. */
  banded: boolean
  projects: { id: string; code: string }[]
  components: ComponentFacts[]
  days: string[]
  observations: Observation[]
  /** Hosts listed per `<kind>|<project>|<day>` on the day path, sorted. */
  breakdowns: Map<string, string[]>
  /** Every installation listed on the day path, with its count as published (a reading only when one was given). */
  installations: InstallationAnswer[]
  /** Projects whose overlaps were answered, per day. */
  overlapDays: Map<string, Set<string>>
  /** Every step of both pipeline views of every project on every day. */
  pipelines: PipelineAnswer[]
  requests: number
}

type Query = (query: string, variables?: Record<string, unknown>) => Promise<Record<string, any>>

/** The gateway's default limit of aliases in one document. */
const MAX_ALIASES = 30
/** The parts the widest history is read in, each under the gateway's default cost limit. */
const HISTORY_PARTS = 4
const PARALLEL = 4

async function inParallel<T, R>(items: readonly T[], work: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(PARALLEL, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await work(items[i]!)
      }
    }),
  )
  return out
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** A gateway client for one token that fails loudly on any error. */
export function researcherClient(t: TestGraph, token: string): { query: Query; requests: () => number } {
  let requests = 0
  return {
    requests: () => requests,
    async query(query, variables) {
      requests++
      const res = await t.query(query, variables, token)
      if (res.status !== 200 || res.body.errors?.length || !res.body.data) {
        throw new Error(
          `The gateway refused the attacker's query (${res.status}): ${JSON.stringify(res.body.errors ?? res.body).slice(0, 600)}\n${query.slice(0, 300)}`,
        )
      }
      return res.body.data
    },
  }
}

/** Whether ExactCount carries lowerBound and upperBound, asked once by introspection. */
async function hasBounds(query: Query): Promise<boolean> {
  const data = await query('{ __type(name: "ExactCount") { fields { name } } }')
  const names = new Set<string>((data.__type?.fields ?? []).map((f: { name: string }) => f.name))
  return names.has('lowerBound') && names.has('upperBound')
}

export async function crawl(t: TestGraph, token: string): Promise<Crawl> {
  const client = researcherClient(t, token)
  const { query } = client
  const banded = await hasBounds(query)
  const COUNT = `fragment C on CountValue { __typename ... on ExactCount { value${banded ? ' lowerBound upperBound' : ''} } ... on SuppressedCount { threshold } ... on NotCollected { reason } }`

  const facts = await query('{ me { projects { id code } } components { id name location } }')
  const projects: { id: string; code: string }[] = [...facts.me.projects].sort((a: { id: string }, b: { id: string }) =>
    a.id.localeCompare(b.id),
  )
  const components: ComponentFacts[] = facts.components
  const observations: Observation[] = []

  // The latest day anything was collected for: the end of the history window.
  const latest: string[] = []
  for (const group of chunks(projects, MAX_ALIASES / 2)) {
    const fields = group
      .map(
        (p, i) =>
          `p${i}: project(id: "${p.id}") { studyRecordCounts { ... on StudyRecordCounts { date } } uniqueSubjectCounts { ... on UniqueSubjectCounts { date } } }`,
      )
      .join('\n')
    const data = await query(`{ ${fields} multiStudySubjectCounts { ... on MultiStudySubjectCounts { date } } }`)
    group.forEach((_, i) => latest.push(data[`p${i}`].studyRecordCounts.date, data[`p${i}`].uniqueSubjectCounts.date))
    if (data.multiStudySubjectCounts.date) latest.push(data.multiStudySubjectCounts.date)
  }
  const to = latest.sort().at(-1)!
  const from = addDays(to, -1095)

  // Every day of history, per project: the widest range one request may ask for, read in four parts
  // of 274 days, both histories of every component in each, which the cost limit (HD4RES_MAX_COST) admits.
  const parts = Array.from({ length: HISTORY_PARTS }, (_, i) => ({
    from: addDays(from, Math.ceil((1096 * i) / HISTORY_PARTS)),
    to: addDays(from, Math.ceil((1096 * (i + 1)) / HISTORY_PARTS) - 1),
  }))
  const historyAsks = projects.flatMap((p) => parts.map((part) => ({ p, part })))
  const collected = new Set<string>()
  const HISTORY = (field: string, type: string) =>
    `${field}(from: $from, to: $to) { ... on ${type} { series { component { id } points { date count { ...C } } } } }`
  const historyQuery = `query History($id: ID!, $from: Date!, $to: Date!) { project(id: $id) {
      ${HISTORY('studyRecordCountHistory', 'StudyRecordCountHistory')}
      ${HISTORY('uniqueSubjectCountHistory', 'UniqueSubjectCountHistory')} } } ${COUNT}`
  await inParallel(historyAsks, async ({ p, part }) => {
    const data = await query(historyQuery, { id: p.id, ...part })
    for (const [field, kind] of [
      ['studyRecordCountHistory', 'records'],
      ['uniqueSubjectCountHistory', 'subjects'],
    ] as const) {
      for (const series of data.project[field].series ?? []) {
        for (const point of series.points) {
          if (point.count.__typename === 'NotCollected') continue
          collected.add(point.date)
          observations.push({
            key: `${kind}|${p.id}|${series.component.id}`,
            day: point.date,
            path: `${field}(from:, to:)`,
            count: point.count,
          })
        }
      }
    }
  })
  const days = [...collected].sort()

  // Every project on every day, with the per-installation breakdown.
  const breakdowns = new Map<string, string[]>()
  const installations: InstallationAnswer[] = []
  const DAY = (field: string, type: string, i: number) =>
    `${field}(date: $d${i}) { ... on ${type} { date components { component { id } count { ...C } installations { installation count { ...C } } } } }`
  // One project per document with many days as aliased fields (one statement per batch in each subgraph), the
  // same document for every batch of a size, the project and days as variables: planned once.
  const perDocument = MAX_ALIASES / 2
  const dayQuery = (size: number) =>
    `query Days($id: ID!, ${Array.from({ length: size }, (_, i) => `$d${i}: Date!`).join(', ')}) { project(id: $id) {
      ${Array.from({ length: size }, (_, i) => `r${i}: ${DAY('studyRecordCounts', 'StudyRecordCounts', i)} s${i}: ${DAY('uniqueSubjectCounts', 'UniqueSubjectCounts', i)}`).join('\n')} } } ${COUNT}`
  const asks = projects.flatMap((p) => chunks(days, perDocument).map((group) => ({ p, group })))
  await inParallel(asks, async ({ p, group }) => {
    const data = await query(dayQuery(group.length), { id: p.id, ...Object.fromEntries(group.map((day, i) => [`d${i}`, day])) })
    group.forEach((day, i) => {
      for (const [field, kind, alias] of [
        ['studyRecordCounts', 'records', `r${i}`],
        ['uniqueSubjectCounts', 'subjects', `s${i}`],
      ] as const) {
        const answer = data.project[alias]
        if (answer.date !== day) throw new Error(`${field}(date: "${day}") of ${p.id} answered for ${answer.date}`)
        for (const c of answer.components ?? []) {
          const path = `${field}(date:)`
          if (c.count.__typename !== 'NotCollected')
            observations.push({ key: `${kind}|${p.id}|${c.component.id}`, day, path, count: c.count })
          const parts: { installation: string; count: PublishedCount }[] = c.installations ?? []
          if (parts.length === 0) continue
          if (c.component.id !== LOCAL) throw new Error(`${c.component.id} lists installations`)
          breakdowns.set(`${kind}|${p.id}|${day}`, parts.map((x) => x.installation).sort())
          const withheld = parts.filter((x) => x.count.__typename === 'SuppressedCount').length
          const mayBeLarge = !banded && withheld === 2 && c.count.__typename === 'ExactCount'
          for (const part of parts) {
            installations.push({ kind, project: p.id, day, host: part.installation, count: part.count })
            // A count not published is no reading; the model follows the installation all the same (from `breakdowns`).
            if (part.count.__typename === 'NotCollected') continue
            observations.push({
              key: `${kind}|${p.id}|${LOCAL}|${part.installation}`,
              day,
              path: `${path}.installations`,
              count: part.count,
              ...(mayBeLarge && part.count.__typename === 'SuppressedCount' ? { mayBeLarge } : {}),
            })
          }
        }
      }
    })
  })

  // Subjects in several studies and every project's overlaps, on every day.
  const overlapDays = new Map<string, Set<string>>()
  const perDay = Math.max(1, Math.floor(MAX_ALIASES / (projects.length + 1)))
  const overlapsQuery = (size: number) =>
    `query Overlaps(${Array.from({ length: size }, (_, i) => `$d${i}: Date!`).join(', ')}) {
      ${Array.from(
        { length: size },
        (_, i) => `m${i}: multiStudySubjectCounts(date: $d${i}) { ... on MultiStudySubjectCounts { date subjectsInMultipleStudies { ...C }
          ${projects.map((p, k) => `o${k}: overlaps(projectId: "${p.id}") { project { id } sharedSubjects { ...C } }`).join(' ')} } }`,
      ).join('\n')} } ${COUNT}`
  await inParallel(chunks(days, perDay), async (group) => {
    const data = await query(overlapsQuery(group.length), Object.fromEntries(group.map((day, i) => [`d${i}`, day])))
    group.forEach((day, i) => {
      const answer = data[`m${i}`]
      if (!answer.date) return
      if (answer.date !== day) throw new Error(`multiStudySubjectCounts(date: "${day}") answered for ${answer.date}`)
      const path = 'multiStudySubjectCounts(date:)'
      if (answer.subjectsInMultipleStudies.__typename !== 'NotCollected') {
        observations.push({ key: 'multi', day, path: `${path}.subjectsInMultipleStudies`, count: answer.subjectsInMultipleStudies })
      }
      const answered = new Set<string>()
      projects.forEach((p, k) => {
        answered.add(p.id)
        for (const o of answer[`o${k}`]) {
          if (o.sharedSubjects.__typename === 'NotCollected') continue
          observations.push({
            key: `overlap|${p.id}|${o.project.id}`,
            day,
            path: `${path}.overlaps(projectId: ${p.id})`,
            count: o.sharedSubjects,
          })
        }
      })
      overlapDays.set(day, answered)
    })
  })

  const pipelines = await crawlPipelines(query, projects, days)

  return {
    banded,
    projects,
    components,
    days,
    observations,
    breakdowns,
    installations,
    overlapDays,
    pipelines,
    requests: client.requests(),
  }
}

/** The store's own counts behind the answers, keyed like observations: for checks, never for the attack. */
export async function readTruth(db: Db): Promise<Map<string, Map<string, number>>> {
  const truth = new Map<string, Map<string, number>>()
  const put = (key: string, day: string, value: number) => {
    let days = truth.get(key)
    if (!days) truth.set(key, (days = new Map()))
    days.set(day, value)
  }
  const cells = async (kind: Kind, sql: string) => {
    for (const r of await db.query<{ p: string; c: string; day: string; v: number }>(sql)) put(`${kind}|${r.p}|${r.c}`, r.day, r.v)
  }
  await cells('records', 'SELECT project_id AS p, component_id AS c, day::text AS day, records AS v FROM records.study_record_counts')
  await cells('subjects', 'SELECT project_id AS p, component_id AS c, day::text AS day, subjects AS v FROM subjects.unique_subject_counts')
  await cells(
    'records',
    `SELECT project_id AS p, '${LOCAL}|' || COALESCE(host, installation_id) AS c, day::text AS day, records AS v FROM records.installation_counts`,
  )
  await cells(
    'subjects',
    `SELECT project_id AS p, '${LOCAL}|' || COALESCE(host, installation_id) AS c, day::text AS day, subjects AS v FROM subjects.installation_counts`,
  )
  for (const r of await db.query<{ p: string; q: string; day: string; v: number }>(
    'SELECT project_id AS p, other_project_id AS q, day::text AS day, shared_subjects AS v FROM subjects.project_overlaps',
  )) {
    put(`overlap|${r.p}|${r.q}`, r.day, r.v)
  }
  for (const r of await db.query<{ day: string; v: number }>('SELECT day::text AS day, subjects AS v FROM subjects.multi_study_subjects'))
    put('multi', r.day, r.v)
  return truth
}
