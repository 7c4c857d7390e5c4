/**
 * `labels`: what a frontend shows for the values of the API's enums, in the
 * asked language (kit/i18n/labels.ts). The same for every researcher.
 */
import 'reflect-metadata'
import { Arg, Ctx, Field, ObjectType, Query, Resolver } from 'type-graphql'
import { badInput } from '../kit/graphql/access.js'
import { LANGUAGE_ARGUMENT_DESCRIPTION, LanguageEnum, languageFor, type LanguageName } from '../kit/i18n/fields.js'
import { LABELLED_ENUMS, LABELS } from '../kit/i18n/labels.js'
import { pick, type Language } from '../kit/i18n/texts.js'

@ObjectType({ description: 'What a frontend shows for one value of one of the API’s enums.' })
export class EnumLabel {
  @Field(() => String, { description: 'The enum’s name, such as OperationalStatus.' })
  enum!: string

  @Field(() => String, { description: 'The value, as the API answers it (OPERATIONAL).' })
  value!: string

  @Field(() => String, { description: 'The value in the asked language (Operationeel).' })
  label!: string
}

@Resolver()
export class LabelResolver {
  @Query(() => [EnumLabel], {
    description: `The labels of the API's enums' values, in the order the enums list them: of one enum, or of all of them. Labelled: ${LABELLED_ENUMS.join(', ')}.`,
  })
  labels(
    @Arg('enum', () => String, { nullable: true, description: 'One enum’s name; every labelled enum when absent.' }) name: string | null,
    @Arg('language', () => LanguageEnum, { nullable: true, description: LANGUAGE_ARGUMENT_DESCRIPTION }) language: LanguageName | null,
    @Ctx() ctx: { language?: Language },
  ): EnumLabel[] {
    if (name !== null && name !== undefined && !Object.hasOwn(LABELS, name)) {
      throw badInput(`No labels for the enum "${name}"; labelled enums: ${LABELLED_ENUMS.join(', ')}`, 'enum')
    }
    const chosen = languageFor(language, ctx.language)
    const names = name ? [name] : LABELLED_ENUMS
    return names.flatMap((e) => Object.entries(LABELS[e]!).map(([value, texts]) => ({ enum: e, value, label: pick(texts, chosen) })))
  }
}
