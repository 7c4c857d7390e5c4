/** The import log for operators: what each collector run did. Needs the `operator` role. */
import 'reflect-metadata'
import { GraphQLError } from 'graphql'
import { Args, ArgsType, Ctx, Field, Int, ObjectType, Query, registerEnumType, Resolver } from 'type-graphql'
import { badInput } from '../kit/graphql/access.js'
import { IMPORT_SOURCES } from '../kit/catalogue/publications.js'
import { DateScalar, DateTimeScalar } from '../kit/graphql/scalars.js'
import type { SubgraphContext } from '../kit/server/subgraph.js'
import type { ParticipantsLoaders } from './loaders.js'

export const OPERATOR_ROLE = 'operator'

export const CollectorRunOutcome = {
  RUNNING: 'RUNNING',
  SUCCEEDED: 'SUCCEEDED',
  WARNING: 'WARNING',
  FAILED: 'FAILED',
  REFUSED: 'REFUSED',
} as const
registerEnumType(CollectorRunOutcome, {
  name: 'CollectorRunOutcome',
  valuesConfig: {
    FAILED: { description: 'The source did not answer, or the import broke: nothing was written.' },
    REFUSED: { description: 'The input broke a rule of its format (see message and place): nothing was written.' },
  },
})

@ObjectType({ description: 'Where in its input a run was refused.' })
export class CollectorRunPlace {
  @Field(() => Int, { nullable: true, description: 'The line, from 1; null when the input has no lines (a query result).' })
  line!: number | null

  @Field(() => String, { nullable: true, description: 'The JSON path, e.g. $.checks[3].at; null when the whole input was refused.' })
  path!: string | null
}

@ObjectType({ description: 'One run of a daily collector, from the import log.' })
export class CollectorRun {
  @Field(() => String, { description: `One of ${IMPORT_SOURCES.join(', ')}.` })
  source!: string

  @Field(() => DateScalar, { description: 'The day the run imported.' })
  day!: string

  @Field(() => DateTimeScalar)
  startedAt!: string

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: string | null

  @Field(() => Int)
  rows!: number

  @Field(() => CollectorRunOutcome)
  outcome!: keyof typeof CollectorRunOutcome

  @Field(() => String, { nullable: true, description: 'Warnings, the error of a failed run, or the rule a refused one broke.' })
  message!: string | null

  @Field(() => String, { nullable: true, description: 'The file or address a failed or refused run read (credentials hidden).' })
  file!: string | null

  @Field(() => CollectorRunPlace, { nullable: true, description: 'Where in that input a refused run stopped; null for other runs.' })
  place!: CollectorRunPlace | null
}

type Ctx = SubgraphContext<ParticipantsLoaders>

@ArgsType()
class CollectorRunsArgs {
  @Field(() => String, { nullable: true, description: 'Only this source.' })
  source?: string | null

  @Field(() => CollectorRunOutcome, { nullable: true, description: 'Only runs with this outcome.' })
  outcome?: keyof typeof CollectorRunOutcome | null

  @Field(() => Int, { defaultValue: 50, description: 'How many runs, 1 to 500.' })
  last!: number
}

@Resolver(() => CollectorRun)
export class CollectorRunResolver {
  @Query(() => [CollectorRun], { description: 'The latest collector runs, newest first. Operators only.' })
  async collectorRuns(
    @Args(() => CollectorRunsArgs) { source, outcome, last }: CollectorRunsArgs,
    @Ctx() ctx: Ctx,
  ): Promise<CollectorRun[]> {
    if (!ctx.identity.roles.includes(OPERATOR_ROLE)) {
      throw new GraphQLError('collectorRuns is for operators: your token has no "operator" role', { extensions: { code: 'FORBIDDEN' } })
    }
    if (!Number.isInteger(last) || last < 1 || last > 500) throw badInput(`"last" must be between 1 and 500; got ${last}`, 'last')
    if (source && !(IMPORT_SOURCES as readonly string[]).includes(source)) {
      throw badInput(`"source" must be one of ${IMPORT_SOURCES.join(', ')}; got "${source}"`, 'source')
    }
    const rows = await ctx.loaders.importRuns({ source: source ?? null, outcome: outcome?.toLowerCase() ?? null, last })
    return rows.map((r) => ({
      source: r.source,
      day: r.day,
      startedAt: new Date(r.started_at).toISOString(),
      finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
      rows: r.rows,
      outcome: r.outcome.toUpperCase() as keyof typeof CollectorRunOutcome,
      message: r.message,
      file: r.file ?? null,
      place: r.line !== null || r.path !== null ? { line: r.line ?? null, path: r.path ?? null } : null,
    }))
  }
}
