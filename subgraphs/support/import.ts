/** How the ServiceNow collector writes tickets: upserted by sys_id, so an updated ticket is updated here. */
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
] as const

/** Upserts a batch; within it, later versions of a sys_id win. A ticket only moves forward in time. */
export async function upsertTickets(tx: Queryable, tickets: readonly TicketRecord[]): Promise<number> {
  const latest = new Map<string, TicketRecord>()
  for (const t of tickets) {
    const seen = latest.get(t.sysId)
    if (!seen || seen.updatedAt <= t.updatedAt) latest.set(t.sysId, t)
  }
  const rows = [...latest.values()]
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
