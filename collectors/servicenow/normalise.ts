/**
 * One ServiceNow Table API record to one ticket row. Values come plain or as
 * `{display_value, value}` pairs (sysparm_display_value=all); the stored value
 * is always the machine value. Codes map through mapping.ts, the one table to
 * change when the portal adds a state.
 */
import type { TicketRecord } from '../../subgraphs/support/import.js'
import { ImportRefused } from '../errors.js'
import { INCIDENT_STATES, lookup, PRIORITIES, REQUEST_STATES, REQUEST_TASK_STATES, type TicketTable } from './mapping.js'

export type RawRecord = Record<string, unknown>

/** The machine value of a field, whichever form it came in; '' when absent. */
export function fieldValue(record: RawRecord, field: string): string {
  const raw = record[field]
  if (raw === null || raw === undefined) return ''
  if (typeof raw === 'object' && 'value' in (raw as object)) {
    const v = (raw as { value: unknown }).value
    return v === null || v === undefined ? '' : String(v)
  }
  return String(raw)
}

/**
 * ServiceNow writes UTC date-times as `2026-11-20 09:15:00`; ISO-8601 is
 * accepted too. null for an empty value, undefined for one that is not a time.
 */
export function parseServiceNowTime(value: string): string | null | undefined {
  if (value === '') return null
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(value.trim())
  if (!m) return undefined
  const time = Date.parse(`${m[1]}T${m[2]}${m[3] ?? ''}${m[4] ?? 'Z'}`)
  return Number.isNaN(time) ? undefined : new Date(time).toISOString()
}

export interface NormaliseContext {
  /** Where the record sits, e.g. `incident.json at $.result[12]`. */
  where: string
  table: TicketTable
  /** The field that names the project (its code or id in the registry). */
  projectField: string
  projects: { byCode: ReadonlyMap<string, string>; ids: ReadonlySet<string> }
}

export interface Normalised {
  ticket: TicketRecord
  /** The project reference that matched nothing in the registry, if any. */
  unknownProject: string | null
}

export function normaliseRecord(record: RawRecord, ctx: NormaliseContext): Normalised {
  const refuse = (field: string, rule: string): never => {
    throw new ImportRefused(field ? `${ctx.where}.${field}` : ctx.where, rule)
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) refuse('', 'a record must be a JSON object')
  const required = (field: string) => fieldValue(record, field).trim() || refuse(field, `"${field}" is missing or empty`)
  const time = (field: string, optional: boolean): string | null => {
    const raw = fieldValue(record, field)
    if (raw === '') return optional ? null : refuse(field, `"${field}" is missing or empty`)
    const parsed = parseServiceNowTime(raw)
    return parsed ?? refuse(field, `"${raw}" is not a date-time such as 2026-11-20 09:15:00`)
  }

  const sysId = required('sys_id')
  const number = required('number')
  let state
  if (ctx.table === 'incident') {
    const code = required('state')
    state = lookup(INCIDENT_STATES, code) ?? refuse('state', `unknown incident state "${code}"; add it to collectors/servicenow/mapping.ts`)
  } else {
    const requestState = fieldValue(record, 'request_state')
    if (requestState) {
      state =
        lookup(REQUEST_STATES, requestState) ??
        refuse('request_state', `unknown request state "${requestState}"; add it to collectors/servicenow/mapping.ts`)
    } else {
      const code = required('state')
      state =
        lookup(REQUEST_TASK_STATES, code) ?? refuse('state', `unknown request state "${code}"; add it to collectors/servicenow/mapping.ts`)
    }
  }
  const priorityCode = fieldValue(record, 'priority') || '4'
  const priority =
    lookup(PRIORITIES, priorityCode) ?? refuse('priority', `unknown priority "${priorityCode}"; add it to collectors/servicenow/mapping.ts`)
  const openedAt = time('opened_at', false)!
  const updatedAt = time('sys_updated_on', true) ?? openedAt

  const reference = fieldValue(record, ctx.projectField).trim()
  const projectId = reference ? (ctx.projects.byCode.get(reference) ?? (ctx.projects.ids.has(reference) ? reference : null)) : null

  return {
    ticket: {
      sysId,
      kind: ctx.table === 'incident' ? 'incident' : 'request',
      number,
      projectId,
      shortDescription: fieldValue(record, 'short_description').slice(0, 1000),
      state,
      priority,
      openedAt,
      updatedAt,
      closedAt: time('closed_at', true),
      resolvedAt: ctx.table === 'incident' ? time('resolved_at', true) : null,
      category: ctx.table === 'incident' ? fieldValue(record, 'category') || null : null,
    },
    unknownProject: reference && !projectId ? reference : null,
  }
}
