/**
 * GraphQL errors on their way out of Apollo: what a researcher may see of
 * each (formatGatewayError), where in the answer each sits (answerPath), and
 * what the log keeps of it, under the request id every error carries
 * (errorReporting). The codes and the typed errors are errors.ts's; this
 * decides what each becomes in the answer.
 */
import type { ApolloServerPlugin } from '@apollo/server'
import { Kind, visit, type DocumentNode, type GraphQLFormattedError } from 'graphql'
import type { Logger } from 'pino'
import { CODES, maskedBySubgraph, raisedByGateway, refusesDocument, reportsTransportFailure, withoutSuggestion } from './errors.js'
import type { GatewayContext } from './options.js'

/**
 * What a researcher may see of an error: a subgraph that did not answer, or
 * could not reach its store, is named without its address; a refusal of the gateway's own keeps its message
 * and code and nothing else; outside development, unexpected errors keep only
 * their code (the log has the detail, under the same request id).
 */
export function formatGatewayError(production: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const extensions = { ...formatted.extensions }
    const service = typeof extensions.serviceName === 'string' ? extensions.serviceName : undefined
    const code = typeof extensions.code === 'string' ? extensions.code : CODES.INTERNAL_SERVER_ERROR
    // Named outages (a subgraph, or a subgraph's store): their messages are the gateway's or the kit's own words, and stay.
    if (code === CODES.SUBGRAPH_UNAVAILABLE || code === CODES.SUBGRAPH_BAD_RESPONSE || code === CODES.STORE_UNAVAILABLE)
      return { message: formatted.message, path: formatted.path, extensions: { code, serviceName: service } }
    if (service && reportsTransportFailure(formatted.message)) {
      return {
        message: `The ${service} service did not answer in time or could not be reached; the other fields are complete`,
        path: formatted.path,
        extensions: { code: CODES.SUBGRAPH_UNAVAILABLE, serviceName: service },
      }
    }
    // Armor's limits among them: Apollo hands them on as validation errors, with the gateway's own behind.
    const refusal = raisedByGateway(error)
    if (refusal) return { message: formatted.message, extensions: { code: refusal.code } }
    const message = withoutSuggestion(formatted.message)
    // The researcher's own document did not parse (a subgraph's error of that code is a subgraph's, below).
    if (code === CODES.GRAPHQL_PARSE_FAILED && !service) return { message, locations: formatted.locations, extensions: { code } }
    delete extensions.exception
    delete extensions.stacktrace
    delete extensions.response
    // A subgraph's own masked message names only the service: it may stay.
    if (production && code === CODES.INTERNAL_SERVER_ERROR && !maskedBySubgraph(message)) {
      return { message: 'Internal server error', path: formatted.path, extensions: { code, ...(service ? { serviceName: service } : {}) } }
    }
    return { ...formatted, message, extensions: { ...extensions, code } }
  }
}

type PathSegment = string | number

/** A list index, also one that lost its type on the way (a string of digits is never a field's name). */
function indexOf(segment: PathSegment): number | null {
  if (typeof segment === 'number') return Number.isSafeInteger(segment) && segment >= 0 ? segment : null
  return /^(0|[1-9][0-9]{0,15})$/.test(segment) ? Number(segment) : null
}

/**
 * An error's path as the answer can follow it: each string a response name
 * (a field's alias or name) and each number an index into a list of `data`.
 * @apollo/gateway writes its plan's path instead (`["projects", "@",
 * "_entities", "0", "incidents"]`) when a subgraph's error does not have the
 * shape it maps (`["_entities", <integer>, ...]`), and clients (Apollo Client,
 * urql, Relay) can attach such an error to no field. So the path keeps its
 * longest prefix that the answer holds and drops the rest: the error then
 * names the nearest field that contains the failure, or, when not even the
 * first segment is in the answer, no field at all. Past a null (the failed
 * field, or the parent its null reached) `data` says nothing more, and a
 * segment stays if it is an index or one of the operation's response names.
 */
export function answerPath(path: readonly PathSegment[], data: unknown, responseNames: ReadonlySet<string>): PathSegment[] | undefined {
  const kept: PathSegment[] = []
  let node = data
  for (const segment of path) {
    const index = indexOf(segment)
    if (node === null || node === undefined) {
      if (index === null && !(typeof segment === 'string' && responseNames.has(segment))) break
      kept.push(index ?? segment)
    } else if (Array.isArray(node)) {
      if (index === null || index >= node.length) break
      kept.push(index)
      node = node[index]
    } else if (typeof node === 'object' && typeof segment === 'string' && Object.hasOwn(node, segment)) {
      kept.push(segment)
      node = (node as Record<string, unknown>)[segment]
    } else break
  }
  return kept.length > 0 ? kept : undefined
}

/** Every response name the document asks for (aliases, field names, __typename), fragments included. */
export function responseNamesOf(document: DocumentNode | undefined): Set<string> {
  const names = new Set<string>()
  if (document) visit(document, { [Kind.FIELD]: (field) => void names.add(field.alias?.value ?? field.name.value) })
  return names
}

/** The errors with answerPath's paths: a path the answer does not hold is cut back (or left out), and the log says so. */
function withAnswerPaths(
  errors: readonly GraphQLFormattedError[],
  data: unknown,
  document: DocumentNode | undefined,
  log: (detail: object, message: string) => void,
): GraphQLFormattedError[] {
  let names: Set<string> | undefined
  return errors.map((error) => {
    if (!error.path) return error
    const path = answerPath(error.path, data, (names ??= responseNamesOf(document)))
    if (path?.length === error.path.length && path.every((segment, i) => segment === error.path![i])) return error
    log({ path: error.path, answerPath: path ?? null }, 'an error path that is not a path of the answer was corrected')
    const corrected: { -readonly [K in keyof GraphQLFormattedError]: GraphQLFormattedError[K] } = { ...error, path }
    if (!path) delete corrected.path
    return corrected
  })
}

/** Puts the request id on every error, logs what went wrong in full, and answers a document refused for its own content as the client's error. */
export function errorReporting(logger: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ contextValue, errors }) {
          for (const error of errors) {
            const code = error.extensions?.code
            if (code === CODES.INTERNAL_SERVER_ERROR || code === undefined || error.extensions?.serviceName) {
              logger.warn({ requestId: contextValue?.requestId, err: error.originalError ?? error, path: error.path }, error.message)
            }
          }
        },
        async willSendResponse({ response, contextValue, document }) {
          if (response.body.kind !== 'single') return
          const result = response.body.singleResult
          // Here rather than in formatGatewayError: only the whole answer says which paths it holds.
          if (result.errors) {
            const log = (detail: object, message: string) => logger.warn({ requestId: contextValue?.requestId, ...detail }, message)
            result.errors = withAnswerPaths(result.errors, result.data, document, log)
          }
          // Some refusals come from a parser plugin or the query planner and would leave as 500:
          // a request that never ran and was refused for its own content is the client's error.
          if (!result.data && result.errors?.length && result.errors.every((e) => refusesDocument(e.extensions?.code))) {
            response.http.status = 400
          }
          const requestId = contextValue?.requestId
          if (!requestId) return
          response.body.singleResult.errors = response.body.singleResult.errors?.map((e) => ({
            ...e,
            extensions: { ...e.extensions, requestId },
          }))
        },
      }
    },
  }
}
