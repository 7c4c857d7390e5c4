/**
 * subjects: unique study subjects per project, component and day, and the
 * platform-wide count of subjects in several studies with per-project overlaps.
 * Every subject count below the threshold is published as SuppressedCount.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { printSubgraphSchema } from '@apollo/subgraph'
import { resolveProjectKey } from '../kit/access.js'
import type { SubgraphDefinition } from '../kit/subgraph.js'
import { buildTypeGraphQLSubgraph } from '../kit/typegraphql.js'
import { createSubjectsLoaders, type SubjectsLoaders } from './loaders.js'
import { MultiStudyResolver, SubjectsProjectResolver } from './resolvers.js'
import { ResearchProject } from './types.js'

export const subjects: SubgraphDefinition<SubjectsLoaders> = {
  name: 'subjects',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  async buildSchema() {
    const schema = await buildTypeGraphQLSubgraph({
      resolvers: [SubjectsProjectResolver, MultiStudyResolver],
      orphanedTypes: [ResearchProject],
      referenceResolvers: { ResearchProject: { __resolveReference: resolveProjectKey as never } },
    })
    return { schema, sdl: printSubgraphSchema(schema) }
  },
  createLoaders: (deps) => createSubjectsLoaders(deps),
}
