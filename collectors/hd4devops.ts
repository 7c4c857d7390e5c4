/**
 * The HD4DevOps collectors: daily counts of the external components and
 * availability checks of every component, one JSON document per component and
 * day (formats in collectors/schemas/). Each document is validated whole, then
 * imported in its own transaction, replacing what an earlier import of the
 * same component and day wrote.
 */
import { componentInfo, type ComponentId } from '../subgraphs/kit/catalogue/components.js'
import { dropsSincePreviousDay, replaceComponentDay, replaceInstallationDay } from '../subgraphs/kit/counts/import.js'
import type { Db, Queryable } from '../subgraphs/kit/store/db.js'
import { replaceChecksDay } from '../subgraphs/components/import.js'
import { installationsByHost, projectIdsByCode, recordInstallationContact } from '../subgraphs/participants/lookup.js'
import { RECORD_COUNTS } from '../subgraphs/records/import.js'
import { SUBJECT_COUNTS } from '../subgraphs/subjects/import.js'
import { ImportRefused } from './errors.js'
import type { SourceDocument } from './input.js'
import { recordAttempt, runImport, type RunOptions, type RunResult } from './run.js'
import { parseDocument, type ParsedDocument } from './validate.js'

export interface CountsDocument {
  format: 'hd4devops-counts/1'
  component: ComponentId
  day: string
  generatedAt?: string
  projects: {
    project: string
    records: number
    uniqueSubjects?: number
    installations?: { installation: string; records: number; uniqueSubjects?: number; release?: string }[]
  }[]
}

export interface AvailabilityDocument {
  format: 'hd4devops-availability/1'
  component: ComponentId
  day: string
  checks: { at: string; up: boolean; responseTimeMs?: number | null }[]
}

export interface CollectOptions extends RunOptions {
  /** Import only documents of these days; all when absent. */
  days?: ReadonlySet<string>
  /** Share of a drop from one day to the next that earns a warning (0.2 = 20 %). */
  dropWarningShare?: number
}

/** The outcome of one document: imported, skipped (another day), or refused with the reason. */
export type DocumentOutcome =
  | { name: string; status: 'imported'; result: RunResult }
  | { name: string; status: 'skipped'; reason: string }
  | { name: string; status: 'refused'; error: Error }

async function resolveProjects(tx: Queryable, doc: ParsedDocument<CountsDocument>): Promise<Map<string, string>> {
  const ids = await projectIdsByCode(
    tx,
    doc.value.projects.map((p) => p.project),
  )
  doc.value.projects.forEach((p, i) => {
    if (!ids.has(p.project)) {
      throw new ImportRefused(
        doc.where(['projects', i, 'project']),
        `unknown research project "${p.project}": no project has this code in the registry`,
      )
    }
  })
  const seen = new Set<string>()
  doc.value.projects.forEach((p, i) => {
    if (seen.has(p.project)) throw new ImportRefused(doc.where(['projects', i, 'project']), `project "${p.project}" appears twice`)
    seen.add(p.project)
  })
  return ids
}

/** HD4DP v2 Local's installations a document names, each looked up in the registry (an unknown host refuses the document). */
async function localInstallations(tx: Queryable, doc: ParsedDocument<CountsDocument>) {
  const projects = doc.value.projects
  const hosts = await installationsByHost(
    tx,
    projects.flatMap((p) => (p.installations ?? []).map((i) => i.installation)),
  )
  return projects.flatMap((p, pi) =>
    (p.installations ?? []).map((inst, ii) => {
      const known = hosts.get(inst.installation)
      if (!known) {
        throw new ImportRefused(
          doc.where(['projects', pi, 'installations', ii, 'installation']),
          `unknown HD4DP v2 Local installation "${inst.installation}"`,
        )
      }
      return {
        projectIndex: pi,
        installationId: known.id,
        organisationId: known.organisationId,
        environment: known.environment,
        host: inst.installation,
        records: inst.records,
        subjects: inst.uniqueSubjects,
        release: inst.release ?? null,
      }
    }),
  )
}

async function importCounts(tx: Queryable, doc: ParsedDocument<CountsDocument>, options: CollectOptions) {
  const { component, day, projects } = doc.value
  const ids = await resolveProjects(tx, doc)
  const collectedAt = doc.value.generatedAt ?? (options.now?.() ?? new Date()).toISOString()
  const dayInfo = { componentId: component, day, source: 'HD4DEVOPS' as const, collectedAt }
  // HD4DP v2 Local's totals count production only: an integration server's (test) counts are subtracted (docs/collectors.md).
  const local = component === 'HD4DP_V2_LOCAL' ? await localInstallations(tx, doc) : []
  const integration = (projectIndex: number, kind: 'records' | 'subjects') =>
    local
      .filter((i) => i.projectIndex === projectIndex && i.environment === 'INTEGRATION')
      .reduce((sum, i) => sum + ((kind === 'records' ? i.records : i.subjects) ?? 0), 0)
  const production = (projectIndex: number, kind: 'records' | 'subjects', total: number) => {
    const value = total - integration(projectIndex, kind)
    if (value < 0) {
      throw new ImportRefused(
        doc.where(['projects', projectIndex, kind === 'records' ? 'records' : 'uniqueSubjects']),
        `the total (${total}) is smaller than its integration servers' ${kind} (${total - value}): the total must count every installation listed`,
      )
    }
    return value
  }
  let rows = await replaceComponentDay(
    tx,
    RECORD_COUNTS,
    dayInfo,
    projects.map((p, pi) => ({ projectId: ids.get(p.project)!, value: production(pi, 'records', p.records) })),
  )
  const info = componentInfo(component)
  if (info.holdsSubjects) {
    rows += await replaceComponentDay(
      tx,
      SUBJECT_COUNTS,
      dayInfo,
      projects.flatMap((p, pi) =>
        p.uniqueSubjects === undefined ? [] : [{ projectId: ids.get(p.project)!, value: production(pi, 'subjects', p.uniqueSubjects) }],
      ),
    )
  }
  if (component === 'HD4DP_V2_LOCAL') {
    const perInstallation = local.map((i) => ({ ...i, projectId: ids.get(projects[i.projectIndex]!.project)! }))
    const contacts = new Map(perInstallation.map((i) => [i.installationId, i.release]))
    await recordInstallationContact(
      tx,
      collectedAt,
      [...contacts].map(([id, release]) => ({ id, release })),
    )
    const scope = { day, collectedAt, projectIds: [...ids.values()] }
    rows += await replaceInstallationDay(
      tx,
      RECORD_COUNTS,
      scope,
      perInstallation.map((i) => ({ ...i, value: i.records })),
    )
    rows += await replaceInstallationDay(
      tx,
      SUBJECT_COUNTS,
      scope,
      perInstallation.filter((i) => i.subjects !== undefined).map((i) => ({ ...i, value: i.subjects! })),
    )
  } else if (projects.some((p) => p.installations?.length)) {
    const i = projects.findIndex((p) => p.installations?.length)
    throw new ImportRefused(doc.where(['projects', i, 'installations']), 'only HD4DP v2 Local reports counts per installation')
  }
  const share = options.dropWarningShare ?? 0.2
  const warnings = (await dropsSincePreviousDay(tx, RECORD_COUNTS, component, day, share)).map(
    (d) =>
      `${component} ${day}: study records of ${d.projectId} fell from ${d.before} to ${d.after} (more than ${Math.round(share * 100)} % in a day)`,
  )
  return { rows, warnings }
}

async function importAvailability(tx: Queryable, doc: ParsedDocument<AvailabilityDocument>) {
  const { component, day, checks } = doc.value
  const start = Date.parse(`${day}T00:00:00Z`)
  checks.forEach((c, i) => {
    const at = Date.parse(c.at)
    if (at < start || at >= start + 86_400_000) {
      throw new ImportRefused(doc.where(['checks', i, 'at']), `check time ${c.at} is not on ${day} (UTC)`)
    }
  })
  const rows = await replaceChecksDay(
    tx,
    component,
    day,
    checks.map((c) => ({ at: new Date(c.at).toISOString(), up: c.up, responseMs: c.up ? (c.responseTimeMs ?? null) : null })),
  )
  return { rows, warnings: [] }
}

/** The day a refused document describes, when it can be read; else the one day asked for, else today (UTC). */
export function attemptDay(text: string, days: ReadonlySet<string> | undefined, now: Date): string {
  const named = /"day"\s*:\s*"(\d{4}-\d{2}-\d{2})"/.exec(text)?.[1]
  if (named && !Number.isNaN(Date.parse(`${named}T00:00:00Z`))) return named
  if (days?.size === 1) return [...days][0]!
  return now.toISOString().slice(0, 10)
}

async function importEach<T extends { day: string }>(
  db: Db,
  source: 'hd4devops-counts' | 'hd4devops-availability',
  documents: AsyncIterable<SourceDocument> | Iterable<SourceDocument>,
  schema: 'hd4devops-counts' | 'hd4devops-availability',
  work: (tx: Queryable, doc: ParsedDocument<T>) => Promise<{ rows: number; warnings: string[] }>,
  options: CollectOptions,
): Promise<DocumentOutcome[]> {
  const outcomes: DocumentOutcome[] = []
  for await (const { name, text } of documents) {
    let doc: ParsedDocument<T>
    let body = ''
    const started = options.now?.() ?? new Date()
    try {
      body = await text()
      doc = parseDocument<T>(body, name, schema)
    } catch (error) {
      outcomes.push({ name, status: 'refused', error: error as Error })
      // Logged too, for the day the document names (or the one asked for): a file that never imports must not look like a quiet day.
      const day = attemptDay(body, options.days, started)
      await recordAttempt(db, source, day, error as Error, started, options.now?.() ?? new Date())
      continue
    }
    if (options.days && !options.days.has(doc.value.day)) {
      outcomes.push({ name, status: 'skipped', reason: `describes ${doc.value.day}` })
      continue
    }
    try {
      const result = await runImport(db, source, doc.value.day, (tx) => work(tx, doc), options)
      outcomes.push({ name, status: 'imported', result })
    } catch (error) {
      outcomes.push({ name, status: 'refused', error: error as Error })
    }
  }
  return outcomes
}

export function collectHd4devopsCounts(
  db: Db,
  documents: AsyncIterable<SourceDocument> | Iterable<SourceDocument>,
  options: CollectOptions = {},
) {
  return importEach<CountsDocument>(
    db,
    'hd4devops-counts',
    documents,
    'hd4devops-counts',
    (tx, doc) => importCounts(tx, doc, options),
    options,
  )
}

export function collectHd4devopsAvailability(
  db: Db,
  documents: AsyncIterable<SourceDocument> | Iterable<SourceDocument>,
  options: CollectOptions = {},
) {
  return importEach<AvailabilityDocument>(db, 'hd4devops-availability', documents, 'hd4devops-availability', importAvailability, options)
}
