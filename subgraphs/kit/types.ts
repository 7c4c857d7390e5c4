/**
 * GraphQL types that several code-first subgraphs share. Value types defined in
 * more than one subgraph must be identical and @shareable; defining them once
 * here keeps them so.
 */
import 'reflect-metadata'
import { ArgsType, createUnionType, Directive, Field, Int, ObjectType, registerEnumType } from 'type-graphql'
import { COMPONENT_IDS, type ComponentId, type ComponentLocation, type CountSource } from './components.js'
import { PUBLICATION_IDS, type PublicationId } from './publications.js'
import { DateScalar, DateTimeScalar } from './scalars.js'

const asEnum = <T extends string>(values: readonly T[]) =>
  Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K }

export const ComponentIdEnum = asEnum(COMPONENT_IDS)
registerEnumType(ComponentIdEnum, {
  name: 'ComponentId',
  description: 'The technical components of the platform that hold study records or serve the project.',
})

export const ComponentLocationEnum = asEnum<ComponentLocation>(['EXTERNAL', 'INTERNAL'])
registerEnumType(ComponentLocationEnum, {
  name: 'ComponentLocation',
  description: 'EXTERNAL: outside the platform, monitored by HD4DevOps. INTERNAL: collected daily by HD4RES itself.',
})

export const PublicationIdEnum = asEnum(PUBLICATION_IDS)
registerEnumType(PublicationIdEnum, {
  name: 'PublicationId',
  description: 'Every publication that HD4RES v2 offers researchers.',
})

export const CountSourceEnum = asEnum<CountSource>(['HD4DEVOPS', 'HD4RES'])
registerEnumType(CountSourceEnum, { name: 'CountSource' })

@ObjectType({ description: 'Returned in place of a publication that is not yet available in HD4RES v2.' })
@Directive('@shareable')
export class PublicationUnderDevelopment {
  @Field(() => PublicationIdEnum)
  publication!: PublicationId

  @Field(() => String)
  title!: string

  @Field(() => String)
  message!: string

  @Field(() => DateScalar, { nullable: true })
  expectedAvailability!: string | null
}

/**
 * A reference to the components subgraph's Component entity, with the
 * catalogue's name and location (the same in every subgraph, so @shareable):
 * a count's component name comes in the same subgraph call as the count.
 */
@ObjectType('Component')
@Directive('@key(fields: "id", resolvable: false)')
export class ComponentReference {
  @Field(() => ComponentIdEnum)
  id!: ComponentId

  @Field(() => String)
  @Directive('@shareable')
  name!: string

  @Field(() => ComponentLocationEnum)
  @Directive('@shareable')
  location!: ComponentLocation
}

@ObjectType({
  description:
    'A published count. Zero is exact; larger counts of records and subjects are published in bands as wide as the suppression threshold, so the true count lies between lowerBound and upperBound.',
})
@Directive('@shareable')
export class ExactCount {
  @Field(() => Int, { description: 'The published count: the lower end of its band, a multiple of the threshold (zero is exact).' })
  value!: number

  @Field(() => Int, { description: 'The true count is at least this.' })
  lowerBound!: number

  @Field(() => Int, { description: 'The true count is at most this.' })
  upperBound!: number
}

@ObjectType({
  description: 'The true count lies between 1 and threshold - 1 and is withheld to protect the subjects; no combination of published counts tells which.',
})
@Directive('@shareable')
export class SuppressedCount {
  @Field(() => Int)
  threshold!: number
}

@ObjectType()
@Directive('@shareable')
export class NotCollected {
  @Field(() => String)
  reason!: string
}

export type CountValueData =
  | { __typename: 'ExactCount'; value: number; lowerBound: number; upperBound: number }
  | { __typename: 'SuppressedCount'; threshold: number }
  | { __typename: 'NotCollected'; reason: string }

/** Values carry their GraphQL type name, so unions need no instanceof checks. */
const byTypename = (value: object) => (value as { __typename: string }).__typename

export const CountValue = createUnionType({
  name: 'CountValue',
  description: 'A published count, a count withheld because it is small, or a count that is not collected.',
  types: () => [ExactCount, SuppressedCount, NotCollected] as const,
  resolveType: byTypename,
})

@ObjectType({ description: 'A count at one HD4DP v2 Local installation (one data provider).' })
@Directive('@shareable')
export class InstallationCount {
  @Field(() => String, { description: "The installation's host name." })
  installation!: string

  @Field(() => CountValue)
  count!: CountValueData
}

@ObjectType()
@Directive('@shareable')
export class ComponentCount {
  @Field(() => ComponentReference)
  component!: ComponentReference

  @Field(() => CountValue)
  count!: CountValueData

  @Field(() => CountSourceEnum)
  source!: CountSource

  @Field(() => DateTimeScalar, { nullable: true })
  collectedAt!: string | null

  @Field(() => [InstallationCount], {
    description:
      'HD4DP v2 Local only: the data provider installations HD4DevOps reported for the day, each count withheld (NotCollected with the reason: beside the total they could single out a small site); empty otherwise.',
  })
  installations!: InstallationCount[]
}

@ObjectType()
@Directive('@shareable')
export class DailyCount {
  @Field(() => DateScalar)
  date!: string

  @Field(() => CountValue)
  count!: CountValueData
}

@ObjectType()
@Directive('@shareable')
export class ComponentCountSeries {
  @Field(() => ComponentReference)
  component!: ComponentReference

  @Field(() => [DailyCount])
  points!: DailyCount[]
}

/** A daily series type for a counts publication: the same shape under the publication's own name. */
export function countHistoryType(name: string, description?: string) {
  @ObjectType(name, { description })
  class CountHistory {
    @Field(() => DateScalar)
    from!: string

    @Field(() => DateScalar)
    to!: string

    @Field(() => [ComponentCountSeries])
    series!: ComponentCountSeries[]
  }
  return CountHistory
}

/** A union of a publication's data type and PublicationUnderDevelopment. */
export function publicationResult<T extends object>(name: string, dataType: new () => T) {
  return createUnionType({
    name,
    types: () => [dataType, PublicationUnderDevelopment] as const,
    resolveType: byTypename,
  })
}

/** The arguments of a count history, in the order they read: from, to, components. */
@ArgsType()
export class HistoryArgs {
  @Field(() => DateScalar)
  from!: string

  @Field(() => DateScalar)
  to!: string

  @Field(() => [ComponentIdEnum], { nullable: true })
  components?: ComponentId[] | null
}
