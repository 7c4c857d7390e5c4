/**
 * records: study record counts per project, component and day, as collected
 * from HD4DevOps (external components) and by HD4RES (internal components).
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { printSubgraphSchema } from '@apollo/subgraph'
import { resolveProjectKey } from '../kit/access.js'
import type { SubgraphDefinition } from '../kit/subgraph.js'
import { buildTypeGraphQLSubgraph } from '../kit/typegraphql.js'
import { createRecordsLoaders, type RecordsLoaders } from './loaders.js'
import { RecordsProjectResolver } from './resolvers.js'
import { ResearchProject } from './types.js'

export const records: SubgraphDefinition<RecordsLoaders> = {
  name: 'records',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  async buildSchema() {
    const schema = await buildTypeGraphQLSubgraph({
      resolvers: [RecordsProjectResolver],
      orphanedTypes: [ResearchProject],
      referenceResolvers: { ResearchProject: { __resolveReference: resolveProjectKey as never } },
    })
    return { schema, sdl: printSubgraphSchema(schema) }
  },
  createLoaders: (deps) => createRecordsLoaders(deps),
}
