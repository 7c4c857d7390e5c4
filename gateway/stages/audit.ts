/**
 * The audit trail (audit.ts) on the route. It comes last: its onSend hook
 * writes each answer's records to the spool as the answer's last step, after
 * every other stage's onSend, whatever answered the request (Apollo, the
 * response cache, a refusal). The note it keeps of a request starts in
 * preValidation, so it is there before every preHandler, whatever stage.
 */
import { CACHE_HEADER } from '../responseCache.js'
import type { Stage } from './stage.js'

export const audit: Stage = {
  name: 'audit',
  register(app, context) {
    context.audit?.instrumentGraphQLRoute(app, CACHE_HEADER)
  },
}
