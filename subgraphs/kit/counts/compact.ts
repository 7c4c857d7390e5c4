/**
 * A history's series in the form that costs what it carries: one list of the
 * published values, day by day, and the days without one as ranges with their
 * reason. `points` spells out every day as an object with a date, a
 * `__typename` and a band; a 365-day series of ten components is 3,650 of
 * them. The compact form is worked out from exactly those points, so it
 * publishes nothing they do not: the same bands, the same withheld days, the
 * same reasons.
 */
import 'reflect-metadata'
import { Arg, Ctx, Directive, Field, FieldResolver, Int, ObjectType, registerEnumType, Resolver, Root } from 'type-graphql'
import { DateScalar } from '../graphql/scalars.js'
import { LANGUAGE_ARGUMENT_DESCRIPTION, LanguageEnum, localised, type LanguageName } from '../i18n/fields.js'
import type { Language, Localisable } from '../i18n/texts.js'
import type { Disclosure } from './disclosure.js'
import { ComponentCountSeries, type CountValueData } from './types.js'

export type CountGapStatusName = 'SUPPRESSED' | 'NOT_COLLECTED'
export const CountGapStatusEnum = { SUPPRESSED: 'SUPPRESSED', NOT_COLLECTED: 'NOT_COLLECTED' } as const
registerEnumType(CountGapStatusEnum, {
  name: 'CountGapStatus',
  description: 'Why a run of days of a compact series has no published count.',
  valuesConfig: {
    SUPPRESSED: { description: 'Each day had a count between 1 and the threshold minus 1: withheld (SuppressedCount).' },
    NOT_COLLECTED: { description: 'No count for these days (NotCollected): the reason says why.' },
  },
})

@ObjectType({ description: 'Consecutive days of a compact series without a published count, and why.' })
@Directive('@shareable')
export class CountGap {
  @Field(() => DateScalar)
  from!: string

  @Field(() => DateScalar)
  to!: string

  @Field(() => CountGapStatusEnum)
  status!: CountGapStatusName

  @Field(() => Int, { nullable: true, description: 'SUPPRESSED: the threshold below which a count is withheld.' })
  threshold!: number | null

  @Field(() => String, { nullable: true, description: 'NOT_COLLECTED: why, for the whole run.' })
  reason!: Localisable | null
}

@Directive('@shareable')
@ObjectType({
  description:
    "A series in few bytes: the published count of each day from `from` to `to` in `values`, and the days without one as ranges in `gaps`. The same counts as `points`, in the same bands: a value v > 0 stands for a true count between v and v + bandWidth - 1 (ExactCount's lowerBound and upperBound), 0 is exact.",
})
export class CompactCountSeries {
  @Field(() => DateScalar)
  from!: string

  @Field(() => DateScalar)
  to!: string

  @Field(() => Int, { description: "The width of every published count's band: the publication's threshold." })
  bandWidth!: number

  @Field(() => [Int], {
    nullable: 'items',
    description:
      "One entry per day from `from` to `to`, in order: the day's published count (ExactCount.value), or null when it has none (see gaps).",
  })
  values!: (number | null)[]

  @Field(() => [CountGap], { description: 'The runs of days whose value is null, in order, each as long as its cause is the same.' })
  gaps!: CountGap[]
}

/** What a run of NotCollected days says for the whole run, where the day's own reason names the day (loaders.ts). */
export interface NotCollectedRun {
  /** Days with the same key and consecutive make one gap. */
  key: string
  over: (from: string, to: string) => Localisable
}

type Point = { date: string; count: CountValueData }

/** The compact form of a series' points. */
export function compactSeries(points: readonly Point[], threshold: number): CompactCountSeries {
  const values: (number | null)[] = new Array(points.length)
  const gaps: CountGap[] = []
  type Open = { gap: CountGap; key: unknown; run: NotCollectedRun | undefined }
  let open: Open | null = null
  const runs: Open[] = []
  for (let i = 0; i < points.length; i++) {
    const { date, count } = points[i]!
    if (count.__typename === 'ExactCount') {
      values[i] = count.value
      open = null
      continue
    }
    values[i] = null
    // A run goes on while its cause is the same: the threshold, the kind of reason, or the very same reason.
    const run = count.__typename === 'NotCollected' ? count.run : undefined
    const key = count.__typename === 'SuppressedCount' ? 'suppressed' : (run?.key ?? count.reason)
    if (open && open.key === key) {
      open.gap.to = date
      continue
    }
    const gap: CountGap =
      count.__typename === 'SuppressedCount'
        ? { from: date, to: date, status: 'SUPPRESSED', threshold: count.threshold, reason: null }
        : { from: date, to: date, status: 'NOT_COLLECTED', threshold: null, reason: count.reason }
    gaps.push(gap)
    open = { gap, key, run }
    if (run) runs.push(open)
  }
  // A run of more than a day says so in its reason: the day's own text names one day.
  for (const { gap, run } of runs) if (gap.to !== gap.from) gap.reason = run!.over(gap.from, gap.to)
  return { from: points[0]?.date ?? '', to: points[points.length - 1]?.date ?? '', bandWidth: threshold, values, gaps }
}

@Resolver(() => ComponentCountSeries)
export class CompactSeriesResolver {
  @FieldResolver(() => CompactCountSeries, {
    description:
      'The same series in few bytes: one list of values and the days without a count as ranges. Prefer it to points for long ranges (docs/api.md).',
  })
  compact(@Root() series: { points: Point[] }, @Ctx() ctx: { loaders: { disclosure: Disclosure } }): CompactCountSeries {
    return compactSeries(series.points, ctx.loaders.disclosure.threshold)
  }
}

@Resolver(() => CountGap)
export class CountGapTexts {
  @FieldResolver(() => String, { nullable: true, description: 'NOT_COLLECTED: why, for the whole run.' })
  reason(
    @Root() gap: CountGap,
    @Arg('language', () => LanguageEnum, { nullable: true, description: LANGUAGE_ARGUMENT_DESCRIPTION }) language: LanguageName | null,
    @Ctx() ctx: { language?: Language },
  ): string | null {
    return localised(gap.reason, language, ctx)
  }
}
