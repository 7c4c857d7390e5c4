/**
 * The GraphQL side of the pipeline view (pipeline.ts): its types, identical
 * in the records and subjects subgraphs and so @shareable, and the field
 * `<names>Pipeline` on ResearchProject that each counts subgraph serves.
 */
import 'reflect-metadata'
import {
  Arg,
  createUnionType,
  Ctx,
  Directive,
  Field,
  FieldResolver,
  Float,
  Int,
  ObjectType,
  registerEnumType,
  Resolver,
  Root,
} from 'type-graphql'
import type { PublicationId } from '../catalogue/publications.js'
import { addDays } from '../dates.js'
import { assertMember } from '../graphql/access.js'
import { DateScalar } from '../graphql/scalars.js'
import { asEnum, byTypename, ComponentReference, publicationResult, type ProjectKeyType } from '../graphql/types.js'
import { pick } from '../i18n/texts.js'
import type { SubgraphContext } from '../server/subgraph.js'
import {
  buildPipeline,
  PIPELINE_RULES,
  PIPELINE_VERDICTS,
  type PipelineCountData,
  type PipelineNoun,
  type PipelineVerdict,
} from './pipeline.js'
import type { CountsLoaders } from './subgraph.js'
import { CountValue, NotCollected, type CountValueData } from './types.js'

export const PipelineVerdictEnum = asEnum<PipelineVerdict>(PIPELINE_VERDICTS)
registerEnumType(PipelineVerdictEnum, {
  name: 'PipelineVerdict',
  description: 'What the published counts say about one step of the path, worked out from the published counts alone.',
  valuesConfig: {
    FLOWING: { description: 'The published counts show nothing waiting: downstream holds as many as upstream, within their bands.' },
    DELAYED: {
      description:
        'Downstream holds fewer than upstream, whatever the true counts inside their bands; `since` is the first day of this run of days.',
    },
    UNUSUAL_DROP: {
      description:
        'Downstream holds fewer than upstream, and by a larger share than this project usually loses on this step (docs/api.md gives the rule); `since` as for DELAYED.',
    },
    NOT_COLLECTED: { description: 'One side has no count for the day, so nothing can be said.' },
  },
})

@ObjectType({
  description:
    'A range worked out from published counts only (never from a stored count): the true figure lies between lowerBound and upperBound. A difference may be negative.',
})
@Directive('@shareable')
export class CountRange {
  @Field(() => Int)
  lowerBound!: number

  @Field(() => Int)
  upperBound!: number
}

export const PipelineCount = createUnionType({
  name: 'PipelineCount',
  description: 'A figure of the pipeline view: a range from the published counts, or NotCollected when a count it needs is missing.',
  types: () => [CountRange, NotCollected] as const,
  resolveType: byTypename,
})

@ObjectType({ description: 'A component on the path, with its count on the day as published (the same as in the day’s counts).' })
@Directive('@shareable')
export class PipelineStage {
  @Field(() => ComponentReference)
  component!: ComponentReference

  @Field(() => CountValue)
  count!: CountValueData
}

@ObjectType({
  description:
    'One step of the path: what is in `from` and not (yet) in `to` on the day. Into HD Integration the step starts from every external source the project uses together, since HD Integration counts what all of them delivered as one figure.',
})
@Directive('@shareable')
export class PipelineLink {
  @Field(() => [ComponentReference], { description: 'The components the step starts from: one, or the external sources together.' })
  from!: ComponentReference[]

  @Field(() => ComponentReference)
  to!: ComponentReference

  @Field(() => PipelineCount, { description: 'What `from` holds: the sum of their published counts, as a range.' })
  upstream!: PipelineCountData

  @Field(() => PipelineCount, { description: 'What `to` holds: its published count, as a range.' })
  downstream!: PipelineCountData

  @Field(() => PipelineCount, {
    description:
      'upstream minus downstream: lost or still waiting between the two, [upstream.lowerBound - downstream.upperBound, upstream.upperBound - downstream.lowerBound]; negative when `to` holds more.',
  })
  difference!: PipelineCountData

  @Field(() => PipelineVerdictEnum)
  verdict!: PipelineVerdict

  @Field(() => DateScalar, {
    nullable: true,
    description: `DELAYED and UNUSUAL_DROP: the first day of the current run of days on which \`to\` lags, followed back over at most ${PIPELINE_RULES.lookbackDays} days; null otherwise.`,
  })
  since!: string | null

  @Field(() => Float, {
    nullable: true,
    description:
      'The smallest share of upstream (0 to 1) that the published counts allow to be missing downstream; null when not collected.',
  })
  lossShareAtLeast!: number | null

  @Field(() => Float, {
    nullable: true,
    description: `The share this project usually loses on this step: the median of its daily shares over the ${PIPELINE_RULES.usualWindowDays} days before; null with fewer than ${PIPELINE_RULES.minHistoryDays} known days.`,
  })
  usualLossShare!: number | null

  @Field(() => String, { description: 'The verdict in a sentence, with the numbers and the date.' })
  message!: string
}

type Ctx = SubgraphContext<CountsLoaders>

/** The pipeline field of a counts subgraph: `<field>Pipeline(date)` answering `<names>Pipeline`. */
export function pipelineResolver(options: {
  Project: ProjectKeyType
  names: string
  field: string
  publication: PublicationId
  noun: PipelineNoun
  description: string
}) {
  const { Project, names, field, publication, noun } = options

  @ObjectType(`${names}Pipeline`, { description: options.description })
  class Pipeline {
    @Field(() => DateScalar)
    date!: string

    @Field(() => [PipelineStage], { description: 'The components on the path that the project uses, in the order records travel.' })
    stages!: PipelineStage[]

    @Field(() => [PipelineLink], { description: 'Each step between two consecutive components on the path.' })
    links!: PipelineLink[]
  }
  const PipelineResult = publicationResult(`${names}PipelineResult`, Pipeline)

  @Resolver(() => Project)
  class PipelineResolver {
    @FieldResolver(() => PipelineResult, { name: `${field}Pipeline`, description: options.description })
    async pipeline(
      @Root() project: { id: string },
      @Arg('date', () => DateScalar, { nullable: true, description: 'The day (default: the latest collected day).' })
      date: string | null | undefined,
      @Ctx() ctx: Ctx,
    ) {
      assertMember(ctx.identity, project.id)
      const underDevelopment = ctx.registry.underDevelopment(publication)
      if (underDevelopment) return underDevelopment
      const day = await ctx.loaders.counts.onDay.load({ projectId: project.id, date: date ?? null })
      const from = addDays(day.date, -(PIPELINE_RULES.lookbackDays - 1))
      const series = await ctx.loaders.counts.inRange.load({ projectId: project.id, from, to: day.date, components: null })
      const pipeline = buildPipeline({ date: day.date, from, series, noun })
      return {
        __typename: `${names}Pipeline`,
        ...pipeline,
        links: pipeline.links.map((link) => ({ ...link, message: pick(link.message, ctx.language) })),
      }
    }
  }
  return PipelineResolver
}
