/** The subjects subgraph's own GraphQL types, besides the counts (kit/counts/): subjects in several studies and overlaps. */
import 'reflect-metadata'
import { Field, ObjectType } from 'type-graphql'
import { CountValue, type CountValueData } from '../kit/counts/types.js'
import { DateScalar } from '../kit/graphql/scalars.js'
import { projectKeyType, publicationResult } from '../kit/graphql/types.js'

/** The subgraph's ResearchProject: the counts fields extend it, and an overlap names one. */
export const ResearchProject = projectKeyType()
export type ResearchProject = InstanceType<typeof ResearchProject>

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

export const MultiStudySubjectCountsResult = publicationResult('MultiStudySubjectCountsResult', MultiStudySubjectCounts)
