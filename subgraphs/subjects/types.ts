/** The subjects subgraph's GraphQL types. */
import 'reflect-metadata'
import { Directive, Field, ID, ObjectType } from 'type-graphql'
import { ComponentCount, CountValue, countHistoryType, publicationResult, type CountValueData } from '../kit/types.js'
import { DateScalar } from '../kit/scalars.js'

@ObjectType({ description: 'A research project (study) facilitated by the platform.' })
@Directive('@key(fields: "id")')
export class ResearchProject {
  @Field(() => ID)
  id!: string
}

@ObjectType()
export class UniqueSubjectCounts {
  @Field(() => DateScalar)
  date!: string

  @Field(() => [ComponentCount])
  components!: ComponentCount[]
}

@ObjectType()
export class ProjectOverlap {
  @Field(() => ResearchProject)
  project!: ResearchProject

  @Field(() => CountValue)
  sharedSubjects!: CountValueData
}

@ObjectType()
export class MultiStudySubjectCounts {
  @Field(() => DateScalar)
  date!: string

  @Field(() => CountValue, { description: 'Subjects that take part in more than one study on the platform.' })
  subjectsInMultipleStudies!: CountValueData
}

export const UniqueSubjectCountHistory = countHistoryType(
  'UniqueSubjectCountHistory',
  'Daily unique-subject counts per component; small counts are withheld on every day.',
)

export const UniqueSubjectCountHistoryResult = publicationResult('UniqueSubjectCountHistoryResult', UniqueSubjectCountHistory)
export const UniqueSubjectCountsResult = publicationResult('UniqueSubjectCountsResult', UniqueSubjectCounts)
export const MultiStudySubjectCountsResult = publicationResult('MultiStudySubjectCountsResult', MultiStudySubjectCounts)
