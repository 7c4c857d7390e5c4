/**
 * Turns type-graphql classes into a Federation 2 subgraph schema: type-graphql
 * builds the schema from the decorated classes, its SDL (with the federation
 * directives) is printed, and @apollo/subgraph builds the subgraph from it with
 * type-graphql's resolvers plus the entity reference resolvers.
 */
import 'reflect-metadata'
import { buildSubgraphSchema } from '@apollo/subgraph'
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js'
import { printSchemaWithDirectives } from '@graphql-tools/utils'
import { isUnionType, parse, type GraphQLSchema } from 'graphql'
import { buildSchema, createResolversMap, type NonEmptyArray } from 'type-graphql'
import { DateScalar, DateTimeScalar } from './scalars.js'
import { PublicationUnderDevelopmentTexts } from './types.js'

export const FEDERATION_LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@inaccessible"])`

export interface TypeGraphQLSubgraphOptions {
  // type-graphql takes resolver classes as constructors.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  resolvers: NonEmptyArray<Function>
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  orphanedTypes?: Function[]
  /** `__resolveReference` and other resolvers that type-graphql cannot express. */
  referenceResolvers?: GraphQLResolverMap<unknown>
}

export async function buildTypeGraphQLSubgraph(options: TypeGraphQLSubgraphOptions): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    // Every code-first subgraph answers PublicationUnderDevelopment, in the asked language.
    resolvers: [...options.resolvers, PublicationUnderDevelopmentTexts],
    orphanedTypes: options.orphanedTypes,
    scalarsMap: [],
    validate: false,
    skipCheck: true,
  })
  const sdl = `${FEDERATION_LINK}\n${printSchemaWithDirectives(schema)}`
  const resolvers = createResolversMap(schema) as GraphQLResolverMap<unknown>
  for (const [typeName, extra] of Object.entries(options.referenceResolvers ?? {})) {
    resolvers[typeName] = { ...(resolvers[typeName] as object), ...(extra as object) } as never
  }
  resolvers.Date = DateScalar
  resolvers.DateTime = DateTimeScalar
  const subgraph = buildSubgraphSchema({ typeDefs: parse(sdl), resolvers })
  // Our values carry __typename; a synchronous resolveType lets compiled (graphql-jit)
  // execution resolve unions, which it cannot do with type-graphql's asynchronous one.
  for (const type of Object.values(subgraph.getTypeMap())) {
    if (isUnionType(type) && type.name !== '_Entity') {
      const fallback = type.resolveType
      type.resolveType = (value, context, info, abstract) =>
        (value as { __typename?: string }).__typename ?? (fallback?.(value, context, info, abstract) as string | undefined)
    }
  }
  return subgraph
}
