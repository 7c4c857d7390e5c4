/**
 * The publications: which HD4RES v2 publications the graph serves, and the
 * registry of what a deployment offers of them. PUBLICATIONS below is the one
 * definition of a publication in code (its id, and the import sources that
 * feed it); its state and texts are the deployment's, read once at start-up
 * from config/publications.yaml, optionally overridden by a deployment's own
 * file and an environment switch. A file that names a publication the table
 * lacks, or lacks one it has, stops start-up with a message that names the
 * file and the line.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { LineCounter, parseDocument, isMap, isScalar, type Node as YamlNode, type Pair } from 'yaml'
import { z } from 'zod'
import { isIsoDate } from '../graphql/scalars.js'
import { LANGUAGES, type Localisable } from '../i18n/texts.js'

/** The collectors that write into the store, as the import log names them. */
export const IMPORT_SOURCES = ['hd4devops-counts', 'hd4devops-availability', 'internal-counts', 'servicenow', 'registry'] as const
export type ImportSource = (typeof IMPORT_SOURCES)[number]

export interface PublicationDefinition {
  /** The import sources that feed it (none while no collector does), from which Publication.lastCollectedAt is computed. */
  sources: readonly ImportSource[]
}

/**
 * Every publication, in the order the PublicationId enum lists them. Adding
 * one is an entry here and its texts in config/publications.yaml.
 */
export const PUBLICATIONS = {
  STUDY_RECORD_COUNTS: { sources: ['hd4devops-counts', 'internal-counts'] },
  UNIQUE_SUBJECT_COUNTS: { sources: ['hd4devops-counts', 'internal-counts'] },
  MULTI_STUDY_SUBJECT_COUNTS: { sources: ['internal-counts'] },
  DATA_PROVIDER_ORGANISATIONS: { sources: ['registry'] },
  DATA_PROVIDER_INDIVIDUALS: { sources: ['registry'] },
  DATA_USER_ORGANISATIONS: { sources: ['registry'] },
  DATA_USER_INDIVIDUALS: { sources: ['registry'] },
  COMPONENT_STATUS: { sources: ['hd4devops-availability'] },
  INCIDENTS: { sources: ['servicenow'] },
  REQUESTS: { sources: ['servicenow'] },
} as const satisfies Record<string, PublicationDefinition>

export type PublicationId = keyof typeof PUBLICATIONS
export const PUBLICATION_IDS = Object.keys(PUBLICATIONS) as readonly PublicationId[]

export function isPublicationId(value: string): value is PublicationId {
  return Object.hasOwn(PUBLICATIONS, value)
}

export const PUBLICATION_STATES = ['AVAILABLE', 'UNDER_DEVELOPMENT'] as const
export type PublicationState = (typeof PUBLICATION_STATES)[number]

export interface PublicationEntry {
  id: PublicationId
  state: PublicationState
  /** In English and, where the registry file gives them, Dutch, French and German. */
  title: Localisable
  message: Localisable
  /** 'YYYY-MM-DD' or null */
  expectedAvailability: string | null
}

/** What a field answers in place of its data while the publication is under development. */
export interface PublicationUnderDevelopmentValue {
  __typename: 'PublicationUnderDevelopment'
  publication: PublicationId
  /** Picked in the request's language by the field (i18n/fields.ts). */
  title: Localisable
  message: Localisable
  expectedAvailability: string | null
}

export class PublicationRegistry {
  private readonly entries: ReadonlyMap<PublicationId, PublicationEntry>

  constructor(entries: readonly PublicationEntry[]) {
    const map = new Map(entries.map((e) => [e.id, e]))
    const missing = PUBLICATION_IDS.filter((id) => !map.has(id))
    if (missing.length > 0) throw new Error(`Publications registry lacks ${missing.join(', ')}`)
    this.entries = map
  }

  get(id: PublicationId): PublicationEntry {
    return this.entries.get(id)!
  }

  list(): PublicationEntry[] {
    return PUBLICATION_IDS.map((id) => this.get(id))
  }

  isAvailable(id: PublicationId): boolean {
    return this.get(id).state === 'AVAILABLE'
  }

  /** The PublicationUnderDevelopment value for `id`, or null when it is available. */
  underDevelopment(id: PublicationId): PublicationUnderDevelopmentValue | null {
    const entry = this.get(id)
    if (entry.state === 'AVAILABLE') return null
    return {
      __typename: 'PublicationUnderDevelopment',
      publication: id,
      title: entry.title,
      message: entry.message,
      expectedAvailability: entry.expectedAvailability,
    }
  }

  /**
   * This registry as one request sees it: every publication that answers
   * with data (underDevelopment gives null) is noted in `reads`, for the
   * audit trail. Every field that serves a publication asks underDevelopment
   * first, so the request's reads list each publication it served.
   */
  observedBy(reads: { publications: Set<string> }): PublicationRegistry {
    const view = Object.create(this) as PublicationRegistry
    view.underDevelopment = (id) => {
      const value = this.underDevelopment(id)
      if (value === null) reads.publications.add(id)
      return value
    }
    return view
  }

  /** A copy with some publications' states switched, for overrides and tests. */
  withStates(states: Partial<Record<PublicationId, PublicationState>>): PublicationRegistry {
    return new PublicationRegistry(this.list().map((e) => ({ ...e, state: states[e.id] ?? e.state })))
  }

  withAllAvailable(): PublicationRegistry {
    return this.withStates(Object.fromEntries(PUBLICATION_IDS.map((id) => [id, 'AVAILABLE'])))
  }
}

export class RegistryFileError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: ${detail}`)
    this.name = 'RegistryFileError'
  }
}

/**
 * A text of the registry: one string (the same in every language), or a
 * mapping of language tags (en, nl, fr, de) to the text, English required.
 */
const registryText = (name: string) =>
  z.union(
    [
      z.string().min(1, `${name} must not be empty`),
      z.strictObject(
        Object.fromEntries(
          LANGUAGES.map((l) => [
            l,
            l === 'en' ? z.string().min(1, `${name}.en must not be empty`) : z.string().min(1, `${name}.${l} must not be empty`).optional(),
          ]),
        ) as Record<(typeof LANGUAGES)[number], z.ZodString>,
        {
          error: (issue) =>
            issue.code === 'unrecognized_keys'
              ? `${name} has unknown languages ${issue.keys.join(', ')}; expected ${LANGUAGES.join(', ')}`
              : `${name} needs an English text (en)`,
        },
      ),
    ],
    { error: `${name} must be a text, or a mapping of ${LANGUAGES.join(', ')} to texts with en among them` },
  )

const entrySchema = z.strictObject({
  state: z.enum(PUBLICATION_STATES, { error: `state must be one of ${PUBLICATION_STATES.join(', ')}` }),
  title: registryText('title'),
  message: registryText('message'),
  expectedAvailability: z
    .union([z.string().refine(isIsoDate, 'expectedAvailability must be a real date written YYYY-MM-DD'), z.null()])
    .optional(),
})
const overrideSchema = entrySchema.partial()

export const DEFAULT_REGISTRY_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../config/publications.yaml')

/**
 * Parses a registry file. With `partial`, entries may give only some keys
 * (a deployment's override); otherwise every publication must be complete.
 */
export function parseRegistryFile(text: string, file: string, partial: boolean): Map<PublicationId, Partial<Omit<PublicationEntry, 'id'>>> {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false })
  const lineOf = (node: YamlNode | Pair | null | undefined): number => {
    const range = node && 'range' in node ? node.range : undefined
    const key = node && 'key' in node ? (node.key as YamlNode | null) : undefined
    const offset = range?.[0] ?? key?.range?.[0] ?? 0
    return lines.linePos(offset).line
  }
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!
    throw new RegistryFileError(file, lines.linePos(first.pos[0]).line, `not valid YAML: ${first.message.split('\n')[0]}`)
  }
  const result = new Map<PublicationId, Partial<Omit<PublicationEntry, 'id'>>>()
  if (doc.contents === null) return result
  if (!isMap(doc.contents)) throw new RegistryFileError(file, 1, 'expected a mapping of PublicationId to settings')
  for (const pair of doc.contents.items) {
    const key = isScalar(pair.key) ? String(pair.key.value) : ''
    if (!isPublicationId(key)) {
      throw new RegistryFileError(
        file,
        lineOf(pair.key as YamlNode),
        `unknown publication "${key}"; expected one of ${PUBLICATION_IDS.join(', ')}`,
      )
    }
    const value = (pair.value as YamlNode | null)?.toJSON?.() ?? (pair.value as unknown)
    const parsed = (partial ? overrideSchema : entrySchema).safeParse(value)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      // Point at the offending setting's own line when there is one.
      let line = lineOf(pair.key as YamlNode)
      const field = issue.path[0]
      if (isMap(pair.value) && typeof field === 'string') {
        const inner = pair.value.items.find((p) => isScalar(p.key) && p.key.value === field)
        if (inner) line = lineOf(inner.key as YamlNode)
      }
      const where = field === undefined ? key : `${key}.${String(field)}`
      const detail = issue.code === 'unrecognized_keys' ? `unknown setting ${issue.keys.join(', ')}` : issue.message
      throw new RegistryFileError(file, line, `${where}: ${detail}`)
    }
    result.set(key as PublicationId, parsed.data as Partial<Omit<PublicationEntry, 'id'>>)
  }
  return result
}

export interface RegistrySources {
  /** A deployment's registry file, whose entries replace the defaults one by one. */
  overrideFile?: string
  /** Comma-separated PublicationIds, or ALL, to mark available. */
  available?: string
  /** The default file (config/publications.yaml). */
  defaultFile?: string
}

export function loadPublicationRegistry(sources: RegistrySources = {}): PublicationRegistry {
  const defaultFile = sources.defaultFile ?? DEFAULT_REGISTRY_FILE
  const base = parseRegistryFile(readFileSync(defaultFile, 'utf8'), defaultFile, false)
  const merged = new Map(base)
  if (sources.overrideFile) {
    let text: string
    try {
      text = readFileSync(sources.overrideFile, 'utf8')
    } catch (error) {
      throw new Error(`Cannot read the publications registry ${sources.overrideFile}: ${(error as Error).message}`)
    }
    for (const [id, entry] of parseRegistryFile(text, sources.overrideFile, true)) {
      merged.set(id, { ...merged.get(id), ...entry })
    }
  }
  const entries: PublicationEntry[] = PUBLICATION_IDS.map((id) => {
    const e = merged.get(id)
    if (!e?.state || !e.title || !e.message) throw new Error(`${defaultFile}: publication ${id} is missing or incomplete`)
    return {
      id,
      state: e.state,
      title: e.title,
      message: e.message,
      expectedAvailability: e.expectedAvailability ?? null,
    }
  })
  let registry = new PublicationRegistry(entries)
  if (sources.available) registry = registry.withStates(parseAvailableList(sources.available))
  return registry
}

function parseAvailableList(value: string): Partial<Record<PublicationId, PublicationState>> {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  if (names.length === 1 && names[0]!.toUpperCase() === 'ALL') {
    return Object.fromEntries(PUBLICATION_IDS.map((id) => [id, 'AVAILABLE']))
  }
  const states: Partial<Record<PublicationId, PublicationState>> = {}
  for (const name of names) {
    if (!isPublicationId(name)) {
      throw new Error(`HD4RES_PUBLICATIONS_AVAILABLE: unknown publication "${name}"; expected ALL or some of ${PUBLICATION_IDS.join(', ')}`)
    }
    states[name as PublicationId] = 'AVAILABLE'
  }
  return states
}
