/** Resolvers of the subjects subgraph: unique subjects, and subjects shared between studies. */
import 'reflect-metadata'
import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql'
import { assertMember } from '../kit/access.js'
import { countHistory, countsOnDay } from '../kit/counts.js'
import { DateScalar } from '../kit/scalars.js'
import { HistoryArgs } from '../kit/types.js'
import type { SubgraphContext } from '../kit/subgraph.js'
import { todayUtc } from '../kit/dates.js'
import type { SubjectsLoaders } from './loaders.js'
import {
  MultiStudySubjectCounts,
  MultiStudySubjectCountsResult,
  ProjectOverlap,
  ResearchProject,
  UniqueSubjectCountHistoryResult,
  UniqueSubjectCountsResult,
} from './types.js'

type Ctx = SubgraphContext<SubjectsLoaders>

@Resolver(() => ResearchProject)
export class SubjectsProjectResolver {
  @FieldResolver(() => UniqueSubjectCountsResult, {
    description: 'Unique study subjects in each component on a day (default: the latest collected day).',
  })
  uniqueSubjectCounts(
    @Root() project: ResearchProject,
    @Arg('date', () => DateScalar, { nullable: true }) date: string | null | undefined,
    @Ctx() ctx: Ctx,
  ) {
    return countsOnDay(ctx, 'UNIQUE_SUBJECT_COUNTS', 'UniqueSubjectCounts', project.id, date)
  }

  @FieldResolver(() => UniqueSubjectCountHistoryResult, {
    description: 'Daily unique-subject counts per component between two dates, both included.',
  })
  uniqueSubjectCountHistory(@Root() project: ResearchProject, @Args(() => HistoryArgs) args: HistoryArgs, @Ctx() ctx: Ctx) {
    return countHistory(ctx, 'UNIQUE_SUBJECT_COUNTS', 'UniqueSubjectCountHistory', project.id, args)
  }
}

@Resolver(() => MultiStudySubjectCounts)
export class MultiStudyResolver {
  @Query(() => MultiStudySubjectCountsResult)
  async multiStudySubjectCounts(
    @Arg('date', () => DateScalar, { nullable: true }) date: string | null | undefined,
    @Ctx() ctx: Ctx,
  ) {
    const underDevelopment = ctx.registry.underDevelopment('MULTI_STUDY_SUBJECT_COUNTS')
    if (underDevelopment) return underDevelopment
    const row = await ctx.loaders.store.multiStudySubjects(date ?? null)
    return {
      __typename: 'MultiStudySubjectCounts',
      date: row?.day ?? date ?? todayUtc(),
      subjectsInMultipleStudies: row
        ? ctx.loaders.disclosure.cell(row.subjects)
        : { __typename: 'NotCollected', reason: `Subjects in several studies were not computed for ${date ?? 'any day yet'}` },
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
}
