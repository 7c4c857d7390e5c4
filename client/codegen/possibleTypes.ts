/**
 * A GraphQL Code Generator plugin: the API's interfaces and unions with their
 * member types, as Apollo Client's InMemoryCache takes them (`possibleTypes`).
 * Without them the cache cannot tell that an Incident is a Ticket, and drops
 * the fields a query asks for under `... on Ticket`. The output has the shape
 * of @graphql-codegen/fragment-matcher's, so either can write the file.
 */
import type { GraphQLSchema } from 'graphql'
import { isAbstractType } from 'graphql'

export function possibleTypesOf(schema: GraphQLSchema): Record<string, string[]> {
  const abstract = Object.values(schema.getTypeMap())
    .filter(isAbstractType)
    .filter((type) => !type.name.startsWith('__'))
    .sort((a, b) => a.name.localeCompare(b.name))
  return Object.fromEntries(
    abstract.map((type) => [
      type.name,
      schema
        .getPossibleTypes(type)
        .map((member) => member.name)
        .sort(),
    ]),
  )
}

export const plugin = (schema: GraphQLSchema): string =>
  [
    "/** The API's interfaces and unions with their members, for InMemoryCache({ possibleTypes }). Generated: npm run codegen. */",
    'export interface PossibleTypesResultData {',
    '  possibleTypes: { [key: string]: string[] }',
    '}',
    `const result: PossibleTypesResultData = ${JSON.stringify({ possibleTypes: possibleTypesOf(schema) }, null, 2)}`,
    'export default result',
    '',
  ].join('\n')
