/** Resolvers of the records subgraph: study record counts per project, component and day. */
import 'reflect-metadata'
import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql'
import { assertMember } from '../kit/access.js'
import { validateRange } from '../kit/counts.js'
import { DateScalar } from '../kit/scalars.js'
import type { SubgraphContext } from '../kit/subgraph.js'
import { HistoryArgs } from '../kit/types.js'
import type { RecordsLoaders } from './loaders.js'
import { ResearchProject, StudyRecordCountHistoryResult, StudyRecordCountsResult } from './types.js'

type Ctx = SubgraphContext<RecordsLoaders>

@Resolver(() => ResearchProject)
export class RecordsProjectResolver {
  @FieldResolver(() => StudyRecordCountsResult, {
    description: 'Study records in each component on a day (default: the latest collected day).',
  })
  async studyRecordCounts(
    @Root() project: ResearchProject,
    @Arg('date', () => DateScalar, { nullable: true }) date: string | null | undefined,
    @Ctx() ctx: Ctx,
  ) {
    assertMember(ctx.identity, project.id)
    const underDevelopment = ctx.registry.underDevelopment('STUDY_RECORD_COUNTS')
    if (underDevelopment) return underDevelopment
    const counts = await ctx.loaders.counts.onDay.load({ projectId: project.id, date: date ?? null })
    return { __typename: 'StudyRecordCounts', ...counts }
  }

  @FieldResolver(() => StudyRecordCountHistoryResult, {
    description: 'Daily study-record counts per component between two dates, both included.',
  })
  async studyRecordCountHistory(
    @Root() project: ResearchProject,
    @Args(() => HistoryArgs) { from, to, components }: HistoryArgs,
    @Ctx() ctx: Ctx,
  ) {
    assertMember(ctx.identity, project.id)
    const underDevelopment = ctx.registry.underDevelopment('STUDY_RECORD_COUNTS')
    if (underDevelopment) return underDevelopment
    validateRange(from, to)
    const series = await ctx.loaders.counts.inRange.load({ projectId: project.id, from, to, components: components ?? null })
    return { __typename: 'StudyRecordCountHistory', from, to, series }
  }
}
