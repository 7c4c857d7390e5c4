/**
 * The SDL-first (mercurius) subgraphs: the SDL of the types they share with
 * the others, written from the same lists so that they compose as identical
 * types (PublicationTemporarilyUnavailable as types.ts writes it), and the
 * definition each one is made from its folder.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildFederationSchema } from '@mercuriusjs/federation'
import type { IResolvers } from 'mercurius'
import { COMPONENT_IDS } from '../catalogue/components.js'
import { PUBLICATION_IDS } from '../catalogue/publications.js'
import type { SubgraphDefinition } from '../server/subgraph.js'
import { SCALARS_SDL } from './scalars.js'
import { LANGUAGE_ARGUMENT_DESCRIPTION, LANGUAGE_SDL, localisedFieldResolvers } from '../i18n/fields.js'

const enumSdl = (name: string, description: string, values: readonly string[]) =>
  `"""${description}"""\nenum ${name} {\n${values.map((v) => `  ${v}`).join('\n')}\n}\n`

export const SHARED_SDL = `
${SCALARS_SDL}
${enumSdl('PublicationId', 'Every publication that HD4RES v2 offers researchers.', PUBLICATION_IDS)}
${LANGUAGE_SDL}
${enumSdl('ComponentId', 'The technical components of the platform that hold study records or serve the project.', COMPONENT_IDS)}
"""Returned in place of a publication that is not yet available in HD4RES v2."""
type PublicationUnderDevelopment {
  publication: PublicationId!
  title("""${LANGUAGE_ARGUMENT_DESCRIPTION}""" language: Language): String!
  message("""${LANGUAGE_ARGUMENT_DESCRIPTION}""" language: Language): String!
  expectedAvailability: Date
}
"""Returned in place of a publication whose service cannot be reached right now; the answer's errors name the service."""
type PublicationTemporarilyUnavailable {
  publication: PublicationId!
  message: String!
  """When to ask again, in seconds; null when unknown."""
  retryAfterSeconds: Int
}
`

export interface SdlSubgraphOptions<Loaders> extends Pick<
  SubgraphDefinition<Loaders>,
  'name' | 'createLoaders' | 'routes' | 'resultMaxAgeSeconds'
> {
  /** The subgraph's index.ts (`import.meta.url`): its schema.graphql and migrations/ are beside it. */
  moduleUrl: string
  resolvers: IResolvers
}

/** An SDL-first subgraph: its schema.graphql with the shared SDL, its resolvers on mercurius, its migrations. */
export function sdlSubgraph<Loaders>(options: SdlSubgraphOptions<Loaders>): SubgraphDefinition<Loaders> {
  const { name, moduleUrl, resolvers, createLoaders, routes, resultMaxAgeSeconds } = options
  const folder = path.dirname(fileURLToPath(moduleUrl))
  const sdl = `${readFileSync(path.join(folder, 'schema.graphql'), 'utf8')}\n${SHARED_SDL}`
  return {
    name,
    migrationsDir: path.join(folder, 'migrations'),
    async buildSchema() {
      const schema = buildFederationSchema(sdl)
      // Every field with a `language` argument picks its text; a subgraph's own resolver for one comes first.
      const merged: Record<string, unknown> = { ...resolvers }
      for (const [type, fields] of Object.entries(localisedFieldResolvers(schema))) {
        merged[type] = { ...fields, ...(resolvers[type] as object | undefined) }
      }
      return { schema, resolvers: merged as IResolvers, sdl }
    },
    createLoaders,
    routes,
    resultMaxAgeSeconds,
  }
}
