/**
 * The request's language (language.ts) on the route, once the body is read
 * and before the response cache, whose key it is part of: every subgraph call
 * passes it on, and the answer names it in Content-Language. A language named
 * outright that is not one of ours is refused as 400 BAD_USER_INPUT.
 */
import { refusedInput } from '../errors.js'
import { chooseLanguage } from '../language.js'
import type { Language } from '../../platform/texts.js'
import { refuse, type Stage } from './stage.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The language this request's texts come in. */
    language?: Language
  }
}

export const language: Stage = {
  name: 'language',
  register(app) {
    app.addHook('preHandler', (request, reply, done) => {
      const choice = chooseLanguage(request)
      if ('problem' in choice) {
        refuse(reply, refusedInput(choice.problem))
        return
      }
      request.language = choice.language
      // The same address answers in another language for another Accept-Language.
      reply.header('content-language', choice.language).header('vary', 'accept-language')
      done()
    })
  },
}
