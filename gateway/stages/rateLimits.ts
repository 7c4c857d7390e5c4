/**
 * The rate limits (protection.ts), at their two places on the route: per
 * client address as the request arrives, before any work; per researcher
 * once sign-in has verified who it is. Past either, 429 with Retry-After.
 */
import { RateLimited } from '../protection.js'
import { refuse, type Stage } from './stage.js'

export const addressRateLimit: Stage = {
  name: 'rate limit per address',
  register(app, { rates }) {
    app.addHook('onRequest', async (request, reply) => {
      try {
        await rates.address(request.ip)
      } catch (error) {
        if (!(error instanceof RateLimited)) throw error
        return refuse(reply, error)
      }
    })
  },
}

export const researcherRateLimit: Stage = {
  name: 'rate limit per researcher',
  register(app, { rates }) {
    app.addHook('preHandler', async (request, reply) => {
      try {
        await rates.researcher(request.claims!.sub)
      } catch (error) {
        if (!(error instanceof RateLimited)) throw error
        return refuse(reply, error)
      }
    })
  },
}
