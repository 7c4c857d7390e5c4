/**
 * The guard on the API schema: which changes break frontends, how a team
 * records one as intended, the history of the committed schema, and the
 * whole path a developer takes when a subgraph changes a field's type.
 */
import { execFile, execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, describe, expect, it } from 'vitest'
import {
  apiSchemaHistory,
  diffApiSchemas,
  formatChanges,
  matchRecords,
  parseBreakingChangeRecords,
  recordTemplate,
  unrecordedAdvice,
  unrecordedBreakingChanges,
} from '../compose/supergraph.js'

const root = path.resolve(import.meta.dirname, '..')
const temporary: string[] = []
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  temporary.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true })
})

const BEFORE = `type Query {
  project(id: ID!): ResearchProject
}

type ResearchProject {
  id: ID!
  recordCounts: Int!
}
`
const RETYPED = BEFORE.replace('recordCounts: Int!', 'recordCounts: String!')
const WITH_NAME = BEFORE.replace('recordCounts: Int!', 'recordCounts: Int!\n  name: String')
const RETYPE_MESSAGE = "Field 'ResearchProject.recordCounts' changed type from 'Int!' to 'String!'"

const recordFile = (entries: string) => `# intended breaking changes\n${entries}`

describe('the schema check', () => {
  it('reports a retyped field as breaking, names it, and fails while it is not recorded', async () => {
    const changes = matchRecords(await diffApiSchemas(BEFORE, RETYPED), [])
    expect(changes).toEqual([{ level: 'breaking', path: 'ResearchProject.recordCounts', message: RETYPE_MESSAGE }])
    expect(unrecordedBreakingChanges(changes)).toHaveLength(1)
    const report = formatChanges(changes)
    expect(report).toContain('Breaking (1):')
    expect(report).toContain(`ResearchProject.recordCounts: ${RETYPE_MESSAGE}  [NOT RECORDED]`)
    // The advice carries the entry to paste, with the reason left for the team to write.
    const advice = unrecordedAdvice(unrecordedBreakingChanges(changes))
    expect(advice).toContain('- path: "ResearchProject.recordCounts"')
    expect(advice).toContain('reason: ""')
  })

  it('passes a retyped field that the record file lists as intended', async () => {
    const file = recordFile(
      recordTemplate([{ level: 'breaking', path: 'ResearchProject.recordCounts', message: RETYPE_MESSAGE }], '2026-11-22').replace(
        'reason: ""',
        'reason: "Counts are text now; frontends parse them"',
      ),
    )
    const records = parseBreakingChangeRecords(file, 'breaking-changes.yaml')
    expect(records.problems).toEqual([])
    expect(records.records).toEqual([
      {
        path: 'ResearchProject.recordCounts',
        message: RETYPE_MESSAGE,
        reason: 'Counts are text now; frontends parse them',
        date: '2026-11-22',
        line: 2,
      },
    ])
    const changes = matchRecords(await diffApiSchemas(BEFORE, RETYPED), records.records)
    expect(unrecordedBreakingChanges(changes)).toEqual([])
    expect(formatChanges(changes)).toContain('[recorded 2026-11-22: Counts are text now; frontends parse them]')
  })

  it('lists an added field as safe', async () => {
    const changes = matchRecords(await diffApiSchemas(BEFORE, WITH_NAME), [])
    expect(changes).toEqual([
      { level: 'safe', path: 'ResearchProject.name', message: "Field 'name' was added to object type 'ResearchProject'" },
    ])
    expect(unrecordedBreakingChanges(changes)).toEqual([])
    expect(formatChanges(changes)).toBe("  Safe (1):\n    ResearchProject.name: Field 'name' was added to object type 'ResearchProject'")
  })

  it('groups breaking, dangerous and safe changes, each with its path', async () => {
    const before = `type Query { a: Int, b: Int, e: E }\nenum E { X }\n`
    const after = `type Query { a: String, c: Int, e: E }\nenum E { X Y }\n`
    const report = formatChanges(matchRecords(await diffApiSchemas(before, after), []))
    expect(report.split('\n')).toEqual([
      '  Breaking (2):',
      "    Query.a: Field 'Query.a' changed type from 'Int' to 'String'  [NOT RECORDED]",
      "    Query.b: Field 'b' was removed from object type 'Query'  [NOT RECORDED]",
      '  Dangerous (1):',
      "    E.Y: Enum value 'Y' was added to enum 'E'",
      '  Safe (1):',
      "    Query.c: Field 'c' was added to object type 'Query'",
    ])
  })

  it('reports every bad entry of the record file with its line', () => {
    const file = [
      '# intended breaking changes', //                                    1
      '- path: ResearchProject.recordCounts', //                           2
      `  message: "${RETYPE_MESSAGE}"`, //                                  3
      '  reason: Counts are text now', //                                  4
      '  date: 2026-11-22', //                                             5
      '- path: Query.b', //                                                6
      "  message: Field 'b' was removed from object type 'Query'", //      7
      '  date: 2026-11-22', //                                             8
      '- path: Query.a', //                                                9
      '  message: changed', //                                             10
      '  reason: because', //                                              11
      '  date: 2026-02-30', //                                             12
      '- path: Query.c', //                                                13
      '  message: removed', //                                             14
      '  reason: because', //                                              15
      '  date: 2026-11-22', //                                             16
      '  approvedBy: someone', //                                          17
      '- just a sentence', //                                              18
      '- path: ResearchProject.recordCounts', //                           19
      `  message: "${RETYPE_MESSAGE}"`, //                                  20
      '  reason: Recorded twice', //                                       21
      '  date: 2026-11-23', //                                             22
    ].join('\n')
    const records = parseBreakingChangeRecords(file, 'schema/breaking-changes.yaml')
    expect(records.problems).toEqual([
      'schema/breaking-changes.yaml:6: reason is missing',
      'schema/breaking-changes.yaml:12: date must be a real calendar date written YYYY-MM-DD',
      'schema/breaking-changes.yaml:17: unknown setting approvedBy; an entry has path, message, reason and date',
      'schema/breaking-changes.yaml:18: an entry must be a mapping with path, message, reason and date',
      'schema/breaking-changes.yaml:19: the same change is already recorded at line 2',
    ])
    // The good entry still counts.
    expect(records.records.map((r) => r.line)).toEqual([2])

    expect(parseBreakingChangeRecords('path: X\n', 'f.yaml').problems).toEqual([
      'f.yaml:1: expected a list of entries, each with path, message, reason and date',
    ])
    expect(parseBreakingChangeRecords('- path: X\n  message: [unclosed\n', 'f.yaml').problems[0]).toMatch(/^f\.yaml:\d+: not valid YAML: /)
    expect(parseBreakingChangeRecords('# nothing recorded yet\n', 'f.yaml')).toMatchObject({ records: [], problems: [] })
  })

  it('checks every committed version of the API schema since the record file was added', async () => {
    const repo = tempDir('hd4res-schema-history-')
    mkdirSync(path.join(repo, 'schema'))
    const api = path.join(repo, 'schema/api.graphql')
    const records = path.join(repo, 'schema/breaking-changes.yaml')
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=Schema Check', '-c', 'user.email=schema@example.org', '-c', 'commit.gpgsign=false', ...args], {
        cwd: repo,
        encoding: 'utf8',
      })
    const commit = (message: string) => {
      git('add', '-A')
      git('commit', '-q', '-m', message)
      return git('rev-parse', 'HEAD').trim()
    }
    git('init', '-q')
    writeFileSync(api, BEFORE.replace('recordCounts: Int!', 'recordCounts: Int!\n  old: Int'))
    commit('First schema')
    // A break before the record file existed is history the check leaves alone.
    writeFileSync(api, BEFORE)
    commit('Drop ResearchProject.old')
    writeFileSync(records, '# intended breaking changes\n')
    const since = commit('Record intended breaking changes')
    writeFileSync(api, RETYPED)
    const retyped = commit('Counts as text')
    writeFileSync(api, RETYPED.replace('recordCounts: String!', 'recordCounts: String!\n  name: String'))
    const named = commit('Project names')

    const history = await apiSchemaHistory(api, records)
    expect(history).toEqual({
      checked: true,
      since,
      steps: [
        {
          commit: retyped,
          subject: 'Counts as text',
          changes: [{ level: 'breaking', path: 'ResearchProject.recordCounts', message: RETYPE_MESSAGE }],
        },
        {
          commit: named,
          subject: 'Project names',
          changes: [{ level: 'safe', path: 'ResearchProject.name', message: "Field 'name' was added to object type 'ResearchProject'" }],
        },
      ],
    })
    if (!history.checked) throw new Error('history should be checked')
    expect(unrecordedBreakingChanges(matchRecords(history.steps[0]!.changes, []))).toHaveLength(1)
    // Recording it afterwards (in the working tree's record file) settles it.
    const recorded = parseBreakingChangeRecords(
      recordTemplate(history.steps[0]!.changes, '2026-11-22').replace('reason: ""', 'reason: Counts are text now'),
      records,
    )
    expect(unrecordedBreakingChanges(matchRecords(history.steps[0]!.changes, recorded.records))).toEqual([])

    // Outside a repository, or before the record file is committed, the history is not checked, and the answer says why.
    const bare = tempDir('hd4res-schema-nogit-')
    expect(await apiSchemaHistory(path.join(bare, 'api.graphql'), path.join(bare, 'breaking-changes.yaml'))).toMatchObject({
      checked: false,
    })
    rmSync(path.join(repo, 'schema/breaking-changes.yaml'))
    commit('Forget the record file')
    writeFileSync(path.join(repo, 'schema/other.yaml'), '')
    expect(await apiSchemaHistory(api, path.join(repo, 'schema/other.yaml'))).toEqual({
      checked: false,
      reason: 'schema/other.yaml is not committed yet; the history is checked from the commit that adds it',
    })
  })
})

const run = promisify(execFile)

async function command(cwd: string, file: string, args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(file, args, { cwd, maxBuffer: 16 * 1024 * 1024 })
    return { code: 0, out: stdout + stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, out: e.stdout + e.stderr }
  }
}

/** The repository's files without its dependencies, history or data, with the dependencies linked in. */
function copyOfRepository(): string {
  const copy = tempDir('hd4res-schema-change-')
  const skip = new Set(['node_modules', '.git', '.data', 'scratch', 'coverage', 'test-artifacts'])
  cpSync(root, copy, { recursive: true, filter: (source) => !skip.has(path.relative(root, source).split(path.sep)[0]!) })
  symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir')
  return copy
}

describe('changing a field type in a subgraph', () => {
  it("fails npm run schema:check, stops npm run compose, and breaks the typed client's compile, each naming the field", async () => {
    const copy = copyOfRepository()
    const bin = (name: string) => path.join(copy, 'node_modules/.bin', name)
    const schemaFile = path.join(copy, 'subgraphs/support/schema.graphql')
    const apiFile = path.join(copy, 'schema/api.graphql')
    const field = 'IncidentConnection.edges'
    const message = "Field 'IncidentConnection.edges' changed type from '[IncidentEdge!]!' to '[IncidentEdge!]'"

    // A page of incidents may now come without its edges.
    const sdl = readFileSync(schemaFile, 'utf8')
    expect(sdl).toContain('\n  edges: [IncidentEdge!]!\n}\n\ntype ServiceRequestEdge')
    writeFileSync(
      schemaFile,
      sdl.replace('\n  edges: [IncidentEdge!]!\n}\n\ntype ServiceRequestEdge', '\n  edges: [IncidentEdge!]\n}\n\ntype ServiceRequestEdge'),
    )

    const check = await command(copy, bin('tsx'), ['bin/schema-check.ts'])
    expect(check.code, check.out).toBe(1)
    expect(check.out).toContain(`${field}: ${message}  [NOT RECORDED]`)
    expect(check.out).toContain('Not checked: git is not available or this is not a git repository')
    expect(check.out).toContain('Schema check failed.')

    const committedApi = readFileSync(apiFile, 'utf8')
    const compose = await command(copy, 'npm', ['run', '--silent', 'compose'])
    expect(compose.code, compose.out).toBe(1)
    expect(compose.out).toContain('Not written: the new API schema breaks schema/api.graphql.')
    expect(compose.out).toContain(`- path: "${field}"`)
    expect(readFileSync(apiFile, 'utf8')).toBe(committedApi)

    // Recorded as intended (the entries compose printed, with a reason), compose writes it and the check passes.
    const template = compose.out.slice(compose.out.indexOf('- path: ')).trim()
    writeFileSync(
      path.join(copy, 'schema/breaking-changes.yaml'),
      `${template.replace(/reason: "".*/g, 'reason: "Empty pages carry no edges; frontends must handle null"')}\n`,
    )
    const recompose = await command(copy, 'npm', ['run', '--silent', 'compose'])
    expect(recompose.code, recompose.out).toBe(0)
    expect(readFileSync(apiFile, 'utf8')).toContain('\n  edges: [IncidentEdge!]\n')
    const recheck = await command(copy, bin('tsx'), ['bin/schema-check.ts'])
    expect(recheck.code, recheck.out).toBe(0)

    // The typed client, regenerated from the new API schema, no longer compiles where it reads the field.
    const codegen = await command(copy, bin('graphql-codegen'), ['--config', 'codegen.yml'])
    expect(codegen.code, codegen.out).toBe(0)
    writeFileSync(
      path.join(copy, 'tsconfig.client.json'),
      JSON.stringify({ extends: './tsconfig.json', include: ['client', 'test/typed-client.e2e.test.ts'] }),
    )
    const tsc = await command(copy, bin('tsc'), ['--noEmit', '--pretty', 'false', '-p', 'tsconfig.client.json'])
    expect(tsc.code, tsc.out).not.toBe(0)
    expect(tsc.out).toMatch(/test\/typed-client\.e2e\.test\.ts\(\d+,\d+\): error TS\d+: '[\w.]*incidents\.edges' is possibly 'null'/)
  }, 120_000)
})
