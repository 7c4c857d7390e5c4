/**
 * The participants subgraph's side of the audit trail: the internal route the
 * gateways ship their spooled records to (gateway role only; a record shipped
 * twice is kept once), and the retention job that deletes records older than
 * the retention period, soon after start-up and then every hour.
 */
import type { FastifyInstance } from 'fastify'
import type { z } from 'zod'
import { GATEWAY_ROLE } from '../../platform/identity.js'
import type { Logger } from '../kit/server/log.js'
import type { SubgraphDeps } from '../kit/server/subgraph.js'
import { AUDIT_RETENTION_DAYS_DEFAULT, auditRecordSchema, type AuditRecord, type AuditShipAnswer } from '../../platform/auditRecord.js'
import { AuditStore, purgeAuditLog } from './auditStore.js'
import { AUDIT_BATCH_MAX_BYTES, AUDIT_LINES_TYPE, AUDIT_ROUTE } from '../../platform/routes.js'

const PURGE_FIRST_MS = 10_000
const PURGE_EVERY_MS = 3_600_000

/** The first thing wrong with a record, with where: e.g. `httpStatus: Too big: expected number to be <=599`. */
function problemOf(error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return 'not an audit record'
  const where = issue.path.join('.')
  return where ? `${where}: ${issue.message}` : issue.message
}

export function registerAuditIntake(app: FastifyInstance, deps: SubgraphDeps, log: Logger): void {
  const store = new AuditStore(deps.db)
  // The spool's lines as the gateway sends them: read here, each on its own, so one bad line costs only itself.
  app.addContentTypeParser(AUDIT_LINES_TYPE, { parseAs: 'string', bodyLimit: AUDIT_BATCH_MAX_BYTES }, (_request, body, done) =>
    done(null, body),
  )
  app.post(AUDIT_ROUTE, { bodyLimit: AUDIT_BATCH_MAX_BYTES }, async (request, reply) => {
    if (!request.identity?.roles.includes(GATEWAY_ROLE)) {
      return reply.code(403).send({ error: 'only the gateway may write the audit trail' })
    }
    if (typeof request.body !== 'string')
      return reply.code(415).send({ error: `send audit records as ${AUDIT_LINES_TYPE}, one JSON record a line` })
    const accepted: { index: number; record: AuditRecord }[] = []
    const answer: AuditShipAnswer = { accepted: 0, rejected: [] }
    request.body.split('\n').forEach((line, index) => {
      if (line.trim() === '') return
      let record: unknown
      try {
        record = JSON.parse(line)
      } catch {
        answer.rejected.push({ index, problem: 'not JSON' })
        return
      }
      const parsed = auditRecordSchema.safeParse(record)
      if (parsed.success) accepted.push({ index, record: parsed.data })
      else answer.rejected.push({ index, problem: problemOf(parsed.error) })
    })
    try {
      await store.insert(accepted.map((a) => a.record))
      answer.accepted = accepted.length
      return answer
    } catch (error) {
      log.warn(
        { requestId: request.id },
        `audit trail: a batch of ${accepted.length} records could not be written (${(error as Error).message}); trying them one by one`,
      )
    }
    // One record the store refuses must not hold back the others for ever: each on its own. When the first few all
    // fail, the store is down rather than the records wrong: the gateway keeps them in its spool and sends them again.
    for (const [n, { index, record }] of accepted.entries()) {
      try {
        await store.insert([record])
        answer.accepted++
      } catch (error) {
        if (answer.accepted === 0 && n + 1 >= Math.min(3, accepted.length)) {
          return reply.code(503).send({ error: 'the audit trail cannot be written now; send the records again later' })
        }
        log.warn({ requestId: request.id }, `audit trail: record ${record.id} could not be written: ${(error as Error).message}`)
        answer.rejected.push({ index, problem: 'the store refused it (the participants log says why)' })
      }
    }
    answer.rejected.sort((a, b) => a.index - b.index)
    return answer
  })

  const retentionDays = deps.settings.auditRetentionDays ?? AUDIT_RETENTION_DAYS_DEFAULT
  let purging: Promise<void> | null = null
  const purge = () => {
    purging ??= purgeAuditLog(deps.db, retentionDays)
      .then((deleted) => {
        if (deleted > 0) log.info(`audit trail: ${deleted} records older than ${retentionDays} days deleted`)
      })
      .catch((error: Error) => log.warn(`audit trail: the retention job failed (${error.message}); it runs again within the hour`))
      .finally(() => {
        purging = null
      })
  }
  const first = setTimeout(purge, PURGE_FIRST_MS).unref()
  const every = setInterval(purge, PURGE_EVERY_MS).unref()
  app.addHook('onClose', async () => {
    clearTimeout(first)
    clearInterval(every)
    await purging
  })
}
