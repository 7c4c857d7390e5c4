/**
 * GraphQL types that several code-first subgraphs share. Value types defined in
 * more than one subgraph must be identical and @shareable; defining them once
 * here keeps them so.
 */
import 'reflect-metadata'
import {
  Arg,
  createUnionType,
  Ctx,
  Directive,
  Field,
  FieldResolver,
  ID,
  Int,
  ObjectType,
  registerEnumType,
  Resolver,
  Root,
} from 'type-graphql'
import { COMPONENT_IDS, type ComponentId, type ComponentLocation } from '../catalogue/components.js'
import { PUBLICATION_IDS, type PublicationId } from '../catalogue/publications.js'
import { DateScalar } from './scalars.js'
import { LANGUAGE_ARGUMENT_DESCRIPTION, LanguageEnum, localised, type LanguageName } from '../i18n/fields.js'
import type { Language, Localisable } from '../i18n/texts.js'

/** A GraphQL enum whose values are the names, from a list. */
export const asEnum = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K }

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

@ObjectType({ description: 'Returned in place of a publication that is not yet available in HD4RES v2.' })
@Directive('@shareable')
export class PublicationUnderDevelopment {
  @Field(() => PublicationIdEnum)
  publication!: PublicationId

  @Field(() => String)
  title!: Localisable

  @Field(() => String)
  message!: Localisable

  @Field(() => DateScalar, { nullable: true })
  expectedAvailability!: string | null
}

/** PublicationUnderDevelopment's texts, in the language the field or the request asks for (i18n/fields.ts). */
@Resolver(() => PublicationUnderDevelopment)
export class PublicationUnderDevelopmentTexts {
  @FieldResolver(() => String)
  title(
    @Root() value: PublicationUnderDevelopment,
    @Arg('language', () => LanguageEnum, { nullable: true, description: LANGUAGE_ARGUMENT_DESCRIPTION }) language: LanguageName | null,
    @Ctx() ctx: { language?: Language },
  ): string {
    return localised(value.title, language, ctx)!
  }

  @FieldResolver(() => String)
  message(
    @Root() value: PublicationUnderDevelopment,
    @Arg('language', () => LanguageEnum, { nullable: true, description: LANGUAGE_ARGUMENT_DESCRIPTION }) language: LanguageName | null,
    @Ctx() ctx: { language?: Language },
  ): string {
    return localised(value.message, language, ctx)!
  }
}

/**
 * The gateway's stand-in for a publication whose subgraph cannot be reached
 * (gateway/standIns.ts): no subgraph answers it, but every result union
 * lists it, so that the gateway may answer it in their place and the rest of
 * the answer stands.
 */
@ObjectType({
  description: "Returned in place of a publication whose service cannot be reached right now; the answer's errors name the service.",
})
@Directive('@shareable')
export class PublicationTemporarilyUnavailable {
  @Field(() => PublicationIdEnum)
  publication!: PublicationId

  @Field(() => String)
  message!: string

  @Field(() => Int, { nullable: true, description: 'When to ask again, in seconds; null when unknown.' })
  retryAfterSeconds!: number | null
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

/** Values carry their GraphQL type name, so unions need no instanceof checks. */
export const byTypename = (value: object) => (value as { __typename: string }).__typename

/** A union of a publication's data type, PublicationUnderDevelopment and the gateway's PublicationTemporarilyUnavailable. */
export function publicationResult<T extends object>(name: string, dataType: new () => T) {
  return createUnionType({
    name,
    types: () => [dataType, PublicationUnderDevelopment, PublicationTemporarilyUnavailable] as const,
    resolveType: byTypename,
  })
}

/**
 * A ResearchProject as a subgraph that only adds fields to it knows it: its
 * key. Each subgraph makes its own class, since type-graphql adds a schema's
 * field resolvers to the class they extend and another subgraph's schema
 * would show them too.
 */
export function projectKeyType() {
  @ObjectType('ResearchProject', { description: 'A research project (study) facilitated by the platform.' })
  @Directive('@key(fields: "id")')
  class ResearchProject {
    @Field(() => ID)
    id!: string
  }
  return ResearchProject
}

export type ProjectKeyType = ReturnType<typeof projectKeyType>
