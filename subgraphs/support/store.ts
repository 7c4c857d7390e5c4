/** SQL for tickets: filtered, keyset-paginated pages for many projects in one statement; the SLAs of many tickets in another. */
import type { Queryable } from '../kit/store/db.js'

export type TicketKind = 'incident' | 'request'
export type TicketOrder = 'NEWEST_FIRST' | 'OLDEST_FIRST'

export interface TicketFilterInput {
  states?: string[] | null
  priorities?: string[] | null
  openedFrom?: string | null
  openedTo?: string | null
  search?: string | null
}

export interface PagePosition {
  openedAt: string
  number: string
}

export interface PageQuery {
  kind: TicketKind
  filter: TicketFilterInput
  /** Rows to fetch per project (the page size plus one, to know if there is a next page). */
  limit: number
  after: PagePosition | null
  order: TicketOrder
}

export interface TicketRow {
  project_id: string
  /** null on the single row of a project whose page is empty */
  number: string | null
  sys_id: string
  short_description: string
  state: string
  priority: string
  opened_at: Date | string
  updated_at: Date | string
  closed_at: Date | string | null
  resolved_at: Date | string | null
  category: string | null
  affected_component: string | null
  request_type: string | null
  total: number
}

export interface SlaRow {
  task_sys_id: string
  name: string
  stage: string | null
  started_at: Date | string | null
  due_at: Date | string | null
  stopped_at: Date | string | null
  breached: boolean
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

export class SupportStore {
  constructor(private readonly db: Queryable) {}

  /**
   * One page per project and each project's total under the filter, in one
   * statement. Every requested project has at least one row; a project with no
   * ticket on its page has a single row whose ticket columns are null.
   */
  pages(projectIds: readonly string[], q: PageQuery): Promise<TicketRow[]> {
    const params: unknown[] = [q.kind, projectIds]
    const where: string[] = ['kind = $1', 'project_id = ANY($2::text[])']
    const add = (value: unknown) => {
      params.push(value)
      return `$${params.length}`
    }
    if (q.filter.states?.length) where.push(`state = ANY(${add(q.filter.states)}::text[])`)
    if (q.filter.priorities?.length) where.push(`priority = ANY(${add(q.filter.priorities)}::text[])`)
    if (q.filter.openedFrom) where.push(`opened_at >= ${add(q.filter.openedFrom)}::date`)
    if (q.filter.openedTo) where.push(`opened_at < ${add(q.filter.openedTo)}::date + 1`)
    if (q.filter.search) {
      const pattern = add(`%${escapeLike(q.filter.search)}%`)
      where.push(`(number ILIKE ${pattern} OR short_description ILIKE ${pattern})`)
    }
    const direction = q.order === 'NEWEST_FIRST' ? 'DESC' : 'ASC'
    const after = q.after
      ? `WHERE (opened_at, number) ${q.order === 'NEWEST_FIRST' ? '<' : '>'} (${add(q.after.openedAt)}::timestamptz, ${add(q.after.number)})`
      : ''
    const limit = add(q.limit)
    return this.db.query<TicketRow>(
      `WITH f AS (
         SELECT project_id, number, sys_id, short_description, state, priority, opened_at, updated_at, closed_at, resolved_at, category,
                affected_component, request_type
         FROM support.tickets WHERE ${where.join(' AND ')}
       ),
       totals AS (SELECT project_id, count(*)::int AS total FROM f GROUP BY project_id),
       page AS (
         SELECT f.*, row_number() OVER (PARTITION BY project_id ORDER BY opened_at ${direction}, number ${direction}) AS rn
         FROM f ${after}
       )
       SELECT r.project_id, COALESCE(t.total, 0) AS total, p.number, p.sys_id, p.short_description, p.state, p.priority,
              p.opened_at, p.updated_at, p.closed_at, p.resolved_at, p.category, p.affected_component, p.request_type
       FROM unnest($2::text[]) AS r(project_id)
       LEFT JOIN totals t ON t.project_id = r.project_id
       LEFT JOIN page p ON p.project_id = r.project_id AND p.rn <= ${limit}
       ORDER BY r.project_id, p.rn`,
      params,
    )
  }

  /** The SLAs of these tickets (by sys_id), each ticket's in the order they started. */
  slas(taskSysIds: readonly string[]): Promise<SlaRow[]> {
    return this.db.query<SlaRow>(
      `SELECT task_sys_id, name, stage, started_at, due_at, stopped_at, breached
       FROM support.ticket_slas WHERE task_sys_id = ANY($1::text[])
       ORDER BY task_sys_id, started_at NULLS LAST, sys_id`,
      [taskSysIds],
    )
  }
}
