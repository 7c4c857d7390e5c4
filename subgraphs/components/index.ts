/**
 * components: owns Component. Current status, availability and p95 response
 * time per window, per project and platform-wide, from HD4DevOps checks.
 * SDL-first on mercurius.
 */
import { sdlSubgraph } from '../kit/graphql/sdl.js'
import { createComponentsLoaders } from './loaders.js'
import { componentsResolvers } from './resolvers.js'

export const components = sdlSubgraph({
  name: 'components',
  moduleUrl: import.meta.url,
  resolvers: componentsResolvers,
  createLoaders: createComponentsLoaders,
  routes(app) {
    // Platform-wide status is the same for everyone: a shared cache may keep it
    // for a minute. A project's component status (through _entities) stays private.
    app.addHook('onSend', async (request, reply, payload) => {
      const query = (request.body as { query?: unknown } | undefined)?.query
      const platformWide = typeof query === 'string' && !/\b_entities\b|\b_service\b/.test(query)
      const clean = typeof payload === 'string' && !payload.includes('"errors"')
      if (request.url.startsWith('/graphql') && reply.statusCode === 200 && platformWide && clean) {
        reply.header('cache-control', `public, max-age=${PUBLIC_STATUS_SECONDS}`)
      }
      return payload
    })
  },
})

/** How long a shared cache may keep platform-wide component status. */
export const PUBLIC_STATUS_SECONDS = 60
