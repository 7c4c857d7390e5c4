/**
 * npm run new:subgraph -- <name> [--code-first | --sdl]
 *
 * Creates subgraphs/<name>/ from the templates in scaffold/: a subgraph that
 * adds ResearchProject.<name> from its own table (schema <name>, first
 * migration), checks membership, answers PublicationUnderDevelopment until its
 * publication is released, and has its own end-to-end test. Then it registers
 * the subgraph in subgraphs/index.ts and its publication in the registry,
 * composes the supergraph, and regenerates the typed client.
 *
 * It refuses a name that is invalid or taken, and when a step fails it puts
 * back every file it created or changed: nothing is left half-written.
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { Kind, parse, type DocumentNode } from 'graphql'
import { parse as parseYaml } from 'yaml'
import { subgraphUrlVariable } from '../platform/settings.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const TEMPLATES = path.join(ROOT, 'scaffold')

const USAGE = `Usage: npm run new:subgraph -- <name> [--code-first | --sdl]

  <name>         lower-case letters and digits, words joined by "_" (e.g. milestones, ethics_approvals)
  --code-first   type-graphql classes, like records and subjects (the default)
  --sdl          a schema.graphql on mercurius, like components and support

See subgraphs/README.md.`

/** The files the scaffold edits to register a subgraph and its publication. */
const FILES = {
  index: 'subgraphs/index.ts',
  publications: 'subgraphs/kit/catalogue/publications.ts',
  registry: 'config/publications.yaml',
  supergraph: 'schema/supergraph.graphql',
  api: 'schema/api.graphql',
} as const

type Flavour = 'code-first' | 'sdl'

/** A refusal: what is wrong, said to the person who ran the command. */
class Refusal extends Error {}

interface Names {
  /** The service name, the folder, the database schema: data_quality */
  name: string
  /** The field on ResearchProject: dataQuality */
  camel: string
  /** The prefix of the GraphQL type names: DataQuality */
  Pascal: string
  /** The PublicationId: DATA_QUALITY */
  PUBLICATION: string
  /** In a sentence: data quality */
  title: string
  /** At the start of a sentence: Data quality */
  Title: string
}

const NAME_PATTERN = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/
const MAX_NAME_LENGTH = 40

/** PostgreSQL's reserved key words: they cannot name a schema without quotes, and the SQL never quotes. */
const SQL_RESERVED = new Set(
  `all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation column
  concurrently constraint create cross current_catalog current_date current_role current_schema current_time current_timestamp
  current_user default deferrable desc distinct do else end except false fetch for foreign freeze from full grant group having
  ilike in initially inner intersect into is isnull join lateral leading left like limit localtime localtimestamp natural not
  notnull null offset on only or order outer overlaps placing primary references returning right select session_user similar
  some symmetric system_user table tablesample then to trailing true union unique user using variadic verbose when where window
  with`.split(/\s+/),
)

/** Names the graph already uses for something else. */
const RESERVED: Record<string, string> = {
  kit: 'subgraphs/kit/ holds what every subgraph shares',
  gateway: '"npm run serve -- gateway" runs the gateway',
  collector: '"npm run serve -- collector" runs the collect schedule',
  collect: '"npm run serve -- collect" runs a collector',
  ops: 'the import log lives in the database schema "ops"',
  public: "it is PostgreSQL's default schema",
  information_schema: "it is PostgreSQL's catalogue",
}

function namesOf(name: string): Names {
  const words = name.split('_')
  const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1)
  const title = words.join(' ')
  return {
    name,
    camel: words[0] + words.slice(1).map(cap).join(''),
    Pascal: words.map(cap).join(''),
    PUBLICATION: name.toUpperCase(),
    title,
    Title: cap(title),
  }
}

function checkName(name: string): void {
  if (!NAME_PATTERN.test(name)) {
    throw new Refusal(
      'not a valid name. Use lower-case letters and digits, words joined by single "_", starting with a letter ' +
        '(e.g. milestones, ethics_approvals): the name is the service name, the folder subgraphs/<name>/, the database schema ' +
        'and the setting HD4RES_SUBGRAPH_<NAME>_URL.',
    )
  }
  if (name.length > MAX_NAME_LENGTH) throw new Refusal(`the name is too long: at most ${MAX_NAME_LENGTH} characters.`)
  if (RESERVED[name]) throw new Refusal(`the name is reserved: ${RESERVED[name]}.`)
  if (name.startsWith('pg_')) throw new Refusal('the name is reserved: PostgreSQL keeps schema names that start with pg_ for itself.')
  if (SQL_RESERVED.has(name)) {
    throw new Refusal("the name is a PostgreSQL key word, and it would also name the subgraph's database schema.")
  }
}

const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8')

/** The GraphQL names the new subgraph would add, against what the composed graph already has. */
function checkNotTaken(names: Names): void {
  const { name, camel, Pascal, PUBLICATION } = names
  if (existsSync(path.join(ROOT, 'subgraphs', name))) throw new Refusal(`the name is taken: subgraphs/${name}/ already exists.`)
  const index = read(FILES.index)
  if (new RegExp(`^\\s*${name}\\s*[:,]`, 'm').test(registeredBlock(index))) {
    throw new Refusal(`the name is taken: ${FILES.index} already registers a subgraph of that name.`)
  }
  if (publicationIds().includes(PUBLICATION)) {
    throw new Refusal(`the name is taken: the publication ${PUBLICATION} already exists in ${FILES.publications}.`)
  }
  let supergraph: DocumentNode
  try {
    supergraph = parse(read(FILES.supergraph))
  } catch (error) {
    throw new Refusal(`${FILES.supergraph} cannot be read (${(error as Error).message}); run "npm run compose" first.`)
  }
  const typeNames = new Set<string>()
  const projectFields = new Set<string>()
  for (const definition of supergraph.definitions) {
    if (!('name' in definition) || !definition.name) continue
    typeNames.add(definition.name.value)
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === 'ResearchProject') {
      for (const field of definition.fields ?? []) projectFields.add(field.name.value)
    }
  }
  if (projectFields.has(camel)) {
    throw new Refusal(`the name is taken: the graph already has ResearchProject.${camel} (${FILES.supergraph}).`)
  }
  const clashes = [`${Pascal}Item`, `${Pascal}List`, `${Pascal}Result`].filter((t) => typeNames.has(t))
  if (clashes.length > 0) {
    throw new Refusal(
      `the name is taken: the graph already has the type(s) ${clashes.join(', ')} that the subgraph would define (${FILES.supergraph}).`,
    )
  }
}

const PUBLICATIONS_TABLE = /(export const PUBLICATIONS = \{\n[\s\S]*?\n)(\} as const satisfies )/

function publicationIds(): string[] {
  const table = PUBLICATIONS_TABLE.exec(read(FILES.publications))
  if (!table)
    throw new Refusal(`${FILES.publications} has no "export const PUBLICATIONS = { … } as const satisfies …" to add the publication to.`)
  return [...table[1]!.matchAll(/^\s+([A-Z0-9_]+):/gm)].map((m) => m[1]!)
}

const REGISTERED_BLOCK = /(const REGISTERED = \{\n)([\s\S]*?)(\} satisfies )/

function registeredBlock(index: string): string {
  const block = REGISTERED_BLOCK.exec(index)
  if (!block) throw new Refusal(`${FILES.index} has no "const REGISTERED = { … } satisfies …" to register the subgraph in.`)
  return block[2]!
}

/**
 * Every file the scaffold writes goes through here, so that a failure (or
 * Ctrl-C) puts back exactly what was there before.
 */
class Changes {
  private readonly originals = new Map<string, string | null>()
  private readonly createdDirs: string[] = []
  private readonly trees: string[] = []

  /** True once anything has been written. */
  get touched(): boolean {
    return this.createdDirs.length > 0 || this.originals.size > 0
  }

  /** Remembers a file's content (or its absence) before the first change. */
  remember(file: string): void {
    const full = path.join(ROOT, file)
    if (!this.originals.has(full)) this.originals.set(full, existsSync(full) ? readFileSync(full, 'utf8') : null)
  }

  /** Remembers every file under a folder, for a tool that rewrites them. */
  rememberTree(folder: string): void {
    const full = path.join(ROOT, folder)
    this.trees.push(full)
    if (!existsSync(full)) return
    for (const entry of readdirSync(full, { recursive: true })) {
      const file = path.join(folder, String(entry))
      if (statSync(path.join(ROOT, file)).isFile()) this.remember(file)
    }
  }

  createDir(folder: string): void {
    mkdirSync(path.join(ROOT, folder))
    this.createdDirs.push(path.join(ROOT, folder))
  }

  write(file: string, content: string): void {
    this.remember(file)
    const full = path.join(ROOT, file)
    mkdirSync(path.dirname(full), { recursive: true })
    writeFileSync(full, content)
  }

  /** Edits a file with `edit`, which returns the new content or null when it cannot find its place. */
  edit(file: string, what: string, edit: (text: string) => string | null): void {
    const edited = edit(read(file))
    if (edited === null) throw new Refusal(`cannot ${what} in ${file}: the file no longer has the shape the scaffold expects.`)
    this.write(file, edited)
  }

  rollback(): void {
    // Files a tool added under a remembered folder are not among the originals: they are found by listing.
    for (const folder of this.trees) {
      if (!existsSync(folder)) continue
      for (const entry of readdirSync(folder, { recursive: true })) {
        const file = path.join(folder, String(entry))
        if (statSync(file).isFile() && !this.originals.has(file)) unlinkSync(file)
      }
    }
    for (const [file, content] of this.originals) {
      if (content === null) rmSync(file, { force: true })
      else writeFileSync(file, content)
    }
    for (const folder of this.createdDirs.reverse()) rmSync(folder, { recursive: true, force: true })
  }
}

/** The template files for a flavour: [path under scaffold/, path under subgraphs/<name>/]. */
function templateFiles(flavour: Flavour, names: Names): [string, string][] {
  const files: [string, string][] = []
  for (const base of ['common', flavour]) {
    for (const entry of readdirSync(path.join(TEMPLATES, base), { recursive: true })) {
      const source = path.join(base, String(entry))
      if (!source.endsWith('.tmpl')) continue
      files.push([
        source,
        String(entry)
          .replace(/\.tmpl$/, '')
          .replaceAll('__name__', names.name),
      ])
    }
  }
  return files.sort((a, b) => a[1].localeCompare(b[1]))
}

function render(template: string, names: Names, source: string): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, key: string) => {
    if (!(key in names)) throw new Error(`scaffold/${source}: unknown placeholder ${whole}`)
    return names[key as keyof Names]
  })
}

/** The entry in subgraphs/index.ts: the import, and the name in REGISTERED. */
function registerSubgraph(index: string, names: Names): string | null {
  const variable = `${names.camel}Subgraph`
  const importLine = `import { ${variable} } from './${names.name}/index.js'\n`
  const block = REGISTERED_BLOCK.exec(index)
  if (!block) return null
  const entry = `  ${names.name}: ${variable},\n`
  let withEntry = index.replace(REGISTERED_BLOCK, (_whole, open: string, body: string, close: string) => `${open}${body}${entry}${close}`)
  // The import goes among the other subgraphs' imports, in the order of their paths.
  const imports = [...withEntry.matchAll(/^import .* from '\.\/([^']+)'\n/gm)]
  if (imports.length === 0) return null
  const after = imports.filter((m) => m[1]! < `${names.name}/index.js`).at(-1)
  const at = after ? after.index! + after[0].length : imports[0]!.index!
  withEntry = withEntry.slice(0, at) + importLine + withEntry.slice(at)
  return withEntry
}

function registerPublication(text: string, names: Names): string | null {
  if (!PUBLICATIONS_TABLE.test(text)) return null
  // No collector feeds it yet: its import source goes in `sources` when one does.
  return text.replace(
    PUBLICATIONS_TABLE,
    (_whole, body: string, close: string) => `${body}  ${names.PUBLICATION}: { sources: [] },\n${close}`,
  )
}

function registerPublicationEntry(text: string, names: Names): string {
  return `${text.trimEnd()}\n\n${names.PUBLICATION}:
  state: UNDER_DEVELOPMENT
  title: ${names.Title} of the research project
  message: This publication (${names.title} of the research project) is under development and not yet available in HD4RES v2.
`
}

interface Step {
  ok: boolean
  output: string
}

function stepOf(what: string, result: SpawnSyncReturns<string>): Step {
  if (result.signal) throw new Refusal(`interrupted (${result.signal}) while ${what}.`)
  return {
    ok: result.status === 0,
    output: `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`.trim(),
  }
}

/** Runs a TypeScript entry point of this repository with the loader this process runs under (tsx). */
function runScript(what: string, script: string, args: string[] = []): Step {
  return stepOf(what, spawnSync(process.execPath, [...process.execArgv, path.join(ROOT, script), ...args], { cwd: ROOT, encoding: 'utf8' }))
}

/** The files and folders codegen.yml writes: they are rewritten by the typed-client step. */
function codegenOutputs(): string[] {
  if (!existsSync(path.join(ROOT, 'codegen.yml'))) return []
  const config = parseYaml(read('codegen.yml')) as { generates?: Record<string, unknown> } | null
  return Object.keys(config?.generates ?? {})
}

function runCodegen(): Step | null {
  const bin = path.join(ROOT, 'node_modules', '.bin', 'graphql-codegen')
  if (!existsSync(path.join(ROOT, 'codegen.yml')) || !existsSync(bin)) return null
  return stepOf(
    'generating the typed client',
    spawnSync(bin, ['--config', 'codegen.yml'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, CI: 'true' } }),
  )
}

const indent = (text: string) =>
  text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')

function main(): number {
  let parsed
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: { sdl: { type: 'boolean' }, 'code-first': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    })
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  if (positionals.length !== 1) {
    console.error(`${positionals.length === 0 ? 'Name the new subgraph.' : `One name only; got ${positionals.join(', ')}.`}\n\n${USAGE}`)
    return 2
  }
  if (values.sdl && values['code-first']) {
    console.error(`Choose one of --code-first and --sdl.\n\n${USAGE}`)
    return 2
  }
  const flavour: Flavour = values.sdl ? 'sdl' : 'code-first'
  const name = positionals[0]!

  // The steps below run synchronously, so Ctrl-C waits for the current one (a child process it
  // stops fails its step): the run ends complete or rolled back, never in between.
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`${signal}: the scaffold had already finished or rolled back`)
    process.exitCode = 130
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)

  const changes = new Changes()
  const names = namesOf(name)
  const folder = path.join('subgraphs', name)
  const created: string[] = []
  try {
    checkName(name)
    checkNotTaken(names)

    // 1. The subgraph's folder, from the templates.
    changes.createDir(folder)
    for (const [source, target] of templateFiles(flavour, names)) {
      const file = path.join(folder, target)
      changes.write(file, render(readFileSync(path.join(TEMPLATES, source), 'utf8'), names, source))
      created.push(file)
    }

    // 2. Registration: the subgraph in the one list, its publication in the registry.
    changes.edit(FILES.index, 'add the subgraph to REGISTERED', (text) => registerSubgraph(text, names))
    changes.edit(FILES.publications, `add ${names.PUBLICATION} to PUBLICATIONS`, (text) => registerPublication(text, names))
    changes.edit(FILES.registry, `add ${names.PUBLICATION}`, (text) => registerPublicationEntry(text, names))

    // 3. Composition, by the compose command itself: the graph must compose with the new subgraph, or nothing stays.
    changes.remember(FILES.supergraph)
    changes.remember(FILES.api)
    const composed = runScript('composing the supergraph', 'bin/compose.ts')
    if (!composed.ok) {
      // Compose also refuses for reasons of its own (an unrecorded breaking change, a bad record file): its output says which.
      throw new Refusal(
        `the graph does not compose with it, or npm run compose refused for another reason (its output below says which):\n${indent(composed.output)}`,
      )
    }
    const api = read(FILES.api)
    if (!new RegExp(`^\\s+${names.camel}: ${names.Pascal}Result!$`, 'm').test(api)) {
      throw new Refusal(`the composed API schema (${FILES.api}) lacks ResearchProject.${names.camel}.`)
    }

    // 4. The typed client follows the API schema (the PublicationId enum has a new value).
    for (const output of codegenOutputs()) {
      if (output.endsWith('/')) changes.rememberTree(output)
      else changes.remember(output)
    }
    const codegen = runCodegen()
    if (codegen && !codegen.ok) throw new Refusal(`the typed client could not be regenerated (npm run codegen):\n${indent(codegen.output)}`)

    console.log(`Created the ${flavour === 'sdl' ? 'SDL-first (mercurius)' : 'code-first (type-graphql)'} subgraph "${name}", serving ResearchProject.${names.camel} under the publication ${names.PUBLICATION}:
${created.map((f) => `  ${f}`).join('\n')}
Registered it in:
  ${FILES.index.padEnd(40)}the subgraph (the launcher, serve and compose read this list)
  ${FILES.publications.padEnd(40)}PublicationId ${names.PUBLICATION}, fed by no collector yet
  ${FILES.registry.padEnd(40)}${names.PUBLICATION}: UNDER_DEVELOPMENT
Composed ${FILES.supergraph} and ${FILES.api}${codegen ? '; regenerated the typed client (npm run codegen)' : '; run "npm run codegen" to regenerate the typed client'}.

Next:
  npx vitest run ${path.join(folder, `${name}.test.ts`)}
  HD4RES_PUBLICATIONS_AVAILABLE=${names.PUBLICATION} npm start     # then ask { projects { ${names.camel} { __typename } } }
In production: npm run serve -- ${name}, and a gateway in its own process needs ${subgraphUrlVariable(name)}.
See subgraphs/README.md for what to change next.`)
    return 0
  } catch (error) {
    let rolledBack = '\nNothing was changed.'
    if (changes.touched) {
      try {
        changes.rollback()
        rolledBack = '\nNothing was changed: the files created were removed and the files edited were put back as they were.'
      } catch (rollbackError) {
        rolledBack = `\nPutting the files back failed as well (${(rollbackError as Error).message}): check "git status".`
      }
    }
    if (error instanceof Refusal) {
      console.error(`Cannot create the subgraph "${name}": ${error.message}${rolledBack}`)
      return 1
    }
    console.error(`Cannot create the subgraph "${name}":`, error, rolledBack)
    return 1
  }
}

process.exitCode = main()
