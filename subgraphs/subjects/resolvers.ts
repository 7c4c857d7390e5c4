/** The subjects subgraph's own resolvers, besides the counts (kit/counts/): subjects shared between studies. */
import 'reflect-metadata'
import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql'
import { assertMember } from '../kit/graphql/access.js'
import { DateScalar } from '../kit/graphql/scalars.js'
import type { SubgraphContext } from '../kit/server/subgraph.js'
import { todayUtc } from '../kit/dates.js'
import { multiStudyNotComputed } from '../kit/counts/texts.js'
import type { SubjectsLoaders } from './loaders.js'
import { MultiStudySubjectCounts, MultiStudySubjectCountsResult, ProjectOverlap } from './types.js'

type Ctx = SubgraphContext<SubjectsLoaders>

@Resolver(() => MultiStudySubjectCounts)
export class MultiStudyResolver {
  @Query(() => MultiStudySubjectCountsResult)
  async multiStudySubjectCounts(@Arg('date', () => DateScalar, { nullable: true }) date: string | null | undefined, @Ctx() ctx: Ctx) {
    const underDevelopment = ctx.registry.underDevelopment('MULTI_STUDY_SUBJECT_COUNTS')
    if (underDevelopment) return underDevelopment
    const row = await ctx.loaders.store.multiStudySubjects(date ?? null)
    return {
      __typename: 'MultiStudySubjectCounts',
      date: row?.day ?? date ?? todayUtc(),
      subjectsInMultipleStudies: row
        ? ctx.loaders.disclosure.cell(row.subjects)
        : { __typename: 'NotCollected', reason: multiStudyNotComputed(date ?? null) },
    }
  }

  @FieldResolver(() => [ProjectOverlap], {
    description: 'For a project: how many of its subjects also appear in each other project.',
  })
  async overlaps(
    @Root() counts: MultiStudySubjectCounts,
    @Arg('projectId', () => ID) projectId: string,
    @Ctx() ctx: Ctx,
  ): Promise<ProjectOverlap[]> {
    assertMember(ctx.identity, projectId)
    const rows = await ctx.loaders.overlaps.load({ projectId, day: counts.date })
    return rows.map((r) => ({ project: { id: r.otherProjectId }, sharedSubjects: ctx.loaders.disclosure.cell(r.shared) }))
  }

  /**
   * overlaps with nullable types: the contract's overlaps is non-null down to
   * each ProjectOverlap.project, so one FORBIDDEN on a membership field of
   * another project (its counts, say) nulls the whole answer up to
   * multiStudySubjectCounts. Here it nulls that item only, and a project the
   * researcher is not a member of nulls the list only; the items are the same.
   */
  @FieldResolver(() => [ProjectOverlap], {
    nullable: 'itemsAndList',
    description:
      "overlaps, where a failure nulls only what it is about: an item whose project answers FORBIDDEN for a field the researcher asked for (the other project is not theirs) is null with the error at its path, and the list is null with FORBIDDEN when projectId is not one of the researcher's projects.",
  })
  projectOverlaps(
    @Root() counts: MultiStudySubjectCounts,
    @Arg('projectId', () => ID) projectId: string,
    @Ctx() ctx: Ctx,
  ): Promise<ProjectOverlap[]> {
    return this.overlaps(counts, projectId, ctx)
  }
}
