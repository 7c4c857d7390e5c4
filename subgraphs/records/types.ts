/** The records subgraph's GraphQL types. */
import 'reflect-metadata'
import { Directive, Field, ID, ObjectType } from 'type-graphql'
import { ComponentCount, countHistoryType, publicationResult } from '../kit/types.js'
import { DateScalar } from '../kit/scalars.js'

@ObjectType({ description: 'A research project (study) facilitated by the platform.' })
@Directive('@key(fields: "id")')
export class ResearchProject {
  @Field(() => ID)
  id!: string
}

@ObjectType()
export class StudyRecordCounts {
  @Field(() => DateScalar)
  date!: string

  @Field(() => [ComponentCount])
  components!: ComponentCount[]
}

export const StudyRecordCountHistory = countHistoryType('StudyRecordCountHistory')

export const StudyRecordCountsResult = publicationResult('StudyRecordCountsResult', StudyRecordCounts)
export const StudyRecordCountHistoryResult = publicationResult('StudyRecordCountHistoryResult', StudyRecordCountHistory)
