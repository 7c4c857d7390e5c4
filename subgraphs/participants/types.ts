/** The participants subgraph's GraphQL types: one class per type, as the SDL reads. */
import 'reflect-metadata'
import { createUnionType, Directive, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql'
import { byTypename, PublicationIdEnum, publicationResult } from '../kit/graphql/types.js'
import { INSTALLATION_DESCRIPTION, NotCollected } from '../kit/counts/types.js'
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

export const InstallationEnvironmentEnum = { PRODUCTION: 'PRODUCTION', INTEGRATION: 'INTEGRATION' } as const
registerEnumType(InstallationEnvironmentEnum, {
  name: 'InstallationEnvironment',
  description: "Which server of a data provider an installation is: only production counts enter HD4DP v2 Local's totals.",
  valuesConfig: {
    PRODUCTION: { description: 'The server the provider registers its real data on.' },
    INTEGRATION: { description: 'A test server beside production; its counts are listed but never enter the totals.' },
  },
})

export const InstallationSizeClassEnum = { SMALL: 'SMALL', MEDIUM: 'MEDIUM', LARGE: 'LARGE' } as const
registerEnumType(InstallationSizeClassEnum, { name: 'InstallationSizeClass', description: 'The size class an installation is sized for.' })

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

  /** V1_LOCAL: still on HD4RES v1 Local (Organisation.installationStatus says so); not a field. */
  localArchitecture!: 'V2_LOCAL' | 'V1_LOCAL' | null
}

@ObjectType({ description: INSTALLATION_DESCRIPTION })
@Directive('@key(fields: "id")')
@Directive('@key(fields: "host")')
export class Installation {
  @Field(() => ID)
  id!: string

  @Field(() => String, { description: "The installation's host name, as HD4DevOps reports it (InstallationCount.installation)." })
  host!: string

  @Field(() => InstallationEnvironmentEnum)
  environment!: keyof typeof InstallationEnvironmentEnum

  @Field(() => InstallationSizeClassEnum, { nullable: true, description: 'Null when the registry does not record it.' })
  sizeClass!: keyof typeof InstallationSizeClassEnum | null

  @Field(() => String, {
    nullable: true,
    description: 'The HD4DP v2 release the installation last reported, such as 2.14.3; null until it has reported one.',
  })
  release!: string | null

  @Field(() => DateTimeScalar, { nullable: true, description: 'When HD4DevOps last heard from the installation; null if never.' })
  lastContactAt!: string | null

  /** Resolved by a field resolver from organisationId. */
  organisationId!: string
}

@ObjectType({ description: "An organisation's monitored HD4DP v2 Local installations, production first." })
export class InstallationList {
  @Field(() => Int)
  totalCount!: number

  @Field(() => [Installation])
  items!: Installation[]
}

export const InstallationStatus = createUnionType({
  name: 'InstallationStatus',
  description:
    "An organisation's monitored installations, or NotCollected with the reason when it has none that can be monitored (a provider still on HD4RES v1 Local).",
  types: () => [InstallationList, NotCollected] as const,
  resolveType: byTypename,
})

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
