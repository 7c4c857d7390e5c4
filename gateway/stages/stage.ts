/**
 * A stage of the gateway's request route: a name, and what it adds to the
 * fastify app (its hooks, routes or handler), wiring one of the gateway's
 * modules into the route. server.ts lists the stages in the order a request
 * meets them. Fastify runs the hooks of one kind in the order they were
 * added, so registering the stages in the list's order keeps that order.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { StageContext } from '../assemble.js'
import type { GatewayError } from '../errors.js'

export interface Stage {
  readonly name: string
  register(app: FastifyInstance, context: StageContext): void | Promise<void>
}

export async function registerStages(app: FastifyInstance, stages: readonly Stage[], context: StageContext): Promise<void> {
  for (const stage of stages) await stage.register(app, context)
}

/** Answers a request with a refusal, before GraphQL runs: its status, its headers, and its one error. */
export function refuse(reply: FastifyReply, error: GatewayError): FastifyReply {
  for (const [name, value] of Object.entries(error.headers)) reply.header(name, value)
  return reply.code(error.status).send(error.toBody())
}
