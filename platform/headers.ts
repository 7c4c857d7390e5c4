/**
 * The HTTP headers the gateway and the subgraphs exchange, besides the signed
 * identity (identity.ts). Both ends name them from here.
 */

/**
 * The request id: the gateway takes a well-formed one from the caller or
 * makes one, answers with it, and sends it to every subgraph it calls, so one
 * request's log lines share it across the deployment.
 */
export const REQUEST_ID_HEADER = 'x-request-id'

/**
 * The data version the gateway last read (at most HD4RES_DATA_VERSION_CHECK_MS
 * ago), sent with each subgraph call. A subgraph that read the same version
 * within that time answers without reading it again; otherwise it reads it.
 * So a subgraph is never behind the gateway: an answer the gateway keeps
 * under a version holds that version's data, or newer.
 */
export const DATA_VERSION_HEADER = 'x-hd4res-data-version'

/** A subgraph's answer says whether its own result cache gave it: `hit` or `miss`. */
export const SUBGRAPH_CACHE_HEADER = 'x-hd4res-subgraph-cache'

/**
 * The language the gateway settled on for a request (en, nl, fr or de), sent
 * with each subgraph call so that every text a subgraph publishes comes in it.
 * A subgraph reads anything else, or nothing, as English.
 */
export const LANGUAGE_HEADER = 'x-hd4res-language'
