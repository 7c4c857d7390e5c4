/**
 * Composing the supergraph from the subgraphs' SDL, and reading the committed
 * one. The committed file carries placeholder addresses: the real ones come
 * from configuration when the gateway starts.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { composeServices } from '@apollo/composition'
import { parse, printSchema } from 'graphql'
import { SUBGRAPHS } from '../subgraphs/index.js'

export const SCHEMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../schema')
export const SUPERGRAPH_FILE = path.join(SCHEMA_DIR, 'supergraph.graphql')
export const API_SCHEMA_FILE = path.join(SCHEMA_DIR, 'api.graphql')

/** The address written into the committed supergraph; replaced at start-up. */
export const placeholderUrl = (name: string) => `http://${name}.subgraph.invalid/graphql`

export interface Composition {
  supergraphSdl: string
  apiSdl: string
  hints: string[]
}

export class CompositionError extends Error {
  constructor(readonly errors: string[]) {
    super(`Composition failed:\n${errors.map((e) => `  - ${e}`).join('\n')}`)
    this.name = 'CompositionError'
  }
}

export async function composeSupergraph(): Promise<Composition> {
  const services = await Promise.all(
    SUBGRAPHS.map(async (subgraph) => ({
      name: subgraph.name,
      url: placeholderUrl(subgraph.name),
      typeDefs: parse((await subgraph.buildSchema()).sdl),
    })),
  )
  const result = composeServices(services)
  if (result.errors) throw new CompositionError(result.errors.map((e) => e.message))
  const apiSchema = result.schema.toAPISchema().toGraphQLJSSchema()
  return {
    supergraphSdl: `${result.supergraphSdl.trimEnd()}\n`,
    apiSdl: `${printSchema(apiSchema).trimEnd()}\n`,
    hints: result.hints.map((h) => h.toString()),
  }
}

export function readCommittedSupergraph(): string {
  try {
    return readFileSync(SUPERGRAPH_FILE, 'utf8')
  } catch {
    throw new Error(`No supergraph at ${SUPERGRAPH_FILE}: run "npm run compose" first`)
  }
}
