/**
 * `npm run new:subgraph`, end to end, in a copy of the repository (without
 * node_modules, .git and .data; node_modules is linked): it creates a working
 * subgraph of each flavour, registers it, composes the graph with it, and the
 * generated tests pass there; it refuses bad and taken names, and when the
 * graph does not compose it leaves every file as it was.
 */
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildSchema, GraphQLEnumType, GraphQLObjectType } from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
/** Top-level entries the copy leaves out: dependencies (linked instead), history, local data and scratch output. */
const NOT_COPIED = new Set(['node_modules', '.git', '.data', 'scratch', 'coverage', 'test-artifacts'])

interface Run {
  code: number | null
  output: string
}

/** Runs a command in the copy and collects what it prints. */
function run(cwd: string, command: string, args: string[], timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    // The outer test runner's own variables would confuse a runner started inside it.
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'FORCE_COLOR'))
    const child = spawn(command, args, { cwd, env: { ...env, CI: 'true', NO_COLOR: '1' }, timeout: timeoutMs })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, output }))
  })
}

/** A fingerprint of every file in the copy, to prove that a refused run changed nothing. */
function fingerprint(dir: string): string {
  const hash = createHash('sha256')
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder).sort()) {
      if (folder === dir && NOT_COPIED.has(entry)) continue
      const full = path.join(folder, entry)
      if (statSync(full).isDirectory()) walk(full)
      else hash.update(`${path.relative(dir, full)}\0`).update(readFileSync(full))
    }
  }
  walk(dir)
  return hash.digest('hex')
}

describe('npm run new:subgraph', () => {
  let copy: string
  const scaffold = (...args: string[]) => run(copy, path.join(copy, 'node_modules', '.bin', 'tsx'), ['bin/new-subgraph.ts', ...args])
  const read = (file: string) => readFileSync(path.join(copy, file), 'utf8')
  const apiSchema = () => buildSchema(read('schema/api.graphql'))
  const projectFields = () => (apiSchema().getType('ResearchProject') as GraphQLObjectType).getFields()

  beforeAll(() => {
    copy = mkdtempSync(path.join(tmpdir(), 'hd4res-scaffold-'))
    cpSync(ROOT, copy, { recursive: true, filter: (source) => !NOT_COPIED.has(path.relative(ROOT, source)) })
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'), 'dir')
  })
  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true })
  })

  it('refuses an invalid, a reserved and a taken name, and changes nothing', async () => {
    const before = fingerprint(copy)
    const refusals: [string, RegExp][] = [
      ['Bad-Name', /Cannot create the subgraph "Bad-Name": not a valid name\. Use lower-case letters/],
      ['select', /"select": the name is a PostgreSQL key word/],
      ['gateway', /"gateway": the name is reserved/],
      ['records', /"records": the name is taken: subgraphs\/records\/ already exists/],
    ]
    for (const [name, message] of refusals) {
      const result = await scaffold(name)
      expect(result.code, result.output).toBe(1)
      expect(result.output).toMatch(message)
      expect(result.output).toMatch(/Nothing was changed/)
    }
    const usage = await scaffold('milestones', '--sdl', '--code-first')
    expect(usage.code).toBe(2)
    expect(usage.output).toMatch(/Choose one of --code-first and --sdl/)
    expect(fingerprint(copy)).toBe(before)
  })

  it('creates a code-first subgraph, registers it and composes the graph with its field', async () => {
    const result = await scaffold('milestones')
    expect(result.code, result.output).toBe(0)
    expect(result.output).toMatch(/Created the code-first \(type-graphql\) subgraph "milestones"/)
    for (const file of [
      'index.ts',
      'types.ts',
      'resolvers.ts',
      'loaders.ts',
      'store.ts',
      'migrations/001_entries.sql',
      'milestones.test.ts',
    ]) {
      expect(existsSync(path.join(copy, 'subgraphs/milestones', file)), file).toBe(true)
    }
    expect(existsSync(path.join(copy, 'subgraphs/milestones/schema.graphql'))).toBe(false)
    expect(read('subgraphs/index.ts')).toMatch(/import \{ milestonesSubgraph \} from '\.\/milestones\/index\.js'/)
    expect(read('subgraphs/index.ts')).toMatch(/^ {2}milestones: milestonesSubgraph,$/m)
    expect(read('subgraphs/kit/catalogue/publications.ts')).toMatch(/^ {2}MILESTONES: \{ sources: \[\] \},$/m)
    expect(read('config/publications.yaml')).toMatch(/^MILESTONES:\n {2}state: UNDER_DEVELOPMENT\n/m)
    expect(read('schema/supergraph.graphql')).toMatch(/@join__graph\(name: "milestones"/)
    expect(String(projectFields().milestones?.type)).toBe('MilestonesResult!')
    expect(apiSchema().getType('MilestonesList')).toBeDefined()
  })

  it('creates an SDL-first subgraph beside it', async () => {
    const result = await scaffold('ethics_approvals', '--sdl')
    expect(result.code, result.output).toBe(0)
    expect(result.output).toMatch(/Created the SDL-first \(mercurius\) subgraph "ethics_approvals"/)
    for (const file of [
      'index.ts',
      'schema.graphql',
      'resolvers.ts',
      'loaders.ts',
      'store.ts',
      'migrations/001_entries.sql',
      'ethics_approvals.test.ts',
    ]) {
      expect(existsSync(path.join(copy, 'subgraphs/ethics_approvals', file)), file).toBe(true)
    }
    expect(existsSync(path.join(copy, 'subgraphs/ethics_approvals/types.ts'))).toBe(false)
    expect(read('subgraphs/index.ts')).toMatch(/^ {2}ethics_approvals: ethicsApprovalsSubgraph,$/m)
    expect(read('subgraphs/kit/catalogue/publications.ts')).toMatch(/^ {2}ETHICS_APPROVALS: \{ sources: \[\] \},$/m)
    const fields = projectFields()
    expect(String(fields.ethicsApprovals?.type)).toBe('EthicsApprovalsResult!')
    expect(String(fields.milestones?.type)).toBe('MilestonesResult!')
    expect((apiSchema().getType('PublicationId') as GraphQLEnumType).getValue('ETHICS_APPROVALS')).toBeDefined()
    // The committed files are exactly what the compose command makes.
    const check = await run(copy, path.join(copy, 'node_modules', '.bin', 'tsx'), ['bin/compose.ts', '--check'])
    expect(check.code, check.output).toBe(0)
  })

  it('refuses the name of a subgraph it has created', async () => {
    const before = fingerprint(copy)
    const result = await scaffold('milestones', '--sdl')
    expect(result.code).toBe(1)
    expect(result.output).toMatch(/"milestones": the name is taken/)
    expect(fingerprint(copy)).toBe(before)
  })

  it('puts every file back when the graph does not compose with the new subgraph', async () => {
    // Another subgraph already serves ResearchProject.clash, with another type.
    const components = path.join(copy, 'subgraphs/components/schema.graphql')
    const original = readFileSync(components, 'utf8')
    writeFileSync(components, `${original}\nextend type ResearchProject {\n  clash: String\n}\n`)
    try {
      const before = fingerprint(copy)
      const result = await scaffold('clash', '--sdl')
      expect(result.code).toBe(1)
      expect(result.output).toMatch(/"clash": the graph does not compose with it/)
      expect(result.output).toMatch(/ResearchProject\.clash/)
      expect(result.output).toMatch(/Nothing was changed: the files created were removed/)
      expect(existsSync(path.join(copy, 'subgraphs/clash'))).toBe(false)
      expect(fingerprint(copy)).toBe(before)
    } finally {
      writeFileSync(components, original)
    }
  })

  it('writes code that typechecks', async () => {
    const result = await run(copy, path.join(copy, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', 'tsconfig.json'], 180_000)
    // Only the scaffold's own output is judged here: the rest of the tree has its own checks.
    const ours = result.output
      .split('\n')
      .filter((line) =>
        /^(subgraphs\/(milestones|ethics_approvals)\/|subgraphs\/index\.ts|subgraphs\/kit\/catalogue\/publications\.ts)/.test(line),
      )
    expect(ours).toEqual([])
  }, 180_000)

  it('generates subgraphs whose own tests pass through the gateway', async () => {
    const result = await run(
      copy,
      path.join(copy, 'node_modules', '.bin', 'vitest'),
      ['run', 'subgraphs/milestones/milestones.test.ts', 'subgraphs/ethics_approvals/ethics_approvals.test.ts'],
      240_000,
    )
    expect(result.code, result.output).toBe(0)
    expect(result.output).toMatch(/Test Files\s+2 passed/)
    expect(result.output).toMatch(/Tests\s+8 passed/)
  }, 240_000)
})
