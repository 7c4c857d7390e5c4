/** Resolvers of the participants subgraph: the project registry and who provides and uses data. */
import 'reflect-metadata'
import { GraphQLError } from 'graphql'
import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql'
import { assertMember, checkMember } from '../kit/graphql/access.js'
import { PUBLICATIONS } from '../kit/catalogue/publications.js'
import { LANGUAGE_ARGUMENT_DESCRIPTION, LanguageEnum, localised, type LanguageName } from '../kit/i18n/fields.js'
import type { SubgraphContext } from '../kit/server/subgraph.js'
import type { ParticipantsLoaders } from './loaders.js'
import type { IndividualRow, OrganisationRow, ProjectRow } from './store.js'
import {
  Individual,
  IndividualListResult,
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
