/**
 * The GraphQL types of the counts publications (records and subjects): a
 * published count and its reasons, a day's counts per component and a daily
 * series. They are identical in both subgraphs and @shareable, so they are
 * defined once here.
 */
import 'reflect-metadata'
import {
  Arg,
  ArgsType,
  createUnionType,
  Ctx,
  Directive,
  Field,
  FieldResolver,
  Int,
  ObjectType,
  registerEnumType,
  Resolver,
  Root,
} from 'type-graphql'
import type { ComponentId, CountSource } from '../catalogue/components.js'
import { asEnum, byTypename, ComponentIdEnum, ComponentReference } from '../graphql/types.js'
import { DateScalar, DateTimeScalar } from '../graphql/scalars.js'
import { LANGUAGE_ARGUMENT_DESCRIPTION, LanguageEnum, localised, type LanguageName } from '../i18n/fields.js'
import type { Language, Localisable } from '../i18n/texts.js'
import type { NotCollectedRun } from './compact.js'

const CountSourceEnum = asEnum<CountSource>(['HD4DEVOPS', 'HD4RES'])
registerEnumType(CountSourceEnum, { name: 'CountSource' })

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
  description:
    'The true count lies between 1 and threshold - 1 and is withheld to protect the subjects; no combination of published counts tells which.',
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
  reason!: Localisable
}

/** NotCollected's reason in the language the field or the request asks for (i18n/fields.ts). */
@Resolver(() => NotCollected)
export class NotCollectedTexts {
  @FieldResolver(() => String)
  reason(
    @Root() value: NotCollected,
    @Arg('language', () => LanguageEnum, { nullable: true, description: LANGUAGE_ARGUMENT_DESCRIPTION }) language: LanguageName | null,
    @Ctx() ctx: { language?: Language },
  ): string {
    return localised(value.reason, language, ctx)!
  }
}

export type CountValueData =
  | { __typename: 'ExactCount'; value: number; lowerBound: number; upperBound: number }
  | { __typename: 'SuppressedCount'; threshold: number }
  | { __typename: 'NotCollected'; reason: Localisable; run?: NotCollectedRun }

export const CountValue = createUnionType({
  name: 'CountValue',
  description: 'A published count, a count withheld because it is small, or a count that is not collected.',
  types: () => [ExactCount, SuppressedCount, NotCollected] as const,
  resolveType: byTypename,
})

export const INSTALLATION_DESCRIPTION =
  "An HD4DP v2 Local installation: a data provider's server that HD4DevOps monitors. Platform facts, not health data: who runs it, which environment, its size and release, when it was last heard from."

/** An Installation as the counts subgraphs know it: its host, which the participants subgraph resolves. */
@ObjectType('Installation', { description: INSTALLATION_DESCRIPTION })
@Directive('@key(fields: "host", resolvable: false)')
export class InstallationReference {
  @Field(() => String)
  host!: string
}

@ObjectType({ description: 'A count at one HD4DP v2 Local installation (one data provider).' })
@Directive('@shareable')
export class InstallationCount {
  @Field(() => String, { description: "The installation's host name." })
  installation!: string

  @Field(() => InstallationReference, {
    nullable: true,
    description:
      'The installation itself: its organisation, environment, size class, release and last contact; null when the registry no longer knows the host.',
  })
  get installationDetails(): InstallationReference {
    return { host: this.installation }
  }

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
