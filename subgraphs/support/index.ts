/**
 * support: incidents and requests about each project, from the daily
 * ServiceNow extract, filtered and paginated with opaque cursors.
 * SDL-first on mercurius.
 */
import { sdlSubgraph } from '../kit/graphql/sdl.js'
import { createSupportLoaders } from './loaders.js'
import { supportResolvers } from './resolvers.js'

export const support = sdlSubgraph({
  name: 'support',
  moduleUrl: import.meta.url,
  resolvers: supportResolvers,
  createLoaders: createSupportLoaders,
})
