/** How the ServiceNow collector writes tickets and their SLAs: upserted by sys_id, so an updated ticket is updated here. */
import type { Queryable } from '../kit/store/db.js'

export interface TicketRecord {
  sysId: string
  kind: 'incident' | 'request'
  number: string
  projectId: string | null
  shortDescription: string
  state: string
  priority: string
  openedAt: string
  updatedAt: string
  closedAt: string | null
  resolvedAt: string | null
  category: string | null
  /** A ComponentId; null when the ticket names no platform component. */
  affectedComponent: string | null
  /** A ServiceRequestType, requests only; null when ServiceNow names none. */
  requestType: string | null
}

/** One task_sla record: an SLA that ServiceNow runs on the ticket whose sys_id is taskSysId. */
export interface SlaRecord {
  sysId: string
  taskSysId: string
  name: string
  /** An SlaStage; null when ServiceNow gave one this API does not know. */
  stage: string | null
  startedAt: string | null
  dueAt: string | null
  stoppedAt: string | null
  breached: boolean
  updatedAt: string
}

const COLUMNS = [
  ['sys_id', 'text', (t: TicketRecord) => t.sysId],
  ['kind', 'text', (t: TicketRecord) => t.kind],
  ['number', 'text', (t: TicketRecord) => t.number],
  ['project_id', 'text', (t: TicketRecord) => t.projectId],
  ['short_description', 'text', (t: TicketRecord) => t.shortDescription],
  ['state', 'text', (t: TicketRecord) => t.state],
  ['priority', 'text', (t: TicketRecord) => t.priority],
  ['opened_at', 'timestamptz', (t: TicketRecord) => t.openedAt],
  ['updated_at', 'timestamptz', (t: TicketRecord) => t.updatedAt],
  ['closed_at', 'timestamptz', (t: TicketRecord) => t.closedAt],
  ['resolved_at', 'timestamptz', (t: TicketRecord) => t.resolvedAt],
  ['category', 'text', (t: TicketRecord) => t.category],
  ['affected_component', 'text', (t: TicketRecord) => t.affectedComponent],
  ['request_type', 'text', (t: TicketRecord) => t.requestType],
] as const

const SLA_COLUMNS = [
  ['sys_id', 'text', (r: SlaRecord) => r.sysId],
  ['task_sys_id', 'text', (r: SlaRecord) => r.taskSysId],
  ['name', 'text', (r: SlaRecord) => r.name],
  ['stage', 'text', (r: SlaRecord) => r.stage],
  ['started_at', 'timestamptz', (r: SlaRecord) => r.startedAt],
  ['due_at', 'timestamptz', (r: SlaRecord) => r.dueAt],
  ['stopped_at', 'timestamptz', (r: SlaRecord) => r.stoppedAt],
  ['breached', 'boolean', (r: SlaRecord) => r.breached],
  ['updated_at', 'timestamptz', (r: SlaRecord) => r.updatedAt],
] as const

/** One record per sys_id: its latest version (the later of equal times). */
function latestVersions<R extends { sysId: string; updatedAt: string }>(records: readonly R[]): R[] {
  const latest = new Map<string, R>()
  for (const r of records) {
    const seen = latest.get(r.sysId)
    if (!seen || seen.updatedAt <= r.updatedAt) latest.set(r.sysId, r)
  }
  return [...latest.values()]
}

/** Upserts a batch of task_sla records; within it and against the store, the latest version of a sys_id wins. */
export async function upsertSlas(tx: Queryable, slas: readonly SlaRecord[]): Promise<number> {
  const rows = latestVersions(slas)
  if (rows.length === 0) return 0
  const names = SLA_COLUMNS.map(([name]) => name)
  await tx.query(
    `INSERT INTO support.ticket_slas (${names.join(', ')})
     SELECT * FROM unnest(${SLA_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
     ON CONFLICT (sys_id) DO UPDATE SET ${names
       .filter((n) => n !== 'sys_id')
       .map((n) => `${n} = EXCLUDED.${n}`)
       .join(', ')}
     WHERE support.ticket_slas.updated_at <= EXCLUDED.updated_at`,
    SLA_COLUMNS.map(([, , get]) => rows.map((r) => get(r))),
  )
  return rows.length
}

/** Upserts a batch; within it, later versions of a sys_id win. A ticket only moves forward in time. */
export async function upsertTickets(tx: Queryable, tickets: readonly TicketRecord[]): Promise<number> {
  const rows = latestVersions(tickets)
  if (rows.length === 0) return 0
  const names = COLUMNS.map(([name]) => name)
  const clash = await tx.query<{ number: string; sys_id: string; stored: string }>(
    `SELECT n.number, n.sys_id, t.sys_id AS stored
     FROM unnest($1::text[], $2::text[], $3::text[]) AS n(sys_id, kind, number)
     JOIN support.tickets t ON t.kind = n.kind AND t.number = n.number AND t.sys_id <> n.sys_id LIMIT 1`,
    [rows.map((r) => r.sysId), rows.map((r) => r.kind), rows.map((r) => r.number)],
  )
  if (clash[0]) {
    // ServiceNow numbers are unique per table: the extract and the store disagree about a ticket.
    throw new Error(
      `Ticket ${clash[0].number} (sys_id ${clash[0].sys_id}) is already stored under another sys_id (${clash[0].stored}); numbers are unique in ServiceNow, so one of them is not from this instance`,
    )
  }
  await tx.query(
    `INSERT INTO support.tickets (${names.join(', ')})
     SELECT * FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
     ON CONFLICT (sys_id) DO UPDATE SET ${names
       .filter((n) => n !== 'sys_id')
       .map((n) => `${n} = EXCLUDED.${n}`)
       .join(', ')}
     WHERE support.tickets.updated_at <= EXCLUDED.updated_at`,
    COLUMNS.map(([, , get]) => rows.map(get)),
  )
  return rows.length
}
