/**
 * The benchmark's forwarding floor (bench/floor.ts) sends exactly the fetches
 * of the query plan, each distinct entity once, and merges the answers back
 * where the plan's paths say: otherwise it would be no floor for the
 * gateways it is compared with.
 */
import { describe, expect, it } from 'vitest'
import { executePlan, planQueries, type Send } from '../bench/floor.js'
import { readCommittedSupergraph } from '../platform/supergraphFile.js'

const query = `query Incidents($id: ID!) { project(id: $id) { code
  incidents(first: 3) { ... on IncidentConnection { totalCount edges { node { number affectedComponent { id name } } } } } } }`

describe('forwarding floor', () => {
  it('runs the plan: the root fetch, the entity fetches along the paths, each distinct entity once', async () => {
    const plan = planQueries(readCommittedSupergraph(), [query]).get(query)
    const sent: { service: string; variables: Record<string, unknown> }[] = []
    const send: Send = async (service, operation, variables): Promise<any> => {
      sent.push({ service, variables })
      if (service === 'participants') return { data: { project: { __typename: 'ResearchProject', id: 'prj-1', code: 'P1' } } }
      if (service === 'support') {
        const node = (number: string, id: string | null) => ({
          number,
          affectedComponent: id === null ? null : { __typename: 'Component', id },
        })
        return {
          data: {
            _entities: [
              {
                incidents: {
                  __typename: 'IncidentConnection',
                  totalCount: 3,
                  edges: [{ node: node('INC1', 'HD_MDM') }, { node: node('INC2', 'HD_MDM') }, { node: node('INC3', null) }],
                },
              },
            ],
          },
        }
      }
      if (service === 'components') {
        expect(operation).toContain('_entities')
        return { data: { _entities: [{ name: 'HD MDM' }] } }
      }
      throw new Error(`unexpected fetch to ${service}`)
    }
    const answer = await executePlan(plan, { id: 'prj-1' }, send)
    expect(sent.map((s) => s.service)).toEqual(['participants', 'support', 'components'])
    expect(sent[0]!.variables).toEqual({ id: 'prj-1' })
    expect(sent[1]!.variables).toEqual({ representations: [{ __typename: 'ResearchProject', id: 'prj-1' }] })
    // Two incidents name the same component: it is asked for once, and both get its name.
    expect(sent[2]!.variables).toEqual({ representations: [{ __typename: 'Component', id: 'HD_MDM' }] })
    expect(answer.errors).toBeUndefined()
    const edges = (answer.data as any).project.incidents.edges
    expect(edges.map((e: any) => e.node.affectedComponent?.name ?? null)).toEqual(['HD MDM', 'HD MDM', null])
    expect((answer.data as any).project.code).toBe('P1')
  })

  it('passes the subgraphs’ errors on', async () => {
    const plan = planQueries(readCommittedSupergraph(), [query]).get(query)
    const answer = await executePlan(plan, { id: 'prj-1' }, async () => ({ data: null, errors: [{ message: 'boom' }] }))
    expect(answer.errors).toEqual([{ message: 'boom' }])
  })
})
