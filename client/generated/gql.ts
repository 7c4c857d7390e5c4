/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query ProjectIncidents($projectId: ID!, $filter: TicketFilter, $first: Int, $after: String) {\n  project(id: $projectId) {\n    incidents(filter: $filter, first: $first, after: $after) {\n      __typename\n      ... on IncidentConnection {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            number\n            shortDescription\n            state\n            priority\n            openedAt\n            closedAt\n          }\n        }\n      }\n      ... on PublicationUnderDevelopment {\n        message\n      }\n    }\n  }\n}": typeof types.ProjectIncidentsDocument,
    "query ProjectOverview {\n  me {\n    id\n    displayName\n  }\n  projects {\n    id\n    code\n    name\n    studyRecordCounts {\n      __typename\n      ... on StudyRecordCounts {\n        date\n      }\n      ... on PublicationUnderDevelopment {\n        message\n        expectedAvailability\n      }\n    }\n    incidents(first: 5) {\n      __typename\n      ... on IncidentConnection {\n        totalCount\n        edges {\n          node {\n            number\n            state\n            priority\n            shortDescription\n            openedAt\n          }\n        }\n      }\n    }\n  }\n  publications {\n    id\n    state\n    lastCollectedAt\n  }\n}": typeof types.ProjectOverviewDocument,
    "query RecordCountHistory($projectId: ID!, $from: Date!, $to: Date!, $components: [ComponentId!]) {\n  project(id: $projectId) {\n    code\n    name\n    studyRecordCountHistory(from: $from, to: $to, components: $components) {\n      __typename\n      ... on StudyRecordCountHistory {\n        from\n        to\n        series {\n          component {\n            id\n            name\n          }\n          points {\n            date\n            count {\n              __typename\n              ... on ExactCount {\n                value\n              }\n              ... on NotCollected {\n                reason\n              }\n            }\n          }\n        }\n      }\n      ... on PublicationUnderDevelopment {\n        message\n      }\n    }\n  }\n}": typeof types.RecordCountHistoryDocument,
};
const documents: Documents = {
    "query ProjectIncidents($projectId: ID!, $filter: TicketFilter, $first: Int, $after: String) {\n  project(id: $projectId) {\n    incidents(filter: $filter, first: $first, after: $after) {\n      __typename\n      ... on IncidentConnection {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            number\n            shortDescription\n            state\n            priority\n            openedAt\n            closedAt\n          }\n        }\n      }\n      ... on PublicationUnderDevelopment {\n        message\n      }\n    }\n  }\n}": types.ProjectIncidentsDocument,
    "query ProjectOverview {\n  me {\n    id\n    displayName\n  }\n  projects {\n    id\n    code\n    name\n    studyRecordCounts {\n      __typename\n      ... on StudyRecordCounts {\n        date\n      }\n      ... on PublicationUnderDevelopment {\n        message\n        expectedAvailability\n      }\n    }\n    incidents(first: 5) {\n      __typename\n      ... on IncidentConnection {\n        totalCount\n        edges {\n          node {\n            number\n            state\n            priority\n            shortDescription\n            openedAt\n          }\n        }\n      }\n    }\n  }\n  publications {\n    id\n    state\n    lastCollectedAt\n  }\n}": types.ProjectOverviewDocument,
    "query RecordCountHistory($projectId: ID!, $from: Date!, $to: Date!, $components: [ComponentId!]) {\n  project(id: $projectId) {\n    code\n    name\n    studyRecordCountHistory(from: $from, to: $to, components: $components) {\n      __typename\n      ... on StudyRecordCountHistory {\n        from\n        to\n        series {\n          component {\n            id\n            name\n          }\n          points {\n            date\n            count {\n              __typename\n              ... on ExactCount {\n                value\n              }\n              ... on NotCollected {\n                reason\n              }\n            }\n          }\n        }\n      }\n      ... on PublicationUnderDevelopment {\n        message\n      }\n    }\n  }\n}": types.RecordCountHistoryDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ProjectIncidents($projectId: ID!, $filter: TicketFilter, $first: Int, $after: String) {\n  project(id: $projectId) {\n    incidents(filter: $filter, first: $first, after: $after) {\n      __typename\n      ... on IncidentConnection {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            number\n            shortDescription\n            state\n            priority\n            openedAt\n            closedAt\n          }\n        }\n      }\n      ... on PublicationUnderDevelopment {\n        message\n      }\n    }\n  }\n}"): (typeof documents)["query ProjectIncidents($projectId: ID!, $filter: TicketFilter, $first: Int, $after: String) {\n  project(id: $projectId) {\n    incidents(filter: $filter, first: $first, after: $after) {\n      __typename\n      ... on IncidentConnection {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          cursor\n          node {\n            number\n            shortDescription\n            state\n            priority\n            openedAt\n            closedAt\n          }\n        }\n      }\n      ... on PublicationUnderDevelopment {\n        message\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ProjectOverview {\n  me {\n    id\n    displayName\n  }\n  projects {\n    id\n    code\n    name\n    studyRecordCounts {\n      __typename\n      ... on StudyRecordCounts {\n        date\n      }\n      ... on PublicationUnderDevelopment {\n        message\n        expectedAvailability\n      }\n    }\n    incidents(first: 5) {\n      __typename\n      ... on IncidentConnection {\n        totalCount\n        edges {\n          node {\n            number\n            state\n            priority\n            shortDescription\n            openedAt\n          }\n        }\n      }\n    }\n  }\n  publications {\n    id\n    state\n    lastCollectedAt\n  }\n}"): (typeof documents)["query ProjectOverview {\n  me {\n    id\n    displayName\n  }\n  projects {\n    id\n    code\n    name\n    studyRecordCounts {\n      __typename\n      ... on StudyRecordCounts {\n        date\n      }\n      ... on PublicationUnderDevelopment {\n        message\n        expectedAvailability\n      }\n    }\n    incidents(first: 5) {\n      __typename\n      ... on IncidentConnection {\n        totalCount\n        edges {\n          node {\n            number\n            state\n            priority\n            shortDescription\n            openedAt\n          }\n        }\n      }\n    }\n  }\n  publications {\n    id\n    state\n    lastCollectedAt\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RecordCountHistory($projectId: ID!, $from: Date!, $to: Date!, $components: [ComponentId!]) {\n  project(id: $projectId) {\n    code\n    name\n    studyRecordCountHistory(from: $from, to: $to, components: $components) {\n      __typename\n      ... on StudyRecordCountHistory {\n        from\n        to\n        series {\n          component {\n            id\n            name\n          }\n          points {\n            date\n            count {\n              __typename\n              ... on ExactCount {\n                value\n              }\n              ... on NotCollected {\n                reason\n              }\n            }\n          }\n        }\n      }\n      ... on PublicationUnderDevelopment {\n        message\n      }\n    }\n  }\n}"): (typeof documents)["query RecordCountHistory($projectId: ID!, $from: Date!, $to: Date!, $components: [ComponentId!]) {\n  project(id: $projectId) {\n    code\n    name\n    studyRecordCountHistory(from: $from, to: $to, components: $components) {\n      __typename\n      ... on StudyRecordCountHistory {\n        from\n        to\n        series {\n          component {\n            id\n            name\n          }\n          points {\n            date\n            count {\n              __typename\n              ... on ExactCount {\n                value\n              }\n              ... on NotCollected {\n                reason\n              }\n            }\n          }\n        }\n      }\n      ... on PublicationUnderDevelopment {\n        message\n      }\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;