/**
 * npm run build [-- --out <folder>]: compiles the graph to JavaScript (tsc,
 * tsconfig.build.json) and copies beside it the files the code reads at run
 * time, at the same places relative to each module (migrations, SDL, the
 * committed supergraph, the publications registry, the collectors' JSON
 * schemas, the example operation GraphiQL opens with). The result runs with
 * `node <folder>/bin/serve.js <part>` or `node <folder>/bin/start.js`, with
 * no TypeScript loader between the signal and the process. Packages are
 * found in the project's node_modules, so the folder stays inside the
 * project (dist/ by default).
 */
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'

const ROOT = path.resolve(import.meta.dirname, '..')
const { values } = parseArgs({ options: { out: { type: 'string', default: 'dist' } } })
const out = path.resolve(ROOT, values.out!)
if (path.relative(ROOT, out).startsWith('..'))
  throw new Error(`--out must be a folder inside the project (${ROOT}), so the built code finds node_modules`)

/** Folders copied whole: read at run time as they are. */
const WHOLE = ['schema', 'config', 'operations', 'collectors/schemas']
/** Files beside the modules, in the compiled folders. */
const BESIDE = /\.(sql|graphql|yaml)$/
const COMPILED = ['subgraphs']

rmSync(out, { recursive: true, force: true })
execFileSync(
  process.execPath,
  [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', out],
  {
    stdio: 'inherit',
  },
)
for (const folder of WHOLE) cpSync(path.join(ROOT, folder), path.join(out, folder), { recursive: true })
const copyBeside = (folder: string) => {
  for (const name of readdirSync(path.join(ROOT, folder))) {
    const relative = path.join(folder, name)
    if (name === 'generated' || name === 'node_modules') continue
    if (statSync(path.join(ROOT, relative)).isDirectory()) copyBeside(relative)
    else if (BESIDE.test(name)) cpSync(path.join(ROOT, relative), path.join(out, relative))
  }
}
for (const folder of COMPILED) copyBeside(folder)
if (!existsSync(path.join(out, 'bin/serve.js'))) throw new Error(`the build left no ${path.join(out, 'bin/serve.js')}`)
console.log(`built into ${path.relative(ROOT, out) || '.'}: node ${path.relative(ROOT, path.join(out, 'bin/serve.js'))} <part>`)
