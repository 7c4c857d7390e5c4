/** SQL for the project registry. Knows rows, not GraphQL. */
import type { Queryable } from '../kit/store/db.js'

export interface ProjectRow {
  id: string
  code: string
  name: string
  description: string | null
}

export interface OrganisationRow {
  id: string
  name: string
  type: string
  identifier: string | null
  /** V1_LOCAL: the provider is still on HD4RES v1 Local, which HD4DevOps cannot monitor; null when not recorded. */
  local_architecture: 'V2_LOCAL' | 'V1_LOCAL' | null
}

export interface InstallationRow {
  id: string
  organisation_id: string
  host: string
  environment: 'PRODUCTION' | 'INTEGRATION'
  size_class: 'SMALL' | 'MEDIUM' | 'LARGE' | null
  release: string | null
  last_contact_at: string | Date | null
}

export interface IndividualRow {
  id: string
  display_name: string
  organisation_id: string | null
  roles: string[]
}

export interface ResearcherRow {
  id: string
  display_name: string
}

const INSTALLATION_COLUMNS =
  'SELECT id, organisation_id, host, environment, size_class, release, last_contact_at FROM participants.installations'

export class ParticipantsStore {
  constructor(private readonly db: Queryable) {}

  projectsByIds(ids: readonly string[]): Promise<ProjectRow[]> {
    return this.db.query<ProjectRow>(
      'SELECT id, code, name, description FROM participants.projects WHERE id = ANY($1::text[]) ORDER BY code',
      [ids],
    )
  }

  projectIdByCode(code: string): Promise<string | undefined> {
    return this.db.query<{ id: string }>('SELECT id FROM participants.projects WHERE code = $1', [code]).then((rows) => rows[0]?.id)
  }

  researcher(id: string): Promise<ResearcherRow | undefined> {
    return this.db.query<ResearcherRow>('SELECT id, display_name FROM participants.researchers WHERE id = $1', [id]).then((rows) => rows[0])
  }

  memberProjectIds(researcherId: string): Promise<string[]> {
    return this.db
      .query<{ project_id: string }>('SELECT project_id FROM participants.memberships WHERE researcher_id = $1 ORDER BY project_id', [
        researcherId,
      ])
      .then((rows) => rows.map((r) => r.project_id))
  }

  organisationsByIds(ids: readonly string[]): Promise<OrganisationRow[]> {
    return this.db.query<OrganisationRow>(
      'SELECT id, name, type, identifier, local_architecture FROM participants.organisations WHERE id = ANY($1::text[])',
      [ids],
    )
  }

  installationsByIds(ids: readonly string[]): Promise<InstallationRow[]> {
    return this.db.query<InstallationRow>(`${INSTALLATION_COLUMNS} WHERE id = ANY($1::text[])`, [ids])
  }

  installationsByHosts(hosts: readonly string[]): Promise<InstallationRow[]> {
    return this.db.query<InstallationRow>(`${INSTALLATION_COLUMNS} WHERE host = ANY($1::text[]) ORDER BY id`, [hosts])
  }

  /** Production first, then by host. */
  installationsOfOrganisations(organisationIds: readonly string[]): Promise<InstallationRow[]> {
    return this.db.query<InstallationRow>(
      `${INSTALLATION_COLUMNS} WHERE organisation_id = ANY($1::text[]) ORDER BY environment DESC, host, id`,
      [organisationIds],
    )
  }

  providerOrganisations(projectIds: readonly string[]): Promise<(OrganisationRow & { project_id: string })[]> {
    return this.db.query(
      `SELECT p.project_id, o.id, o.name, o.type, o.identifier, o.local_architecture
       FROM participants.project_provider_organisations p
       JOIN participants.organisations o ON o.id = p.organisation_id
       WHERE p.project_id = ANY($1::text[])
       ORDER BY o.name, o.id`,
      [projectIds],
    )
  }

  providerIndividuals(projectIds: readonly string[]): Promise<(IndividualRow & { project_id: string })[]> {
    return this.db.query(
      `SELECT p.project_id, i.id, i.display_name, i.organisation_id, p.roles
       FROM participants.project_provider_individuals p
       JOIN participants.individuals i ON i.id = p.individual_id
       WHERE p.project_id = ANY($1::text[])
       ORDER BY i.display_name, i.id`,
      [projectIds],
    )
  }

  dataUserOrganisations(): Promise<OrganisationRow[]> {
    return this.db.query<OrganisationRow>(
      `SELECT o.id, o.name, o.type, o.identifier, o.local_architecture
       FROM participants.data_user_organisations u JOIN participants.organisations o ON o.id = u.organisation_id
       ORDER BY o.name, o.id`,
    )
  }

  dataUserIndividuals(): Promise<IndividualRow[]> {
    return this.db.query<IndividualRow>(
      `SELECT i.id, i.display_name, i.organisation_id, u.roles
       FROM participants.data_user_individuals u JOIN participants.individuals i ON i.id = u.individual_id
       ORDER BY i.display_name, i.id`,
    )
  }
}
