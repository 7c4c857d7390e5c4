/**
 * One ServiceNow Table API record to one ticket row (incident, sc_request) or
 * one SLA row (task_sla). Values come plain or as `{display_value, value}`
 * pairs (sysparm_display_value=all); the stored value is always the machine
 * value. Codes map through mapping.ts, the one table to change when the
 * portal adds a state.
 */
import type { ComponentId } from '../../subgraphs/kit/catalogue/components.js'
import type { SlaRecord, TicketRecord } from '../../subgraphs/support/import.js'
import { ImportRefused } from '../errors.js'
import {
  COMPONENT_ITEMS,
  INCIDENT_STATES,
  lookup,
  PRIORITIES,
  REQUEST_STATES,
  REQUEST_TASK_STATES,
  REQUEST_TYPES,
  SLA_STAGES,
  type TicketTable,
} from './mapping.js'

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

/** The display value of a field when it came as a pair, else its plain value; '' when absent. */
export function fieldDisplay(record: RawRecord, field: string): string {
  const raw = record[field]
  if (typeof raw === 'object' && raw !== null && 'display_value' in raw) {
    const v = (raw as { display_value: unknown }).display_value
    if (v !== null && v !== undefined && String(v) !== '') return String(v)
  }
  return fieldValue(record, field)
}

const SYS_ID = /^[0-9a-f]{32}$/i

/**
 * The platform component a ticket names: its configuration item (cmdb_ci) by
 * name (the display value, a dot-walked cmdb_ci.name, or a plain value that
 * is a name), else the portal's application field (u_application). A bare
 * sys_id cannot be named: the import warns, and the pull asks for display values.
 */
export function affectedComponentOf(record: RawRecord): { component: ComponentId | null; unknown: string | null } {
  let unknown: string | null = null
  for (const field of ['cmdb_ci', 'u_application']) {
    const names = [fieldDisplay(record, field), fieldValue(record, `${field}.name`), fieldValue(record, field)]
    for (const name of names) {
      if (!name.trim()) continue
      const component = lookup(COMPONENT_ITEMS, name)
      if (component) return { component, unknown: null }
      unknown ??= SYS_ID.test(name.trim()) ? `sys_id ${name.trim()}` : name.trim()
    }
  }
  return { component: null, unknown }
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
  /** The configuration item that is no platform component, if any. */
  unknownComponent: string | null
  /** The request type mapping.ts does not know (stored as OTHER), if any. */
  unknownRequestType: string | null
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

  let requestType: TicketRecord['requestType'] = null
  let unknownRequestType: string | null = null
  if (ctx.table === 'sc_request') {
    const code = fieldValue(record, 'u_request_type').trim()
    const label = fieldDisplay(record, 'u_request_type').trim()
    if (code || label) {
      requestType = lookup(REQUEST_TYPES, code) ?? lookup(REQUEST_TYPES, label) ?? 'OTHER'
      if (!lookup(REQUEST_TYPES, code) && !lookup(REQUEST_TYPES, label)) unknownRequestType = label || code
    }
  }
  const affected = affectedComponentOf(record)

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
      affectedComponent: affected.component,
      requestType,
    },
    unknownProject: reference && !projectId ? reference : null,
    unknownComponent: affected.unknown,
    unknownRequestType,
  }
}

export interface NormalisedSla {
  sla: SlaRecord
  /** The stage mapping.ts does not know (stored as null), if any. */
  unknownStage: string | null
}

const BOOLEANS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false, yes: true, no: false }

/** One task_sla record: the SLA's definition (sla), the ticket it runs on (task), its stage, times and breach. */
export function normaliseSla(record: RawRecord, where: string): NormalisedSla {
  const refuse = (field: string, rule: string): never => {
    throw new ImportRefused(field ? `${where}.${field}` : where, rule)
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) refuse('', 'a record must be a JSON object')
  const required = (field: string) => fieldValue(record, field).trim() || refuse(field, `"${field}" is missing or empty`)
  const time = (field: string): string | null => {
    const raw = fieldValue(record, field)
    const parsed = parseServiceNowTime(raw)
    return parsed === undefined ? refuse(field, `"${raw}" is not a date-time such as 2026-11-20 09:15:00`) : parsed
  }
  const sysId = required('sys_id')
  const taskSysId = required('task')
  const name = (fieldDisplay(record, 'sla') || fieldValue(record, 'sla.name')).trim() || refuse('sla', '"sla" is missing or empty')
  const code = fieldValue(record, 'stage').trim()
  const label = fieldDisplay(record, 'stage').trim()
  const stage = code || label ? (lookup(SLA_STAGES, code) ?? lookup(SLA_STAGES, label) ?? null) : null
  const breachedText = fieldValue(record, 'has_breached').trim()
  const breachedFlag = breachedText === '' ? false : lookup(BOOLEANS, breachedText)
  if (breachedFlag === undefined) refuse('has_breached', `"${breachedText}" is not true or false`)
  const startedAt = time('start_time')
  return {
    sla: {
      sysId,
      taskSysId,
      name: name.slice(0, 200),
      stage,
      startedAt,
      dueAt: time('planned_end_time'),
      stoppedAt: time('end_time'),
      breached: breachedFlag === true || code.toLowerCase() === 'breached',
      updatedAt: time('sys_updated_on') ?? startedAt ?? new Date(0).toISOString(),
    },
    unknownStage: stage === null && (code || label) ? label || code : null,
  }
}

/** What an import stored in a weaker form (no project, no component, OTHER, no stage), counted for its warnings. */
export class ImportNotes {
  private readonly notes = new Map<string, { kind: keyof typeof NOTE_TEXTS; value: string; count: number }>()

  constructor(private readonly projectField: string) {}

  add(kind: keyof typeof NOTE_TEXTS, value: string | null): void {
    if (!value) return
    const key = `${kind}\u0000${value}`
    const note = this.notes.get(key) ?? { kind, value, count: 0 }
    note.count++
    this.notes.set(key, note)
  }

  addTicket(n: Normalised): void {
    this.add('project', n.unknownProject)
    this.add('component', n.unknownComponent)
    this.add('requestType', n.unknownRequestType)
  }

  warnings(): string[] {
    return [...this.notes.values()].map((n) => NOTE_TEXTS[n.kind](n.count, n.value, this.projectField))
  }
}

const NOTE_TEXTS = {
  project: (count: number, value: string, projectField: string) =>
    `${count} ticket(s) name project "${value}" in ${projectField}, which the registry does not know; stored without a project`,
  component: (count: number, value: string) =>
    `${count} ticket(s) name configuration item "${value}" in cmdb_ci, which is no HD4RES component; stored without an affected component (the names are in collectors/servicenow/mapping.ts)`,
  requestType: (count: number, value: string) =>
    `${count} request(s) have request type "${value}" in u_request_type, which collectors/servicenow/mapping.ts does not know; stored as OTHER`,
  slaStage: (count: number, value: string) =>
    `${count} SLA(s) have stage "${value}", which collectors/servicenow/mapping.ts does not know; stored without a stage`,
}
