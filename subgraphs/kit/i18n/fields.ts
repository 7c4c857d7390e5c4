/**
 * Localisable fields. A field that publishes a text takes an optional
 * `language: Language` argument; its value holds a `Localisable` (a string,
 * or the text in every language) and is picked in the field's language, else
 * in the request's (the gateway's choice, SubgraphContext.language), else in
 * English. The code-first subgraphs declare such fields with a field resolver
 * (kit/graphql/types.ts for PublicationUnderDevelopment, kit/counts/types.ts
 * for NotCollected); the
 * SDL-first ones declare the argument in their SDL and get their resolvers
 * from `localisedFieldResolvers`, so a new text field needs no code of its own.
 */
import 'reflect-metadata'
import { isObjectType, type GraphQLSchema } from 'graphql'
import { registerEnumType } from 'type-graphql'
import { LANGUAGES, pick, type Language, type Localisable } from './texts.js'

/** The Language enum's values: the language tags in capitals. */
export const LANGUAGE_NAMES = LANGUAGES.map((l) => l.toUpperCase() as Uppercase<Language>)
export type LanguageName = (typeof LANGUAGE_NAMES)[number]
export const LANGUAGE_DESCRIPTION =
  'A language HD4RES v2 publishes its texts in: English, Dutch, French or German. English is the fallback of every text.'
export const LANGUAGE_ARGUMENT_DESCRIPTION =
  "The language of this text; when absent, the request's (its `lang` parameter, its `language` extension or its Accept-Language header), else English."

export const LanguageEnum = Object.fromEntries(LANGUAGE_NAMES.map((n) => [n, n])) as { [K in LanguageName]: K }
registerEnumType(LanguageEnum, { name: 'Language', description: LANGUAGE_DESCRIPTION })

/** The SDL of the Language enum, for the SDL-first subgraphs (identical to the code-first one). */
export const LANGUAGE_SDL = `"""${LANGUAGE_DESCRIPTION}"""\nenum Language {\n${LANGUAGE_NAMES.map((n) => `  ${n}`).join('\n')}\n}\n`

/** The language a field's argument names, or the request's. */
export function languageFor(argument: unknown, requestLanguage: Language | undefined): Language {
  if (typeof argument === 'string') {
    const tag = argument.toLowerCase()
    if ((LANGUAGES as readonly string[]).includes(tag)) return tag as Language
  }
  return requestLanguage ?? 'en'
}

/** A text field's value in the language its argument or its request asks for. */
export function localised(
  value: Localisable | null | undefined,
  argument: unknown,
  context: { language?: Language } | undefined,
): string | null {
  if (value === null || value === undefined) return null
  return pick(value, languageFor(argument, context?.language))
}

type FieldResolverFn = (source: Record<string, unknown>, args: { language?: unknown }, context: { language?: Language }) => string | null

/**
 * Resolvers for every field of an object type (the root types aside) that
 * takes a `language` argument: each reads the value under the field's own
 * name and picks it. For the SDL-first subgraphs, merged under their own.
 */
export function localisedFieldResolvers(schema: GraphQLSchema): Record<string, Record<string, FieldResolverFn>> {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean))
  const resolvers: Record<string, Record<string, FieldResolverFn>> = {}
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || roots.has(type)) continue
    for (const field of Object.values(type.getFields())) {
      if (!field.args.some((a) => a.name === 'language')) continue
      const name = field.name
      ;(resolvers[type.name] ??= {})[name] = (source, args, context) => localised(source[name] as Localisable, args.language, context)
    }
  }
  return resolvers
}
