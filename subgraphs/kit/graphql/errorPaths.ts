/**
 * Error paths as GraphQL writes them: a field's response name is a string, a
 * list index an integer (`["_entities", 1, "incidents"]`).
 *
 * mercurius describes its route's answer with a JSON schema that types every
 * path segment as a string, and fastify serialises an answer as its schema
 * says: the index 1 left every subgraph as "1". @apollo/gateway maps an entity
 * fetch's error onto the researcher's answer only when the segment after
 * `_entities` is a number (executeQueryPlan's error path generator); with a
 * string it prefixed the fetch's plan path instead, and researchers received
 * `["projects", "@", "_entities", "1", "incidents"]`, a path no client can
 * follow. The route's schema is corrected as mercurius declares it, so the
 * answer keeps its fast serialiser and every subgraph (a scaffolded one too)
 * answers integer indices.
 */
import type { RouteOptions } from 'fastify'

/** What a path segment is: an index or a response name, tried in that order. */
export const PATH_SEGMENT_SCHEMA = { type: ['integer', 'string'] } as const

type Schema = Record<string, unknown>

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value)

/** The answer's schema for one status, with the errors' path segments as integers or strings; unchanged without errors in it. */
export function withGraphQLPathSegments(answer: unknown): unknown {
  if (!isSchema(answer) || !isSchema(answer.properties)) return answer
  const errors = answer.properties.errors
  if (!isSchema(errors) || !isSchema(errors.items) || !isSchema(errors.items.properties)) return answer
  const path = errors.items.properties.path
  if (!isSchema(path)) return answer
  // A copy: mercurius shares one schema object between its routes and its instances.
  return {
    ...answer,
    properties: {
      ...answer.properties,
      errors: {
        ...errors,
        items: { ...errors.items, properties: { ...errors.items.properties, path: { ...path, items: PATH_SEGMENT_SCHEMA } } },
      },
    },
  }
}

/** An onRoute hook: a route whose answer schema lists GraphQL errors serialises their paths' indices as integers. */
export function graphqlPathSegments(route: RouteOptions): void {
  const response = route.schema?.response
  if (!isSchema(response)) return
  route.schema = {
    ...route.schema,
    response: Object.fromEntries(Object.entries(response).map(([status, answer]) => [status, withGraphQLPathSegments(answer)])),
  }
}
