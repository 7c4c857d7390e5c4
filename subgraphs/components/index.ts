/**
 * components: owns Component. Current status, availability and p95 response
 * time per window, per project and platform-wide, from HD4DevOps checks.
 * SDL-first on mercurius.
 */
import { sdlSubgraph } from '../kit/graphql/sdl.js'
import { createComponentsLoaders } from './loaders.js'
import { componentsResolvers } from './resolvers.js'

/**
 * How long a shared cache may keep platform-wide component status, and the
 * longest any cache keeps an answer with status (this subgraph's result
 * cache, the gateway's response cache: gateway/responseCache.ts).
 */
export const PUBLIC_STATUS_SECONDS = 60

export const components = sdlSubgraph({
  name: 'components',
  moduleUrl: import.meta.url,
  resolvers: componentsResolvers,
  createLoaders: createComponentsLoaders,
  // Status moves with the clock, not with imports (the availability collector does not bump the data version):
  // an answer is kept no longer than a shared cache may keep it.
  resultMaxAgeSeconds: PUBLIC_STATUS_SECONDS,
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
