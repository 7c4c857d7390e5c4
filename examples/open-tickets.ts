/**
 * A project's open tickets through Apollo Client: one fragment on the Ticket
 * interface for what incidents and requests share, the cache from
 * client/apollo.ts (the generated possibleTypes), and each ticket's
 * component, SLA and portal link.
 *
 *   HD4RES_TOKEN=<token> npx tsx examples/open-tickets.ts <project id>
 *
 * HD4RES_URL overrides the endpoint (default http://localhost:4000/graphql).
 */
import { pathToFileURL } from 'node:url'
import { ApolloClient, gql, HttpLink, type TypedDocumentNode } from '@apollo/client'
import { createCache } from '../client/apollo.js'

interface TicketFields {
  __typename: 'Incident' | 'ServiceRequest'
  id: string
  number: string
  shortDescription: string
  state: string
  affectedComponent: { id: string; name: string } | null
  sla: { name: string; stage: string | null; dueAt: string | null; breached: boolean } | null
  portalUrl: string | null
  requestType?: string | null
}

interface OpenTicketsResult {
  project: {
    id: string
    code: string
    incidents: { __typename: string; message?: string; edges?: { node: TicketFields }[] }
    requests: { __typename: string; message?: string; edges?: { node: TicketFields }[] }
  } | null
}

export const OPEN_TICKETS: TypedDocumentNode<OpenTicketsResult, { projectId: string }> = gql`
  fragment OpenTicket on Ticket {
    id
    number
    shortDescription
    state
    affectedComponent {
      id
      name
    }
    sla {
      name
      stage
      dueAt
      breached
    }
    portalUrl
  }
  query OpenTickets($projectId: ID!) {
    project(id: $projectId) {
      id
      code
      incidents(first: 20, filter: { states: [NEW, IN_PROGRESS, ON_HOLD] }) {
        __typename
        ... on IncidentConnection {
          edges {
            node {
              ...OpenTicket
            }
          }
        }
        ... on PublicationUnderDevelopment {
          message
        }
        ... on PublicationTemporarilyUnavailable {
          message
        }
      }
      requests(first: 20, filter: { states: [NEW, IN_PROGRESS, ON_HOLD] }) {
        __typename
        ... on ServiceRequestConnection {
          edges {
            node {
              ...OpenTicket
              requestType
            }
          }
        }
        ... on PublicationUnderDevelopment {
          message
        }
        ... on PublicationTemporarilyUnavailable {
          message
        }
      }
    }
  }
`

export function ticketsClient(endpoint: string, token: string): ApolloClient {
  return new ApolloClient({ cache: createCache(), link: new HttpLink({ uri: endpoint, headers: { authorization: `Bearer ${token}` } }) })
}

/** One line per open ticket: number, state, component, SLA, link. */
export function ticketLine(t: TicketFields): string {
  const sla = t.sla ? `${t.sla.name}: ${t.sla.stage ?? 'unknown stage'}${t.sla.breached ? ', breached' : ''}` : 'no SLA'
  const type = t.requestType ? ` [${t.requestType}]` : ''
  return `${t.number}${type} ${t.state} · ${t.affectedComponent?.name ?? 'no component'} · ${sla} · ${t.shortDescription} ${t.portalUrl ?? ''}`.trim()
}

export async function listOpenTickets(client: ApolloClient, projectId: string): Promise<string> {
  const { data } = await client.query({ query: OPEN_TICKETS, variables: { projectId } })
  const project = data?.project
  if (!project) return `No project ${projectId} among yours`
  const lines = [`${project.code}: open tickets`]
  for (const list of [project.incidents, project.requests]) {
    if (!list.edges) lines.push(`  ${list.message}`)
    else for (const { node } of list.edges) lines.push(`  ${ticketLine(node)}`)
  }
  return lines.join('\n')
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [projectId] = process.argv.slice(2)
  const token = process.env.HD4RES_TOKEN
  if (!projectId || !token) {
    console.error('Usage: HD4RES_TOKEN=<token> npx tsx examples/open-tickets.ts <project id>')
    process.exit(2)
  }
  console.log(await listOpenTickets(ticketsClient(process.env.HD4RES_URL ?? 'http://localhost:4000/graphql', token), projectId))
}
