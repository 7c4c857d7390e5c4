/**
 * Sign-in, once per request and before Apollo (the response cache needs to
 * know who asks): the bearer token verified (auth.ts), or the request refused
 * 401 with the reason. The verified claims are the request's from here on.
 */
import { AuthError, type TokenClaims } from '../auth.js'
import { refuse, type Stage } from './stage.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified token's claims, once sign-in succeeded. */
    claims?: TokenClaims
  }
}

export const signIn: Stage = {
  name: 'sign-in',
  register(app, { options }) {
    app.addHook('preHandler', async (request, reply) => {
      try {
        request.claims = await options.verifier.verify(request.headers.authorization)
      } catch (error) {
        if (!(error instanceof AuthError)) throw error
        return refuse(reply, error)
      }
      if (request.audit) request.audit.claims = request.claims
    })
  },
}
