/**
 * GraphQL errors on their way out of Apollo: what a researcher may see of
 * each (formatGatewayError), and what the log keeps of it, under the request
 * id every error carries (errorReporting). The codes and the typed errors are
 * errors.ts's; this decides what each becomes in the answer.
 */
import type { ApolloServerPlugin } from '@apollo/server'
import type { GraphQLFormattedError } from 'graphql'
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
        async willSendResponse({ response, contextValue }) {
          if (response.body.kind !== 'single') return
          // Some refusals come from a parser plugin or the query planner and would leave as 500:
          // a request that never ran and was refused for its own content is the client's error.
          const result = response.body.singleResult
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
