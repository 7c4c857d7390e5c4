/**
 * The ServiceNow collector: incidents (`incident`), requests (`sc_request`)
 * and the SLAs running on them (`task_sla`) from the Table API's JSON, read from files or pulled page by page. Records
 * stream through in batches, so a file of any size takes the same memory; the
 * whole extract is one transaction, upserted by sys_id.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import chain from 'stream-chain'
import { parser } from 'stream-json'
import { pick } from 'stream-json/filters/pick.js'
import { streamArray } from 'stream-json/streamers/stream-array.js'
import type { Db, Queryable } from '../../subgraphs/kit/store/db.js'
import { upsertSlas, upsertTickets, type SlaRecord, type TicketRecord } from '../../subgraphs/support/import.js'
import { ImportRefused } from '../errors.js'
import { httpGet, redact, type HttpOptions } from '../http.js'
import { runImport, type RunOptions, type RunResult } from '../run.js'
import type { ServiceNowTable, TicketTable } from './mapping.js'
import { ImportNotes, normaliseRecord, normaliseSla, type RawRecord } from './normalise.js'

export const TICKET_TABLES: readonly TicketTable[] = ['incident', 'sc_request']
/** The tables the collector reads: the tickets, and task_sla for the SLAs on them. */
export const SERVICENOW_TABLES: readonly ServiceNowTable[] = [...TICKET_TABLES, 'task_sla']

export type ServiceNowInput =
  | { kind: 'file'; table: ServiceNowTable; file: string }
  | { kind: 'pull'; table: ServiceNowTable; baseUrl: string; pageSize?: number; auth?: ServiceNowAuth; http?: HttpOptions }

export type ServiceNowAuth = { user: string; password: string } | { token: string }

export interface ServiceNowOptions extends RunOptions {
  /** The record field that names the project: its code (or id) in the registry. */
  projectField?: string
  /** The day the extract stands for, in the import log; today by default. */
  day?: string
  batchSize?: number
}

interface Located {
  record: RawRecord
  where: string
}

async function* fileRecords(file: string): AsyncGenerator<Located> {
  const size = (
    await stat(file).catch(() => {
      throw new Error(`Cannot read ${file}: no such file`)
    })
  ).size
  const input = createReadStream(file)
  const pipeline = chain([input, parser(), pick({ filter: 'result' }), streamArray()]) as unknown as Readable
  let index = 0
  try {
    for await (const item of pipeline as AsyncIterable<{ key: number; value: RawRecord }>) {
      yield { record: item.value, where: `${file} at $.result[${item.key}]` }
      index = item.key + 1
    }
  } catch (error) {
    const detail = (error as Error).message
    const truncated = input.bytesRead >= size ? ' (the file ends in the middle of a value: is it truncated?)' : ''
    throw new ImportRefused(`${file} at $.result[${index}]`, `not valid JSON: ${detail}${truncated}`)
  }
  if (index === 0) await assertHasResult(file)
}

/** An empty list is fine; a document without "result" is not a Table API answer. */
async function assertHasResult(file: string): Promise<void> {
  const pipeline = chain([createReadStream(file), parser(), pick({ filter: 'result' })]) as unknown as Readable
  const iterator = (pipeline as AsyncIterable<unknown>)[Symbol.asyncIterator]()
  const found = !(await iterator.next()).done
  pipeline.destroy()
  if (!found) throw new ImportRefused(file, 'not a ServiceNow Table API answer: it has no "result" list')
}

function authHeaders(auth?: ServiceNowAuth): Record<string, string> {
  if (!auth) return {}
  if ('token' in auth) return { authorization: `Bearer ${auth.token}` }
  return { authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}` }
}

async function* pulledRecords(input: Extract<ServiceNowInput, { kind: 'pull' }>): AsyncGenerator<Located> {
  const pageSize = input.pageSize ?? 1000
  for (let offset = 0; ; offset += pageSize) {
    const url = new URL(`/api/now/table/${input.table}`, input.baseUrl)
    url.searchParams.set('sysparm_limit', String(pageSize))
    url.searchParams.set('sysparm_offset', String(offset))
    url.searchParams.set('sysparm_display_value', 'all')
    url.searchParams.set('sysparm_exclude_reference_link', 'true')
    // A stable order, so that offsets do not skip or repeat records between pages.
    url.searchParams.set('sysparm_query', 'ORDERBYsys_created_on^ORDERBYsys_id')
    const response = await httpGet(url.toString(), { ...input.http, headers: { ...input.http?.headers, ...authHeaders(input.auth) } })
    const text = await response.text()
    let body: { result?: unknown }
    try {
      body = JSON.parse(text) as { result?: unknown }
    } catch {
      throw new ImportRefused(redact(url.toString()), 'the answer is not valid JSON')
    }
    if (!Array.isArray(body.result)) throw new ImportRefused(redact(url.toString()), 'not a Table API answer: it has no "result" list')
    for (const [i, record] of body.result.entries()) {
      yield { record: record as RawRecord, where: `${input.table} page at offset ${offset}, $.result[${i}]` }
    }
    if (body.result.length < pageSize) return
  }
}

async function projectsOf(tx: Queryable) {
  const rows = await tx.query<{ id: string; code: string }>('SELECT id, code FROM participants.projects')
  return { byCode: new Map(rows.map((r) => [r.code, r.id])), ids: new Set(rows.map((r) => r.id)) }
}

export async function collectServiceNow(db: Db, inputs: readonly ServiceNowInput[], options: ServiceNowOptions = {}): Promise<RunResult> {
  const day = options.day ?? new Date().toISOString().slice(0, 10)
  const batchSize = options.batchSize ?? 2000
  const projectField = options.projectField ?? 'u_project'
  return runImport(
    db,
    'servicenow',
    day,
    async (tx) => {
      const projects = await projectsOf(tx)
      const notes = new ImportNotes(projectField)
      let rows = 0
      for (const input of inputs) {
        const records = input.kind === 'file' ? fileRecords(input.file) : pulledRecords(input)
        const table = input.table
        if (table === 'task_sla') {
          rows += await writeSlas(tx, records, notes, batchSize)
          continue
        }
        let batch: TicketRecord[] = []
        for await (const { record, where } of records) {
          const normalised = normaliseRecord(record, { where, table, projectField, projects })
          notes.addTicket(normalised)
          batch.push(normalised.ticket)
          if (batch.length >= batchSize) {
            rows += await upsertTickets(tx, batch)
            batch = []
          }
        }
        rows += await upsertTickets(tx, batch)
      }
      return { rows, warnings: notes.warnings() }
    },
    options,
  )
}

async function writeSlas(tx: Queryable, records: AsyncIterable<Located>, notes: ImportNotes, batchSize: number): Promise<number> {
  let rows = 0
  let batch: SlaRecord[] = []
  for await (const { record, where } of records) {
    const { sla, unknownStage } = normaliseSla(record, where)
    notes.add('slaStage', unknownStage)
    batch.push(sla)
    if (batch.length >= batchSize) {
      rows += await upsertSlas(tx, batch)
      batch = []
    }
  }
  return rows + (await upsertSlas(tx, batch))
}
