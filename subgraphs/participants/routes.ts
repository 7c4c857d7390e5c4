/**
 * The participants subgraph's internal routes, which only the gateway may
 * call: the addresses both sides build their requests and handlers from.
 */

/** A researcher's memberships. */
export const ACCESS_ROUTE = '/internal/access/:researcherId'
/** The store's data version, bumped by every import: what response caches key on. */
export const VERSION_ROUTE = '/internal/data-version'
/** The same, as a stream of lines: the version now, then each change as it commits (versionFeed.ts). */
export const VERSION_CHANGES_ROUTE = '/internal/data-version/changes'
/** How often the version stream sends the version, read afresh, when nothing has changed. */
export const HEARTBEAT_MS = 15_000

/** The path of one researcher's memberships. */
export const accessPath = (researcherId: string) => ACCESS_ROUTE.replace(':researcherId', encodeURIComponent(researcherId))
