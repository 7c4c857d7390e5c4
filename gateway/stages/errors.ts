/**
 * How a request that fails outside GraphQL is answered: fastify's own
 * refusals (a body too large, not JSON, of the wrong type), told apart by
 * fastify's error codes, in the GraphQL error shape; anything else as a 500
 * that names the request id, with the error in the log.
 */
import type { FastifyError } from 'fastify'
import type { GatewayLimits } from '../../platform/settings.js'
import { emptyBody, internalError, invalidJson, payloadTooLarge, unsupportedMediaType, type GatewayError } from '../errors.js'
import { refuse, type Stage } from './stage.js'

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
      logger.error({ requestId: request.id, err: error }, 'unhandled gateway error')
      return refuse(reply, internalError(request.id))
    })
  },
}
