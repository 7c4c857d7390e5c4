/** Resolvers of the participants subgraph: the project registry and who provides and uses data. */
import 'reflect-metadata'
import { GraphQLError } from 'graphql'
import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql'
import { assertMember, checkMember } from '../kit/graphql/access.js'
import { PUBLICATIONS } from '../kit/catalogue/publications.js'
import { LANGUAGE_ARGUMENT_DESCRIPTION, LanguageEnum, localised, type LanguageName } from '../kit/i18n/fields.js'
import type { SubgraphContext } from '../kit/server/subgraph.js'
import type { ParticipantsLoaders } from './loaders.js'
import type { IndividualRow, InstallationRow, OrganisationRow, ProjectRow } from './store.js'
import { v1LocalNotMonitored } from './texts.js'
import {
  Individual,
  IndividualListResult,
  Installation,
  InstallationStatus,
  Organisation,
  OrganisationListResult,
  Publication,
  ResearchProject,
  Researcher,
} from './types.js'

type Ctx = SubgraphContext<ParticipantsLoaders>

const toProject = (row: ProjectRow): ResearchProject => ({ ...row })
const toOrganisation = (row: OrganisationRow): Organisation => ({
  id: row.id,
  name: row.name,
  type: row.type as Organisation['type'],
  identifier: row.identifier,
  localArchitecture: row.local_architecture,
})
const toInstallation = (row: InstallationRow): Installation => ({
  id: row.id,
  host: row.host,
  environment: row.environment,
  sizeClass: row.size_class,
  release: row.release,
  lastContactAt: row.last_contact_at === null ? null : new Date(row.last_contact_at).toISOString(),
  organisationId: row.organisation_id,
})
const toIndividual = (row: IndividualRow): Individual => ({
  id: row.id,
  displayName: row.display_name,
  roles: row.roles,
  organisationId: row.organisation_id,
})
const organisationList = (rows: OrganisationRow[]) => ({
  __typename: 'OrganisationList' as const,
  totalCount: rows.length,
  items: rows.map(toOrganisation),
})
const individualList = (rows: IndividualRow[]) => ({
  __typename: 'IndividualList' as const,
  totalCount: rows.length,
  items: rows.map(toIndividual),
})

async function visibleProjects(ctx: Ctx): Promise<ResearchProject[]> {
  const rows = await ctx.loaders.project.loadMany(ctx.identity.projects)
  // loadMany answers a failed batch with its error in every place: the list fails with it (a store out of reach is not "no projects").
  const failed = rows.find((r) => r instanceof Error)
  if (failed) throw failed
  return rows
    .filter((r): r is ProjectRow => r !== null && !(r instanceof Error))
    .sort((a, b) => a.code.localeCompare(b.code))
    .map(toProject)
}

/**
 * Resolves a ResearchProject reference from another subgraph (a project that
 * shares subjects with one of the researcher's own, say). Its id, code and
 * name are registry facts anyone signed in may see; every other field checks
 * membership (its description answers null to a non-member).
 */
export async function resolveProjectReference(reference: { id: string }, ctx: Ctx): Promise<ResearchProject | null> {
  const row = await ctx.loaders.project.load(reference.id)
  return row ? toProject(row) : null
}

@Resolver(() => ResearchProject)
export class ProjectResolver {
  @Query(() => [ResearchProject], { description: 'The research projects that the signed-in researcher may see.' })
  projects(@Ctx() ctx: Ctx): Promise<ResearchProject[]> {
    return visibleProjects(ctx)
  }

  @Query(() => ResearchProject, {
    nullable: true,
    description: 'One research project; null when it does not exist or the researcher may not see it.',
  })
  async project(@Arg('id', () => ID) id: string, @Ctx() ctx: Ctx): Promise<ResearchProject | null> {
    if (!checkMember(ctx.identity, id)) return null
    return resolveProjectReference({ id }, ctx)
  }

  // Project data, not a registry fact: a project reached through overlaps shows only its id, code and name.
  @FieldResolver(() => String, { nullable: true })
  description(@Root() project: ResearchProject, @Ctx() ctx: Ctx): string | null {
    return checkMember(ctx.identity, project.id) ? project.description : null
  }

  @FieldResolver(() => OrganisationListResult)
  async dataProviderOrganisations(@Root() project: ResearchProject, @Ctx() ctx: Ctx) {
    assertMember(ctx.identity, project.id)
    return (
      ctx.registry.underDevelopment('DATA_PROVIDER_ORGANISATIONS') ??
      organisationList(await ctx.loaders.providerOrganisations.load(project.id))
    )
  }

  @FieldResolver(() => IndividualListResult)
  async dataProviderIndividuals(@Root() project: ResearchProject, @Ctx() ctx: Ctx) {
    assertMember(ctx.identity, project.id)
    return (
      ctx.registry.underDevelopment('DATA_PROVIDER_INDIVIDUALS') ?? individualList(await ctx.loaders.providerIndividuals.load(project.id))
    )
  }
}

@Resolver(() => Researcher)
export class ResearcherResolver {
  @Query(() => Researcher)
  async me(@Ctx() ctx: Ctx): Promise<Researcher> {
    const row = await ctx.loaders.store.researcher(ctx.identity.sub)
    return { id: ctx.identity.sub, displayName: row?.display_name ?? ctx.identity.name }
  }

  @FieldResolver(() => [ResearchProject])
  projects(@Ctx() ctx: Ctx): Promise<ResearchProject[]> {
    return visibleProjects(ctx)
  }
}

@Resolver(() => Individual)
export class IndividualResolver {
  @FieldResolver(() => Organisation, { nullable: true })
  async organisation(@Root() individual: Individual, @Ctx() ctx: Ctx): Promise<Organisation | null> {
    if (!individual.organisationId) return null
    const row = await ctx.loaders.organisation.load(individual.organisationId)
    return row ? toOrganisation(row) : null
  }
}

/**
 * Resolves an Installation reference from the counts subgraphs (by host, as
 * InstallationCount names it) or by id. Installations are platform facts, the
 * same for every signed-in researcher, like the organisations they belong to.
 */
export async function resolveInstallationReference(reference: { id?: string; host?: string }, ctx: Ctx): Promise<Installation | null> {
  const row =
    typeof reference.id === 'string'
      ? await ctx.loaders.installation.load(reference.id)
      : typeof reference.host === 'string'
        ? await ctx.loaders.installationByHost.load(reference.host)
        : null
  return row ? toInstallation(row) : null
}

@Resolver(() => Installation)
export class InstallationResolver {
  @FieldResolver(() => Organisation, { description: 'The data provider organisation that runs the installation.' })
  async organisation(@Root() installation: Installation, @Ctx() ctx: Ctx): Promise<Organisation> {
    const row = await ctx.loaders.organisation.load(installation.organisationId)
    // The registry's foreign key holds every installation to an organisation.
    if (!row) throw new Error(`installation ${installation.id} names an organisation the registry does not hold`)
    return toOrganisation(row)
  }
}

@Resolver(() => Organisation)
export class OrganisationResolver {
  @FieldResolver(() => [Installation], {
    description:
      "The organisation's HD4DP v2 Local installations, production first (an integration server beside production is listed too); empty for an organisation that runs none.",
  })
  async installations(@Root() organisation: Organisation, @Ctx() ctx: Ctx): Promise<Installation[]> {
    return (await ctx.loaders.organisationInstallations.load(organisation.id)).map(toInstallation)
  }

  @FieldResolver(() => InstallationStatus, {
    description:
      'The installations HD4DevOps monitors for the organisation, or NotCollected with the reason for a data provider still on HD4RES v1 Local, which cannot be monitored in the new architecture.',
  })
  async installationStatus(@Root() organisation: Organisation, @Ctx() ctx: Ctx) {
    if (organisation.localArchitecture === 'V1_LOCAL') {
      return { __typename: 'NotCollected' as const, reason: v1LocalNotMonitored(organisation.name) }
    }
    const items = (await ctx.loaders.organisationInstallations.load(organisation.id)).map(toInstallation)
    return { __typename: 'InstallationList' as const, totalCount: items.length, items }
  }
}

@Resolver(() => Publication)
export class PublicationResolver {
  @Query(() => [Publication])
  async publications(@Ctx() ctx: Ctx): Promise<Publication[]> {
    const last = await ctx.loaders.lastCollected()
    return ctx.registry.list().map((entry) => {
      const times = PUBLICATIONS[entry.id].sources.map((s) => last.get(s)).filter((t): t is string => !!t)
      return {
        id: entry.id,
        title: entry.title,
        state: entry.state,
        message: entry.message,
        expectedAvailability: entry.state === 'AVAILABLE' ? null : entry.expectedAvailability,
        lastCollectedAt: times.length > 0 ? times.sort().at(-1)! : null,
      }
    })
  }

  @FieldResolver(() => String)
  title(
    @Root() publication: Publication,
    @Arg('language', () => LanguageEnum, { nullable: true, description: LANGUAGE_ARGUMENT_DESCRIPTION }) language: LanguageName | null,
    @Ctx() ctx: Ctx,
  ): string {
    return localised(publication.title, language, ctx)!
  }

  @FieldResolver(() => String)
  message(
    @Root() publication: Publication,
    @Arg('language', () => LanguageEnum, { nullable: true, description: LANGUAGE_ARGUMENT_DESCRIPTION }) language: LanguageName | null,
    @Ctx() ctx: Ctx,
  ): string {
    return localised(publication.message, language, ctx)!
  }
}

/** Platform-wide lists are for signed-in researchers (or another configured role), not for every token. */
function assertPlatformRole(ctx: Ctx): void {
  const role = ctx.settings.platformListsRole ?? 'researcher'
  if (!ctx.identity.roles.includes(role) && !ctx.identity.roles.includes('operator')) {
    throw new GraphQLError(`The platform's data users are listed for the "${role}" role, which your token does not have`, {
      extensions: { code: 'FORBIDDEN' },
    })
  }
}

@Resolver()
export class DataUserResolver {
  @Query(() => OrganisationListResult, { description: 'Organisations that use data on the platform.' })
  async dataUserOrganisations(@Ctx() ctx: Ctx) {
    assertPlatformRole(ctx)
    return ctx.registry.underDevelopment('DATA_USER_ORGANISATIONS') ?? organisationList(await ctx.loaders.store.dataUserOrganisations())
  }

  @Query(() => IndividualListResult, { description: 'Individuals who use data on the platform.' })
  async dataUserIndividuals(@Ctx() ctx: Ctx) {
    assertPlatformRole(ctx)
    return ctx.registry.underDevelopment('DATA_USER_INDIVIDUALS') ?? individualList(await ctx.loaders.store.dataUserIndividuals())
  }
}
