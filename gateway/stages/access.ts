/**
 * Who the signed-in researcher is to the graph: the projects they may see,
 * asked of the registry (access.ts) at the store's current data version. The
 * version is read first, so a change it finds clears the memberships this
 * request then asks for; it keys the response cache and every subgraph call
 * carries it as a hint.
 */
import type { Identity } from '../../platform/identity.js'
import { mayAnswerFromCache } from '../responseCache.js'
import type { Stage } from './stage.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The researcher with their visible projects: the identity every subgraph call carries, signed. */
    researcher?: Identity
    dataVersion?: string
  }
}

export const access: Stage = {
  name: 'access',
  register(app, { access: memberships, cache, dataVersion }) {
    app.addHook('preHandler', async (request) => {
      // The response cache cannot key an answer without the version; the subgraphs read it themselves when the hint is missing.
      request.dataVersion =
        cache && mayAnswerFromCache(request) ? await dataVersion.current() : await dataVersion.current().catch(() => undefined)
      request.researcher = await memberships.identityFor(request.claims!)
    })
  },
}
