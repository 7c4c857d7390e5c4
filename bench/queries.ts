/**
 * The operations the gateway benchmark sends, in one place: the benchmark
 * measures them, and test/stock-identical.e2e.test.ts checks that ours
 * answers each byte for byte as stock @apollo/gateway does.
 */
import { COMPONENT_IDS } from '../subgraphs/kit/catalogue/components.js'

/** A researcher's project dashboard: counts, providers, status and the latest incidents. */
export const DASHBOARD = `query Dashboard($id: ID!) { project(id: $id) { code name
  studyRecordCounts { ... on StudyRecordCounts { date components { component { id name } count { ... on ExactCount { value } ... on NotCollected { reason } } } } }
  uniqueSubjectCounts { ... on UniqueSubjectCounts { components { component { id } count { ... on ExactCount { value } ... on SuppressedCount { threshold } } } } }
  dataProviderOrganisations { ... on OrganisationList { totalCount items { name } } }
  componentStatus { ... on ComponentStatusList { items { component { id } status availability } } }
  incidents(first: 20) { ... on IncidentConnection { totalCount edges { node { number state priority openedAt } } } } } }`

/** A year of daily record counts of every component, as points. */
export const HISTORY = `query History($id: ID!) { project(id: $id) { studyRecordCountHistory(from: "2025-11-22", to: "2026-11-21", components: [${COMPONENT_IDS.join(', ')}]) {
  ... on StudyRecordCountHistory { series { component { id } points { date count { ... on ExactCount { value } } } } } } } }`

/** The same year in the compact form. */
export const COMPACT_HISTORY = `query CompactHistory($id: ID!) { project(id: $id) { studyRecordCountHistory(from: "2025-11-22", to: "2026-11-21", components: [${COMPONENT_IDS.join(', ')}]) {
  ... on StudyRecordCountHistory { series { component { id } compact { from to bandWidth values gaps { from to status threshold reason } } } } } } }`

/** One subgraph, a few bytes. */
export const SMALL = '{ publications { id state } }'

/** A page of a project's incidents, filtered by state and priority. */
export const INCIDENTS = `query Incidents($id: ID!, $states: [TicketState!], $priorities: [TicketPriority!]) { project(id: $id) {
  incidents(first: 50, filter: { states: $states, priorities: $priorities }) { ... on IncidentConnection { totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id number shortDescription state priority openedAt updatedAt affectedComponent { id name } } } } } } }`

/** What a researcher filters the incident list by: the open ones, the closed ones, or all. */
export const STATE_SETS = [
  ['NEW', 'IN_PROGRESS', 'ON_HOLD'],
  ['RESOLVED', 'CLOSED'],
  ['NEW', 'IN_PROGRESS', 'ON_HOLD', 'RESOLVED', 'CLOSED', 'CANCELLED'],
]

/** The urgent ones, a little less urgent, or any. */
export const PRIORITY_SETS = [['CRITICAL', 'HIGH'], ['CRITICAL', 'HIGH', 'MODERATE'], null]
