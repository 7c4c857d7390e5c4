/**
 * How a request that fails outside GraphQL is answered: fastify's own
 * refusals (a body too large, not JSON, of the wrong type), told apart by
 * fastify's error codes, in the GraphQL error shape; anything else as a 500
 * that names the request id, with the error in the log.
 */
import type { FastifyError } from 'fastify'
import type { GatewayLimits } from '../../platform/settings.js'
import { CODES, emptyBody, GatewayError, internalError, invalidJson, payloadTooLarge, unsupportedMediaType } from '../errors.js'
import { refuse, type Stage } from './stage.js'

/** Errors of a request whose client is gone (Node's own for an aborted or timed-out request body). */
const CLIENT_GONE = new Set(['ECONNRESET', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE'])

function refusalFor(error: FastifyError, limits: GatewayLimits): GatewayError | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return payloadTooLarge(limits.maxBodyBytes)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType()
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return emptyBody()
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return invalidJson(error.message)
    default:
      return null
  }
}

export const httpErrors: Stage = {
  name: 'http errors',
  register(app, { limits, logger }) {
    app.setErrorHandler(async (error: FastifyError, request, reply) => {
      const refusal = refusalFor(error, limits)
      if (refusal) return refuse(reply, refusal)
      // The client went away, or was cut off for sending too slowly: nothing failed here, and nobody is left to answer.
      if (CLIENT_GONE.has(error.code) || request.raw.destroyed) {
        logger.info(
          { requestId: request.id, reason: error.code ?? error.message },
          'the client closed the connection before its request was read',
        )
        return refuse(
          reply,
          new GatewayError(CODES.BAD_REQUEST, 'The request was not received whole: the connection closed before its end'),
        )
      }
      logger.error({ requestId: request.id, err: error }, 'unhandled gateway error')
      return refuse(reply, internalError(request.id))
    })
  },
}
