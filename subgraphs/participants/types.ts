/** The participants subgraph's GraphQL types: one class per type, as the SDL reads. */
import 'reflect-metadata'
import { Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql'
import { PublicationIdEnum, publicationResult } from '../kit/graphql/types.js'
import { DateScalar, DateTimeScalar } from '../kit/graphql/scalars.js'
import type { PublicationId, PublicationState } from '../kit/catalogue/publications.js'
import type { Localisable } from '../kit/i18n/texts.js'

export const OrganisationTypeEnum = {
  HOSPITAL: 'HOSPITAL',
  LABORATORY: 'LABORATORY',
  GENERAL_PRACTICE: 'GENERAL_PRACTICE',
  RESEARCH_INSTITUTE: 'RESEARCH_INSTITUTE',
  PUBLIC_AUTHORITY: 'PUBLIC_AUTHORITY',
  OTHER: 'OTHER',
} as const
registerEnumType(OrganisationTypeEnum, { name: 'OrganisationType' })

export const PublicationStateEnum = { AVAILABLE: 'AVAILABLE', UNDER_DEVELOPMENT: 'UNDER_DEVELOPMENT' } as const
registerEnumType(PublicationStateEnum, { name: 'PublicationState' })

@ObjectType({ description: 'A research project (study) facilitated by the platform.' })
@Directive('@key(fields: "id")')
export class ResearchProject {
  @Field(() => ID)
  id!: string

  @Field(() => String)
  code!: string

  @Field(() => String)
  name!: string

  @Field(() => String, {
    nullable: true,
    description: 'What the project is about; null for a project the researcher is not a member of (one reached through overlaps, say).',
  })
  description!: string | null
}

@ObjectType({ description: 'The signed-in researcher.' })
export class Researcher {
  @Field(() => ID)
  id!: string

  @Field(() => String)
  displayName!: string
}

@ObjectType()
export class Publication {
  @Field(() => PublicationIdEnum)
  id!: PublicationId

  /** In every language the registry gives; the field picks one (PublicationResolver). */
  @Field(() => String)
  title!: Localisable

  @Field(() => PublicationStateEnum)
  state!: PublicationState

  @Field(() => String, {
    description:
      "The registry's text for this publication: while it is under development, the message its fields answer with; once available, where its data come from.",
  })
  message!: Localisable

  @Field(() => DateScalar, {
    nullable: true,
    description: 'When a publication under development is expected to be available; null when no date is announced, or once it is.',
  })
  expectedAvailability!: string | null

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the data behind this publication was last collected; null if never.',
  })
  lastCollectedAt!: string | null
}

@ObjectType()
export class Organisation {
  @Field(() => ID)
  id!: string

  @Field(() => String)
  name!: string

  @Field(() => OrganisationTypeEnum)
  type!: keyof typeof OrganisationTypeEnum

  @Field(() => String, { nullable: true, description: "The organisation's official identifier, such as its NIHDI number." })
  identifier!: string | null
}

@ObjectType()
export class Individual {
  @Field(() => ID)
  id!: string

  @Field(() => String)
  displayName!: string

  @Field(() => [String])
  roles!: string[]

  /** Resolved by a field resolver from organisationId. */
  organisationId!: string | null
}

@ObjectType()
export class OrganisationList {
  @Field(() => Int)
  totalCount!: number

  @Field(() => [Organisation])
  items!: Organisation[]
}

@ObjectType()
export class IndividualList {
  @Field(() => Int)
  totalCount!: number

  @Field(() => [Individual])
  items!: Individual[]
}

export const OrganisationListResult = publicationResult('OrganisationListResult', OrganisationList)
export const IndividualListResult = publicationResult('IndividualListResult', IndividualList)
