/** The API's interfaces and unions with their members, for InMemoryCache({ possibleTypes }). Generated: npm run codegen. */
export interface PossibleTypesResultData {
  possibleTypes: { [key: string]: string[] }
}
const result: PossibleTypesResultData = {
  "possibleTypes": {
    "ComponentStatusListResult": [
      "ComponentStatusList",
      "PublicationTemporarilyUnavailable",
      "PublicationUnderDevelopment"
    ],
    "ComponentStatusResult": [
      "ComponentStatus",
      "PublicationTemporarilyUnavailable",
      "PublicationUnderDevelopment"
    ],
    "CountValue": [
      "ExactCount",
      "NotCollected",
      "SuppressedCount"
    ],
    "IncidentsResult": [
      "IncidentConnection",
      "PublicationTemporarilyUnavailable",
      "PublicationUnderDevelopment"
    ],
    "IndividualListResult": [
      "IndividualList",
      "PublicationTemporarilyUnavailable",
      "PublicationUnderDevelopment"
    ],
    "InstallationStatus": [
      "InstallationList",
      "NotCollected"
    ],
    "MultiStudySubjectCountsResult": [
      "MultiStudySubjectCounts",
      "PublicationTemporarilyUnavailable",
      "PublicationUnderDevelopment"
    ],
    "OrganisationListResult": [
      "OrganisationList",
      "PublicationTemporarilyUnavailable",
      "PublicationUnderDevelopment"
    ],
    "PipelineCount": [
      "CountRange",
      "NotCollected"
    ],
    "ServiceRequestsResult": [
      "PublicationTemporarilyUnavailable",
      "PublicationUnderDevelopment",
      "ServiceRequestConnection"
    ],
    "StudyRecordCountHistoryResult": [
      "PublicationTemporarilyUnavailable",
      "PublicationUnderDevelopment",
      "StudyRecordCountHistory"
    ],
    "StudyRecordCountsResult": [
      "PublicationTemporarilyUnavailable",
      "PublicationUnderDevelopment",
      "StudyRecordCounts"
    ],
    "StudyRecordPipelineResult": [
      "PublicationTemporarilyUnavailable",
      "PublicationUnderDevelopment",
      "StudyRecordPipeline"
    ],
    "Ticket": [
      "Incident",
      "ServiceRequest"
    ],
    "UniqueSubjectCountHistoryResult": [
      "PublicationTemporarilyUnavailable",
      "PublicationUnderDevelopment",
      "UniqueSubjectCountHistory"
    ],
    "UniqueSubjectCountsResult": [
      "PublicationTemporarilyUnavailable",
      "PublicationUnderDevelopment",
      "UniqueSubjectCounts"
    ],
    "UniqueSubjectPipelineResult": [
      "PublicationTemporarilyUnavailable",
      "PublicationUnderDevelopment",
      "UniqueSubjectPipeline"
    ]
  }
}
export default result
