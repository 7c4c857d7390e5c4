/**
 * components: owns Component. Current status, availability and p95 response
 * time per window, per project and platform-wide, from HD4DevOps checks.
 * SDL-first on mercurius.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildFederationSchema } from '@mercuriusjs/federation'
import { SHARED_SDL } from '../kit/sdl.js'
import type { SubgraphDefinition } from '../kit/subgraph.js'
import { createComponentsLoaders, type ComponentsLoaders } from './loaders.js'
import { componentsResolvers } from './resolvers.js'

const here = path.dirname(fileURLToPath(import.meta.url))
export const componentsSdl = `${readFileSync(path.join(here, 'schema.graphql'), 'utf8')}\n${SHARED_SDL}`

export const components: SubgraphDefinition<ComponentsLoaders> = {
  name: 'components',
  migrationsDir: path.join(here, 'migrations'),
  async buildSchema() {
    return { schema: buildFederationSchema(componentsSdl), resolvers: componentsResolvers, sdl: componentsSdl }
  },
  createLoaders: (deps) => createComponentsLoaders(deps),
}
