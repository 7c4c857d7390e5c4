/** Fills the project registry from the demo platform. */
import type { Queryable } from '../subgraphs/kit/store/db.js'
import type { DemoPlatform } from './platform.js'
import { insertRows } from './insert.js'

export async function fillParticipants(db: Queryable, platform: DemoPlatform): Promise<void> {
  const orgs = platform.organisations
  await insertRows(
    db,
    'participants.organisations',
    ['id', 'name', 'type', 'identifier', 'local_architecture'],
    ['text', 'text', 'text', 'text', 'text'],
    orgs.map((o) => [o.id, o.name, o.type, o.identifier, o.localArchitecture]),
  )
  // The production installation keeps the id the counts name it by (inst-<organisation>); an integration server beside it gets its own.
  await insertRows(
    db,
    'participants.installations',
    ['id', 'organisation_id', 'host', 'environment', 'size_class', 'release', 'last_contact_at'],
    ['text', 'text', 'text', 'text', 'text', 'text', 'timestamptz'],
    orgs.flatMap((o) =>
      o.installations.map((i) => [
        i.environment === 'PRODUCTION' ? `inst-${o.id}` : `inst-${o.id}-int`,
        o.id,
        i.host,
        i.environment,
        i.sizeClass,
        i.release,
        i.lastContactAt,
      ]),
    ),
  )
  await insertRows(
    db,
    'participants.projects',
    ['id', 'code', 'name', 'description'],
    ['text', 'text', 'text', 'text'],
    platform.projects.map((p) => [p.id, p.code, p.name, p.description]),
  )
  await insertRows(
    db,
    'participants.researchers',
    ['id', 'display_name', 'email'],
    ['text', 'text', 'text'],
    platform.researchers.map((r) => [r.id, r.displayName, r.email]),
  )
  await insertRows(
    db,
    'participants.memberships',
    ['researcher_id', 'project_id'],
    ['text', 'text'],
    platform.researchers.flatMap((r) => r.projectIds.map((p) => [r.id, p])),
  )
  await insertRows(
    db,
    'participants.individuals',
    ['id', 'display_name', 'organisation_id'],
    ['text', 'text', 'text'],
    platform.individuals.map((i) => [i.id, i.displayName, i.organisationId]),
  )
  await insertRows(
    db,
    'participants.project_provider_organisations',
    ['project_id', 'organisation_id'],
    ['text', 'text'],
    platform.projects.flatMap((p) => p.providerOrganisationIds.map((o) => [p.id, o])),
  )
  // Roles travel as one comma-joined text per row and are split back in SQL.
  await insertRows(
    db,
    'participants.project_provider_individuals',
    ['project_id', 'individual_id', 'roles'],
    ['text', 'text', 'text'],
    platform.projects.flatMap((p) => p.providerIndividuals.map((i) => [p.id, i.individualId, i.roles.join(',')])),
    { roles: "string_to_array(roles, ',')" },
  )
  await insertRows(
    db,
    'participants.data_user_organisations',
    ['organisation_id'],
    ['text'],
    platform.dataUserOrganisationIds.map((id) => [id]),
  )
  await insertRows(
    db,
    'participants.data_user_individuals',
    ['individual_id', 'roles'],
    ['text', 'text'],
    platform.dataUsers.map((u) => [u.individualId, u.roles.join(',')]),
    { roles: "string_to_array(roles, ',')" },
  )
}
