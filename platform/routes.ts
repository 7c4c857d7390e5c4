/**
 * The participants subgraph's internal routes, which only the gateway may
 * call: the addresses both sides build their requests and handlers from.
 */

/** A researcher's memberships; the researcher's id travels in the query (`accessPath`), since ids such as `..` or `a/b` cannot be a path segment. */
export const ACCESS_ROUTE = '/internal/access'
/** The query parameter naming the researcher. */
export const ACCESS_RESEARCHER_PARAMETER = 'researcher'
/** The store's data version, bumped by every import: what response caches key on. */
export const VERSION_ROUTE = '/internal/data-version'
/** The same, as a stream of lines: the version now, then each change as it commits (versionFeed.ts). */
export const VERSION_CHANGES_ROUTE = '/internal/data-version/changes'
/** Audit records the gateway ships from its spool: POST JSON lines, one record each (auditRecord.ts), answered with AuditShipAnswer. */
export const AUDIT_ROUTE = '/internal/audit'
/** The content type of what the audit route reads. */
export const AUDIT_LINES_TYPE = 'application/x-ndjson'
/** The largest batch of audit records the route reads, in bytes. */
export const AUDIT_BATCH_MAX_BYTES = 8 * 2 ** 20
/** How often the version stream sends the version, read afresh, when nothing has changed. */
export const HEARTBEAT_MS = 15_000

/** The path of one researcher's memberships. */
export const accessPath = (researcherId: string) => `${ACCESS_ROUTE}?${ACCESS_RESEARCHER_PARAMETER}=${encodeURIComponent(researcherId)}`
