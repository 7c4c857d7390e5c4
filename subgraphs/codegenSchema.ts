/**
 * The schema GraphQL Code Generator reads to write an SDL-first subgraph's
 * resolver types (see codegen.yml): the subgraph's SDL exactly as it serves
 * it (its schema.graphql with the shared SDL), plus the Federation 1
 * directives it uses, which @mercuriusjs/federation declares at run time.
 * Used by codegen only, as a custom schema loader.
 */
import path from 'node:path'
import { parse, type DocumentNode } from 'graphql'
import { subgraphByName } from './index.js'

/** The Federation 1 declarations the SDL uses, as @mercuriusjs/federation adds them at run time. */
const FEDERATION_1_SDL = `
scalar _FieldSet
directive @external on FIELD_DEFINITION
directive @requires(fields: _FieldSet!) on FIELD_DEFINITION
directive @provides(fields: _FieldSet!) on FIELD_DEFINITION
directive @key(fields: _FieldSet!) on OBJECT | INTERFACE
`

/** The pointer is the subgraph's schema file, `subgraphs/<name>/schema.graphql`; the answer is that subgraph's whole SDL. */
export default async function loadSubgraphSchema(pointer: string): Promise<DocumentNode> {
  const name = path.basename(path.dirname(pointer))
  const { sdl } = await subgraphByName(name).buildSchema()
  return parse(`${sdl}\n${FEDERATION_1_SDL}`)
}
