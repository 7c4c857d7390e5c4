/** Resolvers of the records subgraph: study record counts per project, component and day. */
import 'reflect-metadata'
import { Arg, Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql'
import { countHistory, countsOnDay } from '../kit/counts.js'
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
  studyRecordCounts(
    @Root() project: ResearchProject,
    @Arg('date', () => DateScalar, { nullable: true }) date: string | null | undefined,
    @Ctx() ctx: Ctx,
  ) {
    return countsOnDay(ctx, 'STUDY_RECORD_COUNTS', 'StudyRecordCounts', project.id, date)
  }

  @FieldResolver(() => StudyRecordCountHistoryResult, {
    description: 'Daily study-record counts per component between two dates, both included.',
  })
  studyRecordCountHistory(@Root() project: ResearchProject, @Args(() => HistoryArgs) args: HistoryArgs, @Ctx() ctx: Ctx) {
    return countHistory(ctx, 'STUDY_RECORD_COUNTS', 'StudyRecordCountHistory', project.id, args)
  }
}
