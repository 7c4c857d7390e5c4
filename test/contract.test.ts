/**
 * The supergraph's API schema must contain the whole public contract, names and
 * types as written. Also: the committed supergraph is what the subgraphs compose to.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { API_SCHEMA_FILE, composeSupergraph, SUPERGRAPH_FILE } from '../compose/supergraph.js'
import { contractProblemsFromSdl } from './contract.js'

const shared = path.resolve(import.meta.dirname, '../../shared/contract/hd4res.graphql')
const committedCopy = path.resolve(import.meta.dirname, '../schema/contract.graphql')
const contract = readFileSync(existsSync(shared) ? shared : committedCopy, 'utf8')

describe('the public contract', () => {
  it('is fully contained in the committed API schema', () => {
    expect(contractProblemsFromSdl(contract, readFileSync(API_SCHEMA_FILE, 'utf8'))).toEqual([])
  })

  it('is fully contained in a fresh composition of the subgraphs, which matches the committed files', async () => {
    const composed = await composeSupergraph()
    expect(contractProblemsFromSdl(contract, composed.apiSdl)).toEqual([])
    expect(composed.supergraphSdl).toBe(readFileSync(SUPERGRAPH_FILE, 'utf8'))
    expect(composed.apiSdl).toBe(readFileSync(API_SCHEMA_FILE, 'utf8'))
  })

  it('the committed copy of the contract is the shared one', () => {
    if (existsSync(shared)) expect(readFileSync(committedCopy, 'utf8')).toBe(readFileSync(shared, 'utf8'))
    else expect(readFileSync(committedCopy, 'utf8')).toContain('type ResearchProject')
  })

  it('the check catches a missing field, a retyped field, a missing enum value and a required new argument', () => {
    const api = readFileSync(API_SCHEMA_FILE, 'utf8')
    const broken = api
      .replace(/\n {2}shortDescription: String!\n/, '\n  shortDescription: String\n')
      .replace('lastCollectedAt: DateTime', 'lastCollected: DateTime')
      .replace(/\n {2}HD_MDM\n/, '\n')
      .replace('studyRecordCounts(', 'studyRecordCounts(mode: String!, ')
    const problems = contractProblemsFromSdl(contract, broken)
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/Ticket\.shortDescription is String, contract says String!/),
        'Publication.lastCollectedAt is missing',
        'enum ComponentId lacks HD_MDM',
        expect.stringMatching(/added argument "mode" is required/),
      ]),
    )
  })
})
