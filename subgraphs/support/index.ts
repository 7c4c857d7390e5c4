/**
 * support: incidents and requests about each project, from the daily
 * ServiceNow extract, filtered and paginated with opaque cursors.
 * SDL-first on mercurius.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildFederationSchema } from '@mercuriusjs/federation'
import { SHARED_SDL } from '../kit/sdl.js'
import type { SubgraphDefinition } from '../kit/subgraph.js'
import { createSupportLoaders, type SupportLoaders } from './loaders.js'
import { supportResolvers } from './resolvers.js'

const here = path.dirname(fileURLToPath(import.meta.url))
export const supportSdl = `${readFileSync(path.join(here, 'schema.graphql'), 'utf8')}\n${SHARED_SDL}`

export const support: SubgraphDefinition<SupportLoaders> = {
  name: 'support',
  migrationsDir: path.join(here, 'migrations'),
  async buildSchema() {
    return { schema: buildFederationSchema(supportSdl), resolvers: supportResolvers, sdl: supportSdl }
  },
  createLoaders: (deps) => createSupportLoaders(deps),
}
