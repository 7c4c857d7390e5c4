/**
 * Composing the supergraph from the subgraphs' SDL, and reading the committed
 * one. The committed file carries placeholder addresses: the real ones come
 * from configuration when the gateway starts. Also: the changes from one API
 * schema to the next, and the record of breaking changes made on purpose,
 * which `npm run compose` and `npm run schema:check` enforce.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, realpathSync } from 'node:fs'
import path from 'node:path'
import { composeServices } from '@apollo/composition'
import { buildSchema, parse, printSchema } from 'graphql'
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml'
import { z } from 'zod'
import { isIsoDate } from '../subgraphs/kit/graphql/scalars.js'
import { SUBGRAPHS } from '../subgraphs/index.js'

import { placeholderUrl, SCHEMA_DIR } from '../platform/supergraphFile.js'

export { placeholderUrl, readCommittedSupergraph, SCHEMA_DIR, SUPERGRAPH_FILE } from '../platform/supergraphFile.js'
export const API_SCHEMA_FILE = path.join(SCHEMA_DIR, 'api.graphql')

export interface Composition {
  supergraphSdl: string
  apiSdl: string
  hints: string[]
}

export class CompositionError extends Error {
  constructor(readonly errors: string[]) {
    super(`Composition failed:\n${errors.map((e) => `  - ${e}`).join('\n')}`)
    this.name = 'CompositionError'
  }
}

export async function composeSupergraph(): Promise<Composition> {
  const services = await Promise.all(
    SUBGRAPHS.map(async (subgraph) => ({
      name: subgraph.name,
      url: placeholderUrl(subgraph.name),
      typeDefs: parse((await subgraph.buildSchema()).sdl),
    })),
  )
  const result = composeServices(services)
  if (result.errors) throw new CompositionError(result.errors.map((e) => e.message))
  const apiSchema = result.schema.toAPISchema().toGraphQLJSSchema()
  return {
    supergraphSdl: `${result.supergraphSdl.trimEnd()}\n`,
    apiSdl: `${printSchema(apiSchema).trimEnd()}\n`,
    hints: result.hints.map((h) => h.toString()),
  }
}

// --- Breaking changes to the API schema -------------------------------------
//
// schema/api.graphql is what frontends are built against. A change to it that
// can break a working query (a field removed or retyped, a new required
// argument, an enum value removed) must be recorded as intended in
// schema/breaking-changes.yaml: compose refuses to write it otherwise, and
// `npm run schema:check` fails.

export const BREAKING_CHANGES_FILE = path.join(SCHEMA_DIR, 'breaking-changes.yaml')

export type ChangeLevel = 'breaking' | 'dangerous' | 'safe'

export interface SchemaChange {
  level: ChangeLevel
  /** The schema coordinate that changed, such as ResearchProject.recordCounts. */
  path: string
  message: string
}

/** A breaking change recorded as intended. */
export interface BreakingChangeRecord {
  path: string
  message: string
  reason: string
  /** YYYY-MM-DD */
  date: string
  /** Where the entry starts in the record file. */
  line: number
}

export interface CheckedChange extends SchemaChange {
  /** The record that marks this breaking change as intended, if any. */
  record?: BreakingChangeRecord
}

const LEVEL_ORDER: readonly ChangeLevel[] = ['breaking', 'dangerous', 'safe']
const LEVEL_TITLES: Record<ChangeLevel, string> = { breaking: 'Breaking', dangerous: 'Dangerous', safe: 'Safe' }

/** Every change from one API schema to the next, as @graphql-inspector/core classifies it, breaking first. */
export async function diffApiSchemas(oldSdl: string, newSdl: string): Promise<SchemaChange[]> {
  // Loaded here rather than at the top: only the schema tools need the
  // inspector, a development dependency.
  const { diff } = await import('@graphql-inspector/core')
  const levels: Record<string, ChangeLevel> = { BREAKING: 'breaking', DANGEROUS: 'dangerous', NON_BREAKING: 'safe' }
  const changes = (await diff(buildSchema(oldSdl), buildSchema(newSdl))).map((change): SchemaChange => ({
    // A level this code does not know is treated as the most careful one.
    level: levels[change.criticality.level] ?? 'breaking',
    path: change.path ?? '(schema)',
    message: change.message,
  }))
  return changes.sort(
    (a, b) =>
      LEVEL_ORDER.indexOf(a.level) - LEVEL_ORDER.indexOf(b.level) || a.path.localeCompare(b.path) || a.message.localeCompare(b.message),
  )
}

const recordSchema = z.strictObject({
  path: z
    .string({ error: 'path must be text: the changed coordinate, such as ResearchProject.recordCounts' })
    .min(1, 'path must not be empty'),
  message: z.string({ error: 'message must be text: the change as the schema check prints it' }).min(1, 'message must not be empty'),
  reason: z
    .string({ error: 'reason must be text: why the change is intended, and what clients must do' })
    .trim()
    .min(1, 'reason must not be empty: say why the change is intended, and what clients must do'),
  date: z
    .string({ error: 'date must be a date written YYYY-MM-DD' })
    .refine(isIsoDate, 'date must be a real calendar date written YYYY-MM-DD'),
})

export interface RecordFile {
  file: string
  exists: boolean
  records: BreakingChangeRecord[]
  /** `file:line: what is wrong`, one per bad entry or setting. */
  problems: string[]
}

/** Reads a record file's text: a YAML list of { path, message, reason, date }. Every problem is reported, with its line. */
export function parseBreakingChangeRecords(text: string, file: string): RecordFile {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false })
  const lineAt = (offset: number | undefined) => lines.linePos(offset ?? 0).line
  const result: RecordFile = { file, exists: true, records: [], problems: [] }
  if (doc.errors.length > 0) {
    result.problems = doc.errors.map((e) => `${file}:${lineAt(e.pos[0])}: not valid YAML: ${e.message.split('\n')[0]}`)
    return result
  }
  if (doc.contents === null) return result
  if (!isSeq(doc.contents)) {
    result.problems.push(`${file}:${lineAt(doc.contents.range?.[0])}: expected a list of entries, each with path, message, reason and date`)
    return result
  }
  const seen = new Map<string, number>()
  for (const item of doc.contents.items) {
    const node = item as YamlNode | null
    const line = lineAt(node?.range?.[0])
    if (!isMap(node)) {
      result.problems.push(`${file}:${line}: an entry must be a mapping with path, message, reason and date`)
      continue
    }
    const parsed = recordSchema.safeParse(node.toJSON())
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const key = issue.code === 'unrecognized_keys' ? issue.keys[0] : issue.path[0]
        const pair = node.items.find((p) => isScalar(p.key) && p.key.value === key)
        const at = pair && isScalar(pair.key) ? lineAt(pair.key.range?.[0]) : line
        const detail =
          issue.code === 'unrecognized_keys'
            ? `unknown setting ${issue.keys.join(', ')}; an entry has path, message, reason and date`
            : pair === undefined && issue.code === 'invalid_type'
              ? `${String(key)} is missing`
              : issue.message
        result.problems.push(`${file}:${at}: ${detail}`)
      }
      continue
    }
    const identity = `${parsed.data.path}\n${parsed.data.message}`
    const earlier = seen.get(identity)
    if (earlier !== undefined) {
      result.problems.push(`${file}:${line}: the same change is already recorded at line ${earlier}`)
      continue
    }
    seen.set(identity, line)
    result.records.push({ ...parsed.data, line })
  }
  return result
}

/** Reads the record file; a missing file records nothing. */
export function readBreakingChangeRecords(file = BREAKING_CHANGES_FILE): RecordFile {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { file, exists: false, records: [], problems: [] }
    throw error
  }
  return parseBreakingChangeRecords(text, file)
}

/** Pairs each breaking change with the record that marks it intended: same path, same message. */
export function matchRecords(changes: readonly SchemaChange[], records: readonly BreakingChangeRecord[]): CheckedChange[] {
  return changes.map((change) => {
    const record = change.level === 'breaking' ? records.find((r) => r.path === change.path && r.message === change.message) : undefined
    return record ? { ...change, record } : { ...change }
  })
}

export const unrecordedBreakingChanges = (changes: readonly CheckedChange[]) => changes.filter((c) => c.level === 'breaking' && !c.record)

/** The changes grouped by level, one line each: `path: message`, breaking ones marked recorded or not. */
export function formatChanges(changes: readonly CheckedChange[], indent = '  '): string {
  const out: string[] = []
  for (const level of LEVEL_ORDER) {
    const group = changes.filter((c) => c.level === level)
    if (group.length === 0) continue
    out.push(`${indent}${LEVEL_TITLES[level]} (${group.length}):`)
    for (const c of group) {
      const mark = level !== 'breaking' ? '' : c.record ? `  [recorded ${c.record.date}: ${c.record.reason}]` : '  [NOT RECORDED]'
      out.push(`${indent}  ${c.path}: ${c.message}${mark}`)
    }
  }
  return out.join('\n')
}

/** Entries to paste into the record file for these changes; the reason is left empty on purpose, so it must be written. */
export function recordTemplate(changes: readonly SchemaChange[], date = new Date().toISOString().slice(0, 10)): string {
  return changes
    .map((c) =>
      [
        `- path: ${JSON.stringify(c.path)}`,
        `  message: ${JSON.stringify(c.message)}`,
        `  reason: ""  # why it is intended, and what clients must change`,
        `  date: ${date}`,
      ].join('\n'),
    )
    .join('\n')
}

/** What to tell a developer about unrecorded breaking changes. */
export function unrecordedAdvice(unrecorded: readonly SchemaChange[], recordFile = BREAKING_CHANGES_FILE): string {
  const relative = path.relative(process.cwd(), recordFile) || recordFile
  return [
    `${unrecorded.length} breaking change${unrecorded.length === 1 ? ' is' : 's are'} not recorded in ${relative}.`,
    'Frontends built against the current API schema may stop working. If that is not intended, change the subgraph back;',
    `if it is, tell the frontend teams and add to ${relative}:`,
    '',
    recordTemplate(unrecorded),
  ].join('\n')
}

// --- The history of the committed API schema --------------------------------

export interface HistoryStep {
  commit: string
  subject: string
  changes: SchemaChange[]
}

export type ApiSchemaHistory =
  | { checked: false; reason: string }
  | {
      checked: true
      /** The commit that added the record file: the history is checked from there on. */
      since: string
      /** Oldest first: each commit that changed the API schema, with the changes from its parent's version. */
      steps: HistoryStep[]
      /** Set when the history ends early (a shallow clone). */
      incomplete?: string
    }

/** Runs git, or answers null when it fails (no git, not a repository, no such revision or file). */
function git(cwd: string, args: readonly string[]): string | null {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 256 * 1024 * 1024 })
  } catch {
    return null
  }
}

/**
 * Every committed version of the API schema since the record file was added,
 * each compared with the version before it: a commit that broke the schema
 * shows up here even when the working tree is fine.
 */
export async function apiSchemaHistory(apiFile = API_SCHEMA_FILE, recordFile = BREAKING_CHANGES_FILE): Promise<ApiSchemaHistory> {
  const dir = path.dirname(apiFile)
  const top = git(dir, ['rev-parse', '--show-toplevel'])?.trim()
  if (!top) return { checked: false, reason: 'git is not available or this is not a git repository' }
  if (git(top, ['rev-parse', '--verify', '--quiet', 'HEAD']) === null)
    return { checked: false, reason: 'the repository has no commits yet' }
  const real = (file: string) => path.join(realpathSync(path.dirname(file)), path.basename(file))
  const apiPath = path.relative(top, real(apiFile)).split(path.sep).join('/')
  const recordPath = path.relative(top, real(recordFile)).split(path.sep).join('/')
  const additions = git(top, ['log', '--diff-filter=A', '--format=%H', 'HEAD', '--', recordPath])?.trim().split('\n').filter(Boolean) ?? []
  const since = additions.at(-1)
  if (!since) return { checked: false, reason: `${recordPath} is not committed yet; the history is checked from the commit that adds it` }
  const shallow = git(top, ['rev-parse', '--is-shallow-repository'])?.trim() === 'true'
  const log = git(top, ['log', '--format=%H%x09%s', 'HEAD', '--not', `${since}^@`, '--', apiPath])
  if (log === null) return { checked: false, reason: `git log of ${apiPath} failed` }
  const commits = log
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [commit = '', ...subject] = line.split('\t')
      return { commit, subject: subject.join('\t') }
    })
  const steps: HistoryStep[] = []
  let incomplete: string | undefined
  for (const { commit, subject } of commits.reverse()) {
    const parent = git(top, ['rev-parse', '--verify', '--quiet', `${commit}^`])?.trim()
    if (!parent) {
      // A root commit adds the file; in a shallow clone the parent is simply not fetched.
      if (shallow) incomplete = `the history before ${commit.slice(0, 12)} is not in this shallow clone (git fetch --unshallow)`
      continue
    }
    const before = git(top, ['show', `${parent}:${apiPath}`])
    const after = git(top, ['show', `${commit}:${apiPath}`])
    // Added (nothing before) or deleted (nothing after): no two versions to compare.
    if (before === null || after === null) continue
    steps.push({ commit, subject, changes: await diffApiSchemas(before, after) })
  }
  return { checked: true, since, steps, ...(incomplete ? { incomplete } : {}) }
}
