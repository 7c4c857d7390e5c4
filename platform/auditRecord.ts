/**
 * One audit record as the gateway writes it (a JSON line in its spool, and in
 * the log when asked) and ships it to the participants subgraph, which checks
 * it with `auditRecordSchema` and keeps it in `ops.audit_log`. Part of the
 * protocol between gateway and subgraphs: both import this file.
 */
import { z } from 'zod'

export const AUDIT_FORMAT = 'hd4res-audit/1'

/**
 * ok: answered without errors. partial: data and errors. error: errors only
 * (the operation did not parse or validate, or nothing of it could be
 * answered). refused: turned away before GraphQL ran (sign-in, limits,
 * safelist, rate), with its HTTP status.
 */
export const AUDIT_OUTCOMES = ['ok', 'partial', 'error', 'refused'] as const
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number]

/** Longer than any id, name, role or code a deployment uses; the gateway cuts a longer value to this. */
export const AUDIT_TEXT_MAX = 1000
/** More list entries than any researcher has projects or the graph has publications; longer lists are cut. */
export const AUDIT_LIST_MAX = 5000

const text = z.string().min(1).max(AUDIT_TEXT_MAX)
const list = z.array(text).max(AUDIT_LIST_MAX)

export const auditRecordSchema = z.strictObject({
  format: z.literal(AUDIT_FORMAT),
  id: z.uuid(),
  at: z.iso.datetime({ offset: true }),
  requestId: text,
  batchIndex: z.number().int().min(0).nullable(),
  researcherId: text.nullable(),
  claimedResearcherId: text.nullable(),
  roles: list,
  operationName: text.nullable(),
  operationHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'a SHA-256, 64 hexadecimal digits')
    .nullable(),
  projects: list,
  deniedProjects: list,
  publications: list,
  outcome: z.enum(AUDIT_OUTCOMES),
  httpStatus: z.number().int().min(100).max(599),
  errorCodes: list,
  fromCache: z.boolean(),
  clientAddress: text.nullable(),
})

export type AuditRecord = z.infer<typeof auditRecordSchema>

/** What the audit route answers: how many records it kept (or already had), and those it could not read. */
export interface AuditShipAnswer {
  accepted: number
  rejected: { index: number; problem: string }[]
}

/** Days records are kept when HD4RES_AUDIT_RETENTION_DAYS does not say (a year and a month, so "last year" can always be asked). */
export const AUDIT_RETENTION_DAYS_DEFAULT = 400
