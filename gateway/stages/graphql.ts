/**
 * The GraphQL route: its own fastify scope, so that its stages' hooks apply
 * to /graphql alone, and at its end Apollo, which answers what the stages
 * before let through, in the request's context: who asks, its request id and
 * data version, and where the metrics and the audit note each operation.
 */
import fastifyApollo from '@as-integrations/fastify'
import type { FastifyRequest } from 'fastify'
import { notSignedIn } from '../auth.js'
import type { GatewayContext } from '../options.js'
import { registerStages, type Stage } from './stage.js'

/** The route at /graphql, with these stages in this order. */
export function graphqlRoute(stages: readonly Stage[]): Stage {
  return {
    name: 'graphql route',
    async register(app, context) {
      await app.register(async (graphql) => registerStages(graphql, stages, context))
    },
  }
}

async function contextOf(request: FastifyRequest): Promise<GatewayContext> {
  if (!request.researcher) throw notSignedIn()
  return {
    identity: request.researcher,
    requestId: request.id,
    dataVersion: request.dataVersion,
    language: request.language ?? 'en',
    record: request,
    audit: request.audit,
  }
}

export const apollo: Stage = {
  name: 'apollo',
  async register(app, context) {
    // GET and POST only: a CORS preflight (OPTIONS) is answered before the route (cors.ts), never audited or counted as a request.
    await app.register(fastifyApollo(context.apollo), { path: '/graphql', method: ['GET', 'POST'], context: contextOf })
  },
}
