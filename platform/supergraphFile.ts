/**
 * The committed supergraph, read without composing anything: what a gateway
 * needs at start-up, with none of the subgraphs' code loaded.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const SCHEMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schema')
export const SUPERGRAPH_FILE = path.join(SCHEMA_DIR, 'supergraph.graphql')

/** The address written into the committed supergraph; replaced at start-up. */
export const placeholderUrl = (name: string) => `http://${name}.subgraph.invalid/graphql`

export function readCommittedSupergraph(): string {
  try {
    return readFileSync(SUPERGRAPH_FILE, 'utf8')
  } catch {
    throw new Error(`No supergraph at ${SUPERGRAPH_FILE}: run "npm run compose" first`)
  }
}

/** The subgraph names a supergraph joins (its join__Graph values). */
export function subgraphNamesIn(supergraphSdl: string): string[] {
  return [...supergraphSdl.matchAll(/@join__graph\(name: "([^"]+)"/g)].map((m) => m[1]!)
}
