/**
 * npm run schema:check
 *
 * 1. Composes the supergraph from the subgraphs: composition errors fail, hints are listed.
 * 2. Compares the composed API schema with schema/api.graphql in the working
 *    tree: every change is listed (breaking, dangerous, safe, each with its
 *    path), and a breaking change fails unless schema/breaking-changes.yaml
 *    records it as intended.
 * 3. Walks the git history of schema/api.graphql since the record file was
 *    added: a breaking change between two committed versions fails the same way.
 *
 * Exit code 0 when all is well, 1 otherwise.
 */
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import {
  API_SCHEMA_FILE,
  apiSchemaHistory,
  BREAKING_CHANGES_FILE,
  composeSupergraph,
  CompositionError,
  diffApiSchemas,
  formatChanges,
  matchRecords,
  readBreakingChangeRecords,
  unrecordedAdvice,
  unrecordedBreakingChanges,
  type SchemaChange,
} from '../compose/supergraph.js'

const relative = (file: string) => path.relative(process.cwd(), file) || file
const apiFile = relative(API_SCHEMA_FILE)
const recordFile = relative(BREAKING_CHANGES_FILE)

async function main(): Promise<number> {
  let failed = false
  const unrecorded: SchemaChange[] = []

  // The record file first: without it no breaking change can pass.
  const records = readBreakingChangeRecords()
  if (!records.exists) console.log(`${recordFile}: none yet, so no breaking change is recorded as intended.`)
  else if (records.problems.length > 0) {
    failed = true
    console.log(`${recordFile}: ${records.problems.length} problem${records.problems.length === 1 ? '' : 's'}:`)
    for (const problem of records.problems) console.log(`  ${problem}`)
  } else console.log(`${recordFile}: ${records.records.length} recorded breaking change${records.records.length === 1 ? '' : 's'}.`)

  console.log('\n== Composition')
  let apiSdl: string | null = null
  try {
    const composed = await composeSupergraph()
    apiSdl = composed.apiSdl
    console.log(
      `The subgraphs compose; ${composed.hints.length} hint${composed.hints.length === 1 ? '' : 's'}${composed.hints.length ? ':' : '.'}`,
    )
    for (const hint of composed.hints) console.log(`  - ${hint}`)
  } catch (error) {
    if (!(error instanceof CompositionError)) throw error
    failed = true
    console.log(error.message)
  }

  console.log(`\n== The composed API schema against ${apiFile}`)
  const committed = await readFile(API_SCHEMA_FILE, 'utf8').catch(() => null)
  if (committed === null) {
    failed = true
    console.log(`${apiFile} is missing: run "npm run compose" and commit it.`)
  } else if (apiSdl !== null) {
    const changes = matchRecords(await diffApiSchemas(committed, apiSdl), records.records)
    const missing = unrecordedBreakingChanges(changes)
    if (changes.length === 0) console.log('No change.')
    else {
      console.log(formatChanges(changes))
      // compose refuses to write an unrecorded breaking change: the advice at the end comes first.
      if (missing.length === 0) console.log(`Run "npm run compose" to write them into ${apiFile}.`)
    }
    unrecorded.push(...missing)
  }

  console.log(`\n== The history of ${apiFile}`)
  const history = await apiSchemaHistory()
  if (!history.checked) console.log(`Not checked: ${history.reason}. Only the working tree was compared.`)
  else {
    console.log(
      `${history.steps.length} commit${history.steps.length === 1 ? '' : 's'} changed it since ${recordFile} was added (${history.since.slice(0, 12)}).`,
    )
    for (const step of history.steps) {
      const changes = matchRecords(step.changes, records.records)
      const missing = unrecordedBreakingChanges(changes)
      const counts = (['breaking', 'dangerous', 'safe'] as const)
        .map((level) => [level, changes.filter((c) => c.level === level).length] as const)
        .filter(([, n]) => n > 0)
        .map(([level, n]) => `${n} ${level}`)
      console.log(
        `  ${step.commit.slice(0, 12)} ${step.subject}: ${counts.join(', ') || 'no change to the schema'}${missing.length ? ', NOT RECORDED:' : ''}`,
      )
      if (missing.length > 0) console.log(formatChanges(missing, '    '))
      for (const change of missing) {
        if (!unrecorded.some((u) => u.path === change.path && u.message === change.message)) unrecorded.push(change)
      }
    }
    if (history.incomplete) console.log(`  Incomplete: ${history.incomplete}.`)
  }

  console.log('')
  if (unrecorded.length > 0) {
    failed = true
    console.log(unrecordedAdvice(unrecorded))
    console.log('')
  }
  console.log(failed ? 'Schema check failed.' : 'Schema check passed.')
  return failed ? 1 : 0
}

process.exitCode = await main()
