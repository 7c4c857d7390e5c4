/**
 * participants: the project registry. Owns ResearchProject's core fields,
 * `projects`, `project(id)`, `me`, `publications`, and who provides and uses
 * the data. Also tells the gateway which projects a researcher belongs to,
 * and keeps the audit trail the gateways ship to it (auditIntake.ts), which
 * operators read with `auditRecords`.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { printSubgraphSchema } from '@apollo/subgraph'
import { GATEWAY_ROLE, isResearcherId, RESEARCHER_ID_MAX } from '../../platform/identity.js'
import type { SubgraphDefinition } from '../kit/server/subgraph.js'
import { buildTypeGraphQLSubgraph } from '../kit/graphql/typegraphql.js'
import { createParticipantsLoaders, type ParticipantsLoaders } from './loaders.js'
import {
  DataUserResolver,
  IndividualResolver,
  InstallationResolver,
  OrganisationResolver,
  ProjectResolver,
  PublicationResolver,
  ResearcherResolver,
  resolveInstallationReference,
  resolveProjectReference,
} from './resolvers.js'
import { NotCollectedTexts } from '../kit/counts/types.js'
import { AuditResolver } from './audit.js'
import { LabelResolver } from './labels.js'
import { registerAuditIntake } from './auditIntake.js'
import { CollectorRunResolver } from './operations.js'
import { ParticipantsStore } from './store.js'
import { ACCESS_RESEARCHER_PARAMETER, ACCESS_ROUTE, VERSION_CHANGES_ROUTE, VERSION_ROUTE } from '../../platform/routes.js'
import { versionFeed } from './versionFeed.js'
import { readVersions } from '../kit/store/ops.js'

export const participants: SubgraphDefinition<ParticipantsLoaders> = {
  name: 'participants',
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  async buildSchema() {
    const schema = await buildTypeGraphQLSubgraph({
      resolvers: [
        ProjectResolver,
        ResearcherResolver,
        IndividualResolver,
        PublicationResolver,
        DataUserResolver,
        CollectorRunResolver,
        AuditResolver,
        LabelResolver,
        InstallationResolver,
        OrganisationResolver,
        NotCollectedTexts,
      ],
      referenceResolvers: {
        ResearchProject: { __resolveReference: resolveProjectReference as never },
        Installation: { __resolveReference: resolveInstallationReference as never },
      },
    })
    return { schema, sdl: printSubgraphSchema(schema) }
  },
  createLoaders: (deps) => createParticipantsLoaders(deps),
  // It already answers the data version: its /metrics also reports the import log.
  reportsImportLog: true,
  routes(app, deps, log) {
    const store = new ParticipantsStore(deps.db)
    app.get<{ Querystring: Record<string, unknown> }>(ACCESS_ROUTE, async (request, reply) => {
      if (!request.identity?.roles.includes(GATEWAY_ROLE)) {
        return reply.code(403).send({ error: 'only the gateway may read memberships' })
      }
      const researcherId = request.query[ACCESS_RESEARCHER_PARAMETER]
      if (!isResearcherId(researcherId)) {
        return reply
          .code(400)
          .send({ error: `"${ACCESS_RESEARCHER_PARAMETER}" must be a researcher id: 1 to ${RESEARCHER_ID_MAX} printable ASCII characters` })
      }
      const [researcher, projects] = await Promise.all([store.researcher(researcherId), store.memberProjectIds(researcherId)])
      return { id: researcherId, displayName: researcher?.display_name ?? null, projects }
    })
    // The registry version rides with the data version: the gateway forgets memberships only when it moves.
    const readVersion = () => readVersions(deps.db)
    app.get(VERSION_ROUTE, async (request, reply) => {
      if (!request.identity?.roles.includes(GATEWAY_ROLE)) {
        return reply.code(403).send({ error: 'only the gateway may read the data version' })
      }
      return await readVersion()
    })
    const feed = versionFeed(deps.db, readVersion, (message) => log.error(message))
    app.get(VERSION_CHANGES_ROUTE, async (request, reply) => {
      if (!request.identity?.roles.includes(GATEWAY_ROLE)) {
        return reply.code(403).send({ error: 'only the gateway may follow the data version' })
      }
      let stream
      try {
        stream = await feed.follow()
      } catch (error) {
        // The gateway reads the version meanwhile and tries again later.
        return reply.code(503).send({ error: `the data version cannot be followed now: ${(error as Error).message}` })
      }
      reply.raw.once('close', () => stream.destroy())
      // Its connection ends with it, so a server that closes (and ends its streams) is not kept open by a kept-alive socket.
      return reply.type('application/x-ndjson').header('cache-control', 'no-store').header('connection', 'close').send(stream)
    })
    // Before the server waits for its connections to end: the streams would hold it open.
    app.addHook('preClose', async () => feed.close())
    registerAuditIntake(app, deps, log)
  },
}
