/**
 * The availability collector: the checks HD4DevOps ran recently, pulled from
 * its monitoring endpoint every few minutes (HD4RES_AVAILABILITY_SCHEDULE,
 * `collect availability`), so component status stays current. One document
 * (collectors/schemas/hd4devops-checks.schema.json) holds checks of any
 * components; each is added to what is there, and a check already imported is
 * imported again unchanged. Every attempt lands in the import log under
 * hd4devops-availability: refused (with file, line and path), failed (the
 * endpoint did not answer) or succeeded. A run does not bump the data
 * version: answers with status are kept a minute at most by every cache.
 */
import type { Db, Queryable } from '../subgraphs/kit/store/db.js'
import { upsertChecks } from '../subgraphs/components/import.js'
import type { ComponentId } from '../subgraphs/kit/catalogue/components.js'
import type { CollectorsConfig } from './config.js'
import { ImportRefused } from './errors.js'
import type { DocumentOutcome } from './hd4devops.js'
import { httpGet, redact, type HttpOptions } from './http.js'
import { fileDocuments, type SourceDocument } from './input.js'
import { recordAttempt, runImport, type RunOptions } from './run.js'
import { parseDocument, type ParsedDocument } from './validate.js'

export interface ChecksDocument {
  format: 'hd4devops-checks/1'
  generatedAt?: string
  checks: { component: ComponentId; at: string; up: boolean; responseTimeMs?: number | null }[]
}

/** How far ahead of this machine's clock a check may be, for clocks that differ a little. */
export const CLOCK_SKEW_MS = 5 * 60_000

/**
 * Parses and validates a document of current checks: the schema first, then
 * the rules it cannot say (no check after the document was written, nor
 * ahead of this clock by more than CLOCK_SKEW_MS). Throws ImportRefused
 * naming the file, line and JSON path.
 */
export function parseChecks(text: string, name: string, now: Date): ParsedDocument<ChecksDocument> {
  const doc = parseDocument<ChecksDocument>(text, name, 'hd4devops-checks')
  const { generatedAt, checks } = doc.value
  const latest = now.getTime() + CLOCK_SKEW_MS
  if (generatedAt && Date.parse(generatedAt) > latest) {
    throw new ImportRefused(
      doc.where(['generatedAt']),
      `generatedAt ${generatedAt} is in the future (this clock says ${now.toISOString()})`,
    )
  }
  checks.forEach((c, i) => {
    const at = Date.parse(c.at)
    if (generatedAt && at > Date.parse(generatedAt)) {
      throw new ImportRefused(
        doc.where(['checks', i, 'at']),
        `check time ${c.at} is after the document was written (generatedAt ${generatedAt})`,
      )
    }
    if (at > latest)
      throw new ImportRefused(doc.where(['checks', i, 'at']), `check time ${c.at} is in the future (this clock says ${now.toISOString()})`)
  })
  return doc
}

async function importChecks(tx: Queryable, doc: ParsedDocument<ChecksDocument>) {
  const rows = await upsertChecks(
    tx,
    doc.value.checks.map((c) => ({
      componentId: c.component,
      at: new Date(c.at).toISOString(),
      up: c.up,
      responseMs: c.up ? (c.responseTimeMs ?? null) : null,
    })),
  )
  return { rows, warnings: rows === 0 ? ['the endpoint answered no checks: is HD4DevOps monitoring?'] : [] }
}

/**
 * One run of the availability collector on one document: refused and failed
 * attempts are logged for the day the run began (UTC), like successful ones.
 */
export async function collectAvailability(db: Db, document: SourceDocument, options: RunOptions = {}): Promise<DocumentOutcome> {
  const now = options.now ?? (() => new Date())
  const started = now()
  const day = started.toISOString().slice(0, 10)
  let doc: ParsedDocument<ChecksDocument>
  try {
    doc = parseChecks(await readDocument(document), document.name, started)
  } catch (error) {
    await recordAttempt(db, 'hd4devops-availability', day, error as Error, started, now())
    return { name: document.name, status: 'refused', error: error as Error }
  }
  try {
    const result = await runImport(db, 'hd4devops-availability', day, (tx) => importChecks(tx, doc), { ...options, keepDataVersion: true })
    return { name: document.name, status: 'imported', result }
  } catch (error) {
    return { name: document.name, status: 'refused', error: error as Error }
  }
}

/** The document's text; a source that does not answer fails with its address and what went wrong (undici's retry error keeps the status). */
async function readDocument(document: SourceDocument): Promise<string> {
  try {
    return await document.text()
  } catch (error) {
    const status = (error as { statusCode?: unknown }).statusCode
    const what = typeof status === 'number' ? `answered ${status} (after retries)` : (error as Error).message
    throw new Error(`${document.name}: ${what}`, { cause: error })
  }
}

/** A run every few minutes: a few quick retries, not the daily collectors' patience. */
const QUICK: HttpOptions = { timeoutMs: 20_000, maxRetries: 2 }

/** An address (http or https) is asked with GET (20 s, two retries unless `http` says otherwise); anything else is a file. */
export function checksDocument(location: string, http: HttpOptions = {}): SourceDocument {
  if (!/^https?:\/\//.test(location)) return fileDocuments([location])[0]!
  return { name: redact(location), text: async () => (await httpGet(location, { ...QUICK, ...http })).text() }
}

/** Where the collectors configuration says HD4DevOps answers current checks, with its token; null when it names none. */
export function configuredChecksDocument(config: CollectorsConfig, env: NodeJS.ProcessEnv): SourceDocument | null {
  const hd = config.hd4devops
  if (!hd?.checks) return null
  const token = hd.tokenEnv ? env[hd.tokenEnv] : undefined
  return checksDocument(hd.checks, { headers: token ? { authorization: `Bearer ${token}` } : {} })
}
