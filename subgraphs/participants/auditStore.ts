/** SQL for the audit trail (`ops.audit_log`): adding records, reading them newest first, and the retention job. Knows rows, not GraphQL. */
import type { Db, Queryable } from '../kit/store/db.js'
import type { AuditRecord } from '../../platform/auditRecord.js'

export interface AuditRow {
  id: string
  at: Date | string
  request_id: string
  batch_index: number | null
  researcher_id: string | null
  claimed_researcher_id: string | null
  roles: string[]
  operation_name: string | null
  operation_hash: string | null
  project_ids: string[]
  denied_project_ids: string[]
  publications: string[]
  outcome: string
  http_status: number
  error_codes: string[]
  from_cache: boolean
  client_address: string | null
  /** `at` to the microsecond, as a cursor must name it. */
  at_exact: string
}

export interface AuditQuery {
  researcherId?: string
  /** Records that read each of these projects, or were refused it. */
  projectIds?: string[]
  publication?: string
  outcome?: string
  /** At or after (ISO date-time). */
  from?: string
  /** Before (ISO date-time). */
  to?: string
  /** Records older than this place in the order (newest first). */
  after?: { at: string; id: string }
  limit: number
}

const COLUMNS = `id, at, request_id, batch_index, researcher_id, claimed_researcher_id, roles, operation_name, operation_hash,
  project_ids, denied_project_ids, publications, outcome, http_status, error_codes, from_cache, client_address`

export class AuditStore {
  constructor(private readonly db: Queryable) {}

  /** Adds records in one statement; a record already kept (same id, shipped again after a crash) is left as it is. */
  async insert(records: readonly AuditRecord[]): Promise<void> {
    if (records.length === 0) return
    // The records as one JSON array, read by their own field names.
    await this.db.query(
      `INSERT INTO ops.audit_log (${COLUMNS})
       SELECT id, at, "requestId", "batchIndex", "researcherId", "claimedResearcherId", roles, "operationName", "operationHash",
         projects, "deniedProjects", publications, outcome, "httpStatus", "errorCodes", "fromCache", "clientAddress"
       FROM jsonb_to_recordset($1::jsonb) AS r(
         id uuid, at timestamptz, "requestId" text, "batchIndex" integer, "researcherId" text, "claimedResearcherId" text,
         roles text[], "operationName" text, "operationHash" text, projects text[], "deniedProjects" text[],
         publications text[], outcome text, "httpStatus" integer, "errorCodes" text[], "fromCache" boolean, "clientAddress" text)
       ON CONFLICT (id) DO NOTHING`,
      [JSON.stringify(records)],
    )
  }

  /** One page, newest first (time, then id); only the conditions given are part of the statement, so each can use its index. */
  page(query: AuditQuery): Promise<AuditRow[]> {
    const conditions: string[] = []
    const params: unknown[] = []
    const param = (value: unknown) => {
      params.push(value)
      return `$${params.length}`
    }
    if (query.researcherId !== undefined) conditions.push(`researcher_id = ${param(query.researcherId)}`)
    // The expression of the table's project index: read or refused.
    for (const projectId of query.projectIds ?? []) conditions.push(`(project_ids || denied_project_ids) @> ${param([projectId])}::text[]`)
    if (query.publication !== undefined) conditions.push(`publications @> ${param([query.publication])}::text[]`)
    if (query.outcome !== undefined) conditions.push(`outcome = ${param(query.outcome)}`)
    if (query.from !== undefined) conditions.push(`at >= ${param(query.from)}::timestamptz`)
    if (query.to !== undefined) conditions.push(`at < ${param(query.to)}::timestamptz`)
    if (query.after !== undefined) conditions.push(`(at, id) < (${param(query.after.at)}::timestamptz, ${param(query.after.id)}::uuid)`)
    return this.db.query<AuditRow>(
      `SELECT ${COLUMNS}, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS at_exact
       FROM ops.audit_log ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY at DESC, id DESC LIMIT ${param(query.limit)}`,
      params,
    )
  }
}

/**
 * The retention job: deletes the records older than `retentionDays`. The
 * table refuses any other DELETE; this one names its cutoff for the table's
 * trigger, inside its own transaction. Answers how many records went.
 */
export async function purgeAuditLog(db: Db, retentionDays: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString()
  return db.transaction(async (tx) => {
    await tx.query(`SELECT set_config('hd4res.audit_purge_before', $1, true)`, [cutoff])
    const [gone] = await tx.query<{ n: number }>(
      'WITH gone AS (DELETE FROM ops.audit_log WHERE at < $1::timestamptz RETURNING 1) SELECT count(*)::int AS n FROM gone',
      [cutoff],
    )
    return gone?.n ?? 0
  })
}
