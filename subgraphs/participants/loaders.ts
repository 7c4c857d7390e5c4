/** Per-request loaders: one SQL statement per kind of thing, however many projects a query touches. */
import DataLoader from 'dataloader'
import type { SubgraphDeps } from '../kit/server/subgraph.js'
import { manyByKey, oneByKey } from '../kit/graphql/loaders.js'
import { importRuns, lastCollectedBySource } from '../kit/store/ops.js'
import { AuditStore } from './auditStore.js'
import { ParticipantsStore, type IndividualRow, type InstallationRow, type OrganisationRow, type ProjectRow } from './store.js'

export function createParticipantsLoaders(deps: SubgraphDeps) {
  const store = new ParticipantsStore(deps.db)
  let lastCollected: ReturnType<typeof lastCollectedBySource> | undefined
  return {
    store,
    audit: new AuditStore(deps.db),
    project: new DataLoader<string, ProjectRow | null>(async (ids) => oneByKey(ids, await store.projectsByIds(ids), (r) => r.id)),
    organisation: new DataLoader<string, OrganisationRow | null>(async (ids) =>
      oneByKey(ids, await store.organisationsByIds(ids), (r) => r.id),
    ),
    installation: new DataLoader<string, InstallationRow | null>(async (ids) =>
      oneByKey(ids, await store.installationsByIds(ids), (r) => r.id),
    ),
    installationByHost: new DataLoader<string, InstallationRow | null>(async (hosts) =>
      oneByKey(hosts, await store.installationsByHosts(hosts), (r) => r.host),
    ),
    organisationInstallations: new DataLoader<string, InstallationRow[]>(async (organisationIds) =>
      manyByKey(organisationIds, await store.installationsOfOrganisations(organisationIds), (r) => r.organisation_id),
    ),
    providerOrganisations: new DataLoader<string, OrganisationRow[]>(async (projectIds) =>
      manyByKey(projectIds, await store.providerOrganisations(projectIds), (r) => r.project_id),
    ),
    providerIndividuals: new DataLoader<string, IndividualRow[]>(async (projectIds) =>
      manyByKey(projectIds, await store.providerIndividuals(projectIds), (r) => r.project_id),
    ),
    /** The import log, read once per request. */
    lastCollected: () => (lastCollected ??= lastCollectedBySource(deps.db)),
    importRuns: (filter: Parameters<typeof importRuns>[1]) => importRuns(deps.db, filter),
  }
}

export type ParticipantsLoaders = ReturnType<typeof createParticipantsLoaders>
