/**
 * npm run compose            writes schema/supergraph.graphql and schema/api.graphql,
 *                            unless the new API schema has a breaking change that
 *                            schema/breaking-changes.yaml does not record
 * npm run compose -- --check fails when the committed files are stale
 */
import { readFile, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import {
  API_SCHEMA_FILE,
  BREAKING_CHANGES_FILE,
  composeSupergraph,
  CompositionError,
  diffApiSchemas,
  formatChanges,
  matchRecords,
  readBreakingChangeRecords,
  SUPERGRAPH_FILE,
  unrecordedAdvice,
  unrecordedBreakingChanges,
} from '../compose/supergraph.js'

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
  const current = await readFile(API_SCHEMA_FILE, 'utf8').catch(() => null)
  if (current !== null && current !== composed.apiSdl) {
    const changes = await diffApiSchemas(current, composed.apiSdl)
    if (changes.some((c) => c.level === 'breaking')) {
      const records = readBreakingChangeRecords()
      const recordFile = path.relative(process.cwd(), BREAKING_CHANGES_FILE)
      if (records.problems.length > 0) {
        console.error(`Not written: the new API schema has breaking changes, and ${recordFile} has problems:`)
        console.error(records.problems.map((p) => `  ${p}`).join('\n'))
        return 1
      }
      const checked = matchRecords(changes, records.records)
      const unrecorded = unrecordedBreakingChanges(checked)
      if (unrecorded.length > 0) {
        console.error(
          `Not written: the new API schema breaks ${path.relative(process.cwd(), API_SCHEMA_FILE)}.\n${formatChanges(checked)}\n`,
        )
        console.error(unrecordedAdvice(unrecorded))
        return 1
      }
    }
  }
  // Each file whole or not at all: written beside itself, then renamed over it, so a router that
  // reloads the supergraph when it changes never reads half of one.
  for (const [file, content] of files) {
    const next = `${file}.${process.pid}.tmp`
    await writeFile(next, content)
    await rename(next, file)
  }
  console.log(`Wrote ${files.map(([f]) => f).join(' and ')} (${composed.hints.length} composition hints; --hints lists them).`)
  return 0
}

process.exitCode = await main()
