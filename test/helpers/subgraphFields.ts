/** One field of ResearchProject each subgraph resolves, for tests that reach every subgraph through an entity. */
export const PROJECT_FIELD_OF_SUBGRAPH: Readonly<Record<string, string>> = {
  records: 'studyRecordCounts { __typename }',
  subjects: 'uniqueSubjectCounts { __typename }',
  participants: 'dataProviderOrganisations { __typename }',
  components: 'componentStatus { __typename }',
  support: 'incidents { __typename }',
}
