/**
 * Apollo Client's cache against the gateway, as a frontend runs it: tickets are
 * kept once each under Incident:<id> and ServiceRequest:<id>, and the fields
 * asked for under `... on Ticket` are read only with the generated
 * possibleTypes (client/generated/possibleTypes.ts), which the example client uses.
 */
import { readFileSync } from 'node:fs'
import { ApolloClient, gql, HttpLink, InMemoryCache } from '@apollo/client'
import { buildSchema, isAbstractType } from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCache, possibleTypes } from '../client/apollo.js'
import { listOpenTickets, ticketsClient } from '../examples/open-tickets.js'
import { loadPublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import { startTestGraph, type TestGraph } from './helpers/graph.js'

const TICKETS = gql`
  fragment TicketCard on Ticket {
    id
    number
    state
    affectedComponent {
      id
      name
    }
  }
  query TicketCards($projectId: ID!) {
    project(id: $projectId) {
      id
      incidents(first: 5) {
        ... on IncidentConnection {
          edges {
            node {
              __typename
              ...TicketCard
            }
          }
        }
      }
      requests(first: 5) {
        ... on ServiceRequestConnection {
          edges {
            node {
              __typename
              ...TicketCard
            }
          }
        }
      }
    }
  }
`

describe('Apollo Client against the gateway', () => {
  let t: TestGraph
  let expected: { incidents: any[]; requests: any[] }
  beforeAll(async () => {
    t = await startTestGraph({ registry: loadPublicationRegistry({ available: 'ALL' }) })
    const res = await t.query(`{ project(id: "prj-0001") {
      incidents(first: 5) { ... on IncidentConnection { edges { node { __typename id number state affectedComponent { __typename id name } } } } }
      requests(first: 5) { ... on ServiceRequestConnection { edges { node { __typename id number state affectedComponent { __typename id name } } } } } } }`)
    expected = {
      incidents: res.body.data!.project.incidents.edges.map((e: any) => e.node),
      requests: res.body.data!.project.requests.edges.map((e: any) => e.node),
    }
    expect(expected.incidents.length).toBeGreaterThan(0)
    expect(expected.requests.length).toBeGreaterThan(0)
  })
  afterAll(async () => {
    await t?.close()
  })

  const client = (cache: InMemoryCache) =>
    new ApolloClient({ cache, link: new HttpLink({ uri: t.graph.graphqlUrl, headers: { authorization: `Bearer ${t.demoToken}` } }) })

  it('reads the fields under ... on Ticket and keeps each ticket once under its type and id, with the generated possibleTypes', async () => {
    const cache = createCache()
    const { data } = await client(cache).query({ query: TICKETS, variables: { projectId: 'prj-0001' } })
    const project = (data as any).project
    expect(project.incidents.edges.map((e: any) => e.node)).toEqual(expected.incidents)
    expect(project.requests.edges.map((e: any) => e.node)).toEqual(expected.requests)

    const stored = cache.extract() as Record<string, any>
    for (const ticket of [...expected.incidents, ...expected.requests]) {
      expect(stored[`${ticket.__typename}:${ticket.id}`]).toMatchObject({
        __typename: ticket.__typename,
        id: ticket.id,
        number: ticket.number,
      })
    }
    // The edges refer to the normalised tickets rather than holding copies.
    const [edge] = stored['ResearchProject:prj-0001'][`incidents({"first":5})`].edges
    expect(edge.node).toEqual({ __ref: `Incident:${expected.incidents[0].id}` })
    // A ticket's component is the Component entity, shared by every ticket naming it.
    const component = expected.incidents.find((i) => i.affectedComponent)?.affectedComponent
    if (component) expect(stored[`Component:${component.id}`]).toMatchObject({ name: component.name })
  })

  it('drops the fields under ... on Ticket without possibleTypes', async () => {
    const cache = new InMemoryCache()
    const { data } = await client(cache).query({ query: TICKETS, variables: { projectId: 'prj-0001' }, errorPolicy: 'all' })
    // Apollo cannot tell that an Incident is a Ticket: the fragment's fields reach neither the result nor the cache.
    const project = (data as any).project
    expect(project.incidents.edges.map((e: any) => e.node)).toEqual(expected.incidents.map(() => ({ __typename: 'Incident' })))
    expect(project.requests.edges.map((e: any) => e.node)).toEqual(expected.requests.map(() => ({ __typename: 'ServiceRequest' })))
    const stored = cache.extract() as Record<string, any>
    expect(stored[`Incident:${expected.incidents[0].id}`]).toEqual({ __typename: 'Incident', id: expected.incidents[0].id })
  })

  it('generates possibleTypes for every interface and union of the API schema', () => {
    const schema = buildSchema(readFileSync('schema/api.graphql', 'utf8'))
    const abstract = Object.values(schema.getTypeMap()).filter(isAbstractType)
    expect(Object.keys(possibleTypes).sort()).toEqual(abstract.map((type) => type.name).sort())
    for (const type of abstract)
      expect(possibleTypes[type.name]).toEqual(
        schema
          .getPossibleTypes(type)
          .map((m) => m.name)
          .sort(),
      )
    expect(possibleTypes.Ticket).toEqual(['Incident', 'ServiceRequest'])
  })

  it('runs the example client: its open tickets come through the fragment on Ticket', async () => {
    const res = await t.query(`{ project(id: "prj-0001") {
      incidents(first: 20, filter: { states: [NEW, IN_PROGRESS, ON_HOLD] }) { ... on IncidentConnection { edges { node { number } } } }
      requests(first: 20, filter: { states: [NEW, IN_PROGRESS, ON_HOLD] }) { ... on ServiceRequestConnection { edges { node { number } } } } } }`)
    const numbers = [...res.body.data!.project.incidents.edges, ...res.body.data!.project.requests.edges].map((e: any) => e.node.number)
    expect(numbers.length).toBeGreaterThan(0)
    const listing = await listOpenTickets(ticketsClient(t.graph.graphqlUrl, t.demoToken), 'prj-0001')
    const lines = listing.split('\n').slice(1)
    expect(lines).toHaveLength(numbers.length)
    for (const [i, number] of numbers.entries()) expect(lines[i]).toMatch(new RegExp(`^  ${number}\\b.*https://`))
  })
})
