/**
 * The inputs check (inputs.ts) on the route, right after the request limits
 * and before sign-in: every later stage that walks the body (the response
 * cache's key, GraphQL's coercion, the subgraph calls) meets only operations
 * whose values are nested no deeper than HD4RES_MAX_INPUT_DEPTH and whose
 * variables hold no NUL or lone surrogate. A refusal is 400 BAD_USER_INPUT,
 * saying what is wrong and where, and never reaches GraphQL.
 */
import type { FastifyRequest } from 'fastify'
import { refusedInput, type GatewayError } from '../errors.js'
import { operationInputProblem, queryTextProblem } from '../inputs.js'
import { refuse, type Stage } from './stage.js'

/** A GET's variables and extensions are JSON in the address; one that does not parse is left to GraphQL to refuse. */
function parsedOrAsIs(text: unknown): unknown {
  if (typeof text !== 'string') return text
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The operations of a request, as GraphQL will read them: a batch's each, the body's one, or a GET's from its address. */
function operationsOf(request: FastifyRequest): unknown[] {
  if (Array.isArray(request.body)) return request.body
  if (request.body !== undefined) return [request.body]
  const query = request.query as Record<string, unknown> | undefined
  if (!query) return []
  return [{ ...query, variables: parsedOrAsIs(query.variables), extensions: parsedOrAsIs(query.extensions) }]
}

function refusalOf(request: FastifyRequest, maxDepth: number): GatewayError | null {
  const operations = operationsOf(request)
  for (let i = 0; i < operations.length; i++) {
    const operation = operations[i]
    const query = (operation as { query?: unknown } | null)?.query
    const problem = operationInputProblem(operation, maxDepth) ?? (typeof query === 'string' ? queryTextProblem(query) : null)
    if (problem) return refusedInput(Array.isArray(request.body) ? `Operation ${i + 1} of the batch: ${problem}` : problem)
  }
  return null
}

export const inputs: Stage = {
  name: 'inputs',
  register(app, { limits }) {
    app.addHook('preHandler', (request, reply, done) => {
      const refusal = refusalOf(request, limits.maxInputDepth)
      if (refusal) refuse(reply, refusal)
      else done()
    })
  },
}
