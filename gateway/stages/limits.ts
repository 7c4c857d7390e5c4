/**
 * The limits a request meets before anything of it is verified or run: a
 * batch's size, each document's tokens (counted here rather than by Armor,
 * whose parser hook turns refusals into 500s) and, where the deployment has
 * one, the safelist. The body's size is fastify's bodyLimit (errors.ts says
 * so); depth, aliases and directives are Armor's, as GraphQL validates the
 * document (protection.ts); an operation's cost, a batch's together and the
 * answer's size are cost.ts's, once Apollo has resolved each operation with
 * its variables.
 */
import type { FastifyRequest } from 'fastify'
import type { GatewayLimits } from '../../platform/settings.js'
import { batchTooLarge, notSafelisted, overTokenLimit, type GatewayError } from '../errors.js'
import { tooManyTokens } from '../protection.js'
import type { OperationRequest } from '../responseCache.js'
import { isSafelisted, type Safelist } from '../safelist.js'
import { refuse, type Stage } from './stage.js'

function refusalOf(request: FastifyRequest, limits: GatewayLimits, safelist: Safelist | undefined): GatewayError | null {
  if (Array.isArray(request.body) && request.body.length > limits.maxBatch) return batchTooLarge(limits.maxBatch, request.body.length)
  const operations = (Array.isArray(request.body) ? request.body : [request.body ?? request.query]) as (OperationRequest | undefined)[]
  if (operations.some((op) => tooManyTokens(op?.query, limits.maxTokens))) return overTokenLimit(limits.maxTokens)
  if (safelist && operations.some((op) => !isSafelisted(safelist, op?.query))) return notSafelisted()
  return null
}

export const limits: Stage = {
  name: 'limits',
  register(app, context) {
    app.addHook('preHandler', (request, reply, done) => {
      const refusal = refusalOf(request, context.limits, context.options.safelist)
      if (refusal) refuse(reply, refusal)
      else done()
    })
  },
}
