/**
 * What one request read, for the audit trail: the projects on which a
 * membership check passed, those on which it failed, and the publications
 * that answered with data. A subgraph notes them while it resolves a request
 * (the membership checks in access.ts and the request's view of the
 * publications registry do) and returns them in its answer's extensions,
 * under READS_EXTENSION; the gateway gathers them per operation, strips them
 * from what the researcher receives, and writes them into the operation's
 * audit record. Part of the protocol between gateway and subgraphs.
 */
import type { Identity } from './identity.js'

/** The key of a subgraph answer's extensions that carries what it read: `extensions.hd4res.read`. */
export const READS_EXTENSION = 'hd4res'

export interface Reads {
  /** Projects on which a membership check passed. */
  projects: string[]
  /** Projects on which a membership check failed (the answer holds FORBIDDEN or null for them). */
  denied: string[]
  /** Publications that answered with data (not PublicationUnderDevelopment). */
  publications: string[]
}

/** The reads of one request (a subgraph's) or one operation (the gateway's), each kept once. */
export class ReadLog {
  readonly projects = new Set<string>()
  readonly denied = new Set<string>()
  readonly publications = new Set<string>()

  get empty(): boolean {
    return this.projects.size === 0 && this.denied.size === 0 && this.publications.size === 0
  }

  add(reads: Partial<Reads>): void {
    for (const id of reads.projects ?? []) this.projects.add(id)
    for (const id of reads.denied ?? []) this.denied.add(id)
    for (const id of reads.publications ?? []) this.publications.add(id)
  }

  /** The lists, sorted, for a record; empty lists included. */
  toReads(): Reads {
    return { projects: [...this.projects].sort(), denied: [...this.denied].sort(), publications: [...this.publications].sort() }
  }

  /** What travels in an answer's extensions: only the lists that hold something, sorted as toReads sorts them, whichever subgraph answered first. */
  toJSON(): Partial<Reads> {
    const json: Partial<Reads> = {}
    if (this.projects.size > 0) json.projects = [...this.projects].sort()
    if (this.denied.size > 0) json.denied = [...this.denied].sort()
    if (this.publications.size > 0) json.publications = [...this.publications].sort()
    return json
  }
}

/**
 * Each request's log, by its identity object: a subgraph makes one identity
 * per request (verifyIdentity), and every membership check is handed it, so
 * the checks can note what they let through without a second argument.
 */
const logs = new WeakMap<Identity, ReadLog>()

/** Starts noting what the request of this identity reads. */
export function startReadLog(identity: Identity): ReadLog {
  const log = new ReadLog()
  logs.set(identity, log)
  return log
}

/** The log of the request this identity belongs to, if one was started. */
export function readLogOf(identity: Identity): ReadLog | undefined {
  return logs.get(identity)
}

const stringList = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((v) => typeof v === 'string') ? (value as string[]) : undefined

/**
 * Takes what a subgraph answer's extensions say it read, and removes it from
 * them (and the extensions themselves once empty), so the researcher never
 * sees it. Null when the answer says nothing, or nothing readable.
 */
export function takeReads(answer: object): Partial<Reads> | null {
  const body = answer as { extensions?: Record<string, unknown> }
  const extensions = body.extensions
  if (!extensions || typeof extensions !== 'object' || !(READS_EXTENSION in extensions)) return null
  const carried = extensions[READS_EXTENSION] as { read?: unknown } | null
  delete extensions[READS_EXTENSION]
  if (Object.keys(extensions).length === 0) delete body.extensions
  return readsFrom(carried && typeof carried === 'object' ? carried.read : undefined)
}

/** Reads as JSON gave them back (an answer's extensions, a cache entry): lists of text; null when anything else is there. */
export function readsFrom(value: unknown): Partial<Reads> | null {
  if (!value || typeof value !== 'object') return null
  const read = value as Record<string, unknown>
  const reads: Partial<Reads> = {}
  for (const key of ['projects', 'denied', 'publications'] as const) {
    if (read[key] === undefined) continue
    const list = stringList(read[key])
    if (!list) return null
    reads[key] = list
  }
  return reads
}
