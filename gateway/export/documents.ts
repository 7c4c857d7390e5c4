/**
 * The GraphQL operations the CSV exports run, fixed here: an export asks the
 * graph only these, with its parameters as variables. Each is named
 * `CsvExport…`, the name the audit trail records for each page or chunk. A
 * deployment that answers only a safelist (HD4RES_PERSISTED_OPERATIONS) lists
 * these texts in its manifest too (EXPORT_DOCUMENTS).
 */

const COUNT =
  '__typename ... on ExactCount { value lowerBound upperBound } ... on SuppressedCount { threshold } ... on NotCollected { reason }'

/** The members of a publication's union that stand in place of its data. */
const WITHHELD =
  '... on PublicationUnderDevelopment { publication title message expectedAvailability } ... on PublicationTemporarilyUnavailable { publication message retryAfterSeconds }'

const history = (
  operation: string,
  field: string,
  type: string,
) => `query ${operation}($id: ID!, $from: Date!, $to: Date!, $components: [ComponentId!]) {
  project(id: $id) {
    id
    code
    ${field}(from: $from, to: $to, components: $components) {
      __typename
      ... on ${type} { from to series { component { id name } points { date count { ${COUNT} } } } }
      ${WITHHELD}
    }
  }
}`

const dayCounts = (operation: string, field: string, type: string) => `query ${operation}($id: ID!, $date: Date) {
  project(id: $id) {
    id
    code
    ${field}(date: $date) {
      __typename
      ... on ${type} {
        date
        components {
          component { id name }
          source
          collectedAt
          count { ${COUNT} }
          installations { installation count { ${COUNT} } }
        }
      }
      ${WITHHELD}
    }
  }
}`

const TICKET =
  'id number shortDescription state priority openedAt updatedAt closedAt affectedComponent { id } sla { name stage dueAt breached } portalUrl'

const tickets = (
  operation: string,
  field: string,
  type: string,
  extra: string,
) => `query ${operation}($id: ID!, $first: Int!, $after: String, $filter: TicketFilter, $orderBy: TicketOrder) {
  project(id: $id) {
    id
    code
    ${field}(first: $first, after: $after, filter: $filter, orderBy: $orderBy) {
      __typename
      ... on ${type} { totalCount pageInfo { hasNextPage endCursor } edges { node { ${TICKET}${extra} } } }
      ${WITHHELD}
    }
  }
}`

export const EXPORT_DOCUMENTS = {
  CsvExportStudyRecordCountHistory: history('CsvExportStudyRecordCountHistory', 'studyRecordCountHistory', 'StudyRecordCountHistory'),
  CsvExportUniqueSubjectCountHistory: history(
    'CsvExportUniqueSubjectCountHistory',
    'uniqueSubjectCountHistory',
    'UniqueSubjectCountHistory',
  ),
  CsvExportStudyRecordCounts: dayCounts('CsvExportStudyRecordCounts', 'studyRecordCounts', 'StudyRecordCounts'),
  CsvExportUniqueSubjectCounts: dayCounts('CsvExportUniqueSubjectCounts', 'uniqueSubjectCounts', 'UniqueSubjectCounts'),
  CsvExportIncidents: tickets('CsvExportIncidents', 'incidents', 'IncidentConnection', ' resolvedAt category'),
  CsvExportRequests: tickets('CsvExportRequests', 'requests', 'ServiceRequestConnection', ' requestType'),
} as const

export type ExportOperation = keyof typeof EXPORT_DOCUMENTS

// What the operations answer, as far as the exports read it.

export type CountValue =
  | { __typename: 'ExactCount'; value: number; lowerBound: number; upperBound: number }
  | { __typename: 'SuppressedCount'; threshold: number }
  | { __typename: 'NotCollected'; reason: string }

export interface Withheld {
  __typename: 'PublicationUnderDevelopment' | 'PublicationTemporarilyUnavailable'
  publication: string
  title?: string
  message: string
  expectedAvailability?: string | null
  retryAfterSeconds?: number | null
}

export interface ComponentRef {
  id: string
  name: string
}

export interface HistoryData {
  __typename: 'StudyRecordCountHistory' | 'UniqueSubjectCountHistory'
  from: string
  to: string
  series: { component: ComponentRef; points: { date: string; count: CountValue }[] }[]
}

export interface DayCountsData {
  __typename: 'StudyRecordCounts' | 'UniqueSubjectCounts'
  date: string
  components: {
    component: ComponentRef
    source: string
    collectedAt: string | null
    count: CountValue
    installations: { installation: string; count: CountValue }[]
  }[]
}

export interface TicketNode {
  id: string
  number: string
  shortDescription: string
  state: string
  priority: string
  openedAt: string
  updatedAt: string
  closedAt: string | null
  affectedComponent: { id: string } | null
  sla: { name: string; stage: string | null; dueAt: string | null; breached: boolean } | null
  portalUrl: string | null
  resolvedAt?: string | null
  category?: string | null
  requestType?: string | null
}

export interface TicketsData {
  __typename: 'IncidentConnection' | 'ServiceRequestConnection'
  totalCount: number
  pageInfo: { hasNextPage: boolean; endCursor: string | null }
  edges: { node: TicketNode }[]
}
