/**
 * A counts subgraph (records, subjects): one publication of daily counts per
 * project and component, served as two fields on ResearchProject, the counts
 * on a day and a daily history, from the subgraph's counts table. Both fields
 * check membership, answer PublicationUnderDevelopment while the publication
 * is not released, and publish every count through the subgraph's
 * Disclosure (loaders.ts), which its own fields (subjects: subjects in
 * several studies, overlaps) read from the same loaders.
 */
import 'reflect-metadata'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { printSubgraphSchema } from '@apollo/subgraph'
import { Arg, Args, Ctx, Field, FieldResolver, ObjectType, Resolver, Root } from 'type-graphql'
import { componentInfo, type ComponentInfo } from '../catalogue/components.js'
import type { PublicationId } from '../catalogue/publications.js'
import type { Texts } from '../i18n/texts.js'
import { todayUtc, daysBetween } from '../dates.js'
import { assertMember, badInput, resolveProjectKey } from '../graphql/access.js'
import { DateScalar } from '../graphql/scalars.js'
import { buildTypeGraphQLSubgraph } from '../graphql/typegraphql.js'
import { projectKeyType, publicationResult, type ProjectKeyType } from '../graphql/types.js'
import type { SubgraphContext, SubgraphDefinition, SubgraphDeps } from '../server/subgraph.js'
import { disclosureControl, type Disclosure } from './disclosure.js'
import { createCountLoaders, type CountLoaders } from './loaders.js'
import { CountsStore, type CountsTable } from './store.js'
import { RECORDS_NOUN, SUBJECTS_NOUN } from './pipeline.js'
import { pipelineResolver } from './pipelineTypes.js'
import { ComponentCount, countHistoryType, HistoryArgs, NotCollectedTexts } from './types.js'
import { CompactSeriesResolver, CountGapTexts } from './compact.js'

/** Longest history one request may ask for: three years. */
export const MAX_HISTORY_DAYS = 1096

export function validateRange(from: string, to: string): void {
  if (from > to) throw badInput(`"from" (${from}) must not be after "to" (${to})`, 'from')
  const days = daysBetween(from, to) + 1
  if (days > MAX_HISTORY_DAYS) {
    throw badInput(`The range ${from} to ${to} spans ${days} days; ask for at most ${MAX_HISTORY_DAYS} days at once`, 'to')
  }
}

/** What every counts subgraph's loaders hold: the counts, and the Disclosure every other count it publishes goes through. */
export interface CountsLoaders {
  counts: CountLoaders
  disclosure: Disclosure
}

export interface CountsSubgraphOptions<Extra extends object> {
  /** The counts table; its schema is the subgraph's name, as every subgraph's schema is. */
  table: CountsTable
  /** The subgraph's index.ts (`import.meta.url`): its migrations/ are beside it. */
  moduleUrl: string
  publication: PublicationId
  /**
   * The prefix of the type and field names: StudyRecord makes the types
   * StudyRecordCounts and StudyRecordCountHistory (each with its
   * …Result union) and the fields studyRecordCounts and studyRecordCountHistory.
   */
  names: string
  /** The components the publication covers (subject counts leave out those without subjects). */
  covers: (component: ComponentInfo) => boolean
  /** Why a component it does not cover has no count (a history that asks for one says so on every day). */
  notCovered: (component: ComponentInfo) => Texts
  /** pipeline: the pipeline view's field and type (pipelineTypes.ts). */
  descriptions: { counts: string; history: string; historyType?: string; pipeline: string }
  /** The subgraph's ResearchProject, when its own types refer to it too; one of its own otherwise. */
  project?: ProjectKeyType
  /** What the subgraph serves besides the counts: its own resolvers, and the loaders they read beside the counts'. */
  extend?: {
    // type-graphql takes resolver classes as constructors.
    // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
    resolvers: Function[]
    loaders(deps: SubgraphDeps): Extra
  }
}

export function countsSubgraph<Extra extends object = Record<never, never>>(
  options: CountsSubgraphOptions<Extra>,
): SubgraphDefinition<CountsLoaders & Extra> {
  const { table, publication, names, descriptions } = options
  const field = names.charAt(0).toLowerCase() + names.slice(1)
  const Project = options.project ?? projectKeyType()
  type Ctx = SubgraphContext<CountsLoaders>

  @ObjectType(`${names}Counts`)
  class DayCounts {
    @Field(() => DateScalar)
    date!: string

    @Field(() => [ComponentCount])
    components!: ComponentCount[]
  }
  const History = countHistoryType(`${names}CountHistory`, descriptions.historyType)
  const DayCountsResult = publicationResult(`${names}CountsResult`, DayCounts)
  const HistoryResult = publicationResult(`${names}CountHistoryResult`, History)

  @Resolver(() => Project)
  class CountsResolver {
    @FieldResolver(() => DayCountsResult, { name: `${field}Counts`, description: descriptions.counts })
    async onDay(
      @Root() project: { id: string },
      @Arg('date', () => DateScalar, { nullable: true }) date: string | null | undefined,
      @Ctx() ctx: Ctx,
    ) {
      assertMember(ctx.identity, project.id)
      const underDevelopment = ctx.registry.underDevelopment(publication)
      if (underDevelopment) return underDevelopment
      const counts = await ctx.loaders.counts.onDay.load({ projectId: project.id, date: date ?? null })
      return { __typename: `${names}Counts`, ...counts }
    }

    @FieldResolver(() => HistoryResult, { name: `${field}CountHistory`, description: descriptions.history })
    async history(@Root() project: { id: string }, @Args(() => HistoryArgs) args: HistoryArgs, @Ctx() ctx: Ctx) {
      assertMember(ctx.identity, project.id)
      const underDevelopment = ctx.registry.underDevelopment(publication)
      if (underDevelopment) return underDevelopment
      validateRange(args.from, args.to)
      const series = await ctx.loaders.counts.inRange.load({
        projectId: project.id,
        from: args.from,
        to: args.to,
        components: args.components ?? null,
      })
      return { __typename: `${names}CountHistory`, from: args.from, to: args.to, series }
    }
  }

  const PipelineResolver = pipelineResolver({
    Project,
    names,
    field,
    publication,
    noun: table.schema === 'records' ? RECORDS_NOUN : SUBJECTS_NOUN,
    description: descriptions.pipeline,
  })

  return {
    name: table.schema,
    migrationsDir: path.join(path.dirname(fileURLToPath(options.moduleUrl)), 'migrations'),
    async buildSchema() {
      const schema = await buildTypeGraphQLSubgraph({
        resolvers: [
          CountsResolver,
          PipelineResolver,
          NotCollectedTexts,
          CompactSeriesResolver,
          CountGapTexts,
          ...(options.extend?.resolvers ?? []),
        ],
        orphanedTypes: [Project],
        referenceResolvers: { ResearchProject: { __resolveReference: resolveProjectKey as never } },
      })
      return { schema, sdl: printSubgraphSchema(schema) }
    },
    createLoaders(deps) {
      const disclosure = disclosureControl(deps.settings.suppressionThreshold)
      const counts = createCountLoaders({
        store: new CountsStore(deps.db, table),
        disclosure,
        include: (id) => options.covers(componentInfo(id)),
        notCovered: (id) => options.notCovered(componentInfo(id)),
        today: todayUtc,
      })
      return { counts, disclosure, ...(options.extend?.loaders(deps) as Extra) }
    },
  }
}
