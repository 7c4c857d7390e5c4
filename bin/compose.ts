/**
 * npm run compose            writes schema/supergraph.graphql and schema/api.graphql
 * npm run compose -- --check fails when the committed files are stale
 */
import { readFile, writeFile } from 'node:fs/promises'
import { API_SCHEMA_FILE, composeSupergraph, CompositionError, SUPERGRAPH_FILE } from '../gateway/supergraph.js'

const check = process.argv.includes('--check')

async function main(): Promise<number> {
  let composed
  try {
    composed = await composeSupergraph()
  } catch (error) {
    if (error instanceof CompositionError) {
      console.error(error.message)
      return 1
    }
    throw error
  }
  if (composed.hints.length > 0 && process.argv.includes('--hints')) {
    console.log(`Composition hints:\n${composed.hints.map((h) => `  - ${h}`).join('\n')}`)
  }
  const files: [string, string][] = [
    [SUPERGRAPH_FILE, composed.supergraphSdl],
    [API_SCHEMA_FILE, composed.apiSdl],
  ]
  if (check) {
    const stale: string[] = []
    for (const [file, content] of files) {
      const committed = await readFile(file, 'utf8').catch(() => '')
      if (committed !== content) stale.push(file)
    }
    if (stale.length > 0) {
      console.error(`Stale: ${stale.join(', ')}. Run "npm run compose" and commit the result.`)
      return 1
    }
    console.log('The committed supergraph and API schema match the subgraphs.')
    return 0
  }
  for (const [file, content] of files) await writeFile(file, content)
  console.log(`Wrote ${files.map(([f]) => f).join(' and ')} (${composed.hints.length} composition hints; --hints lists them).`)
  return 0
}

process.exitCode = await main()
