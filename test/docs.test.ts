/**
 * The documentation stays true as the code moves: the npm scripts, repository
 * paths, links and HD4RES_* variables the docs name exist; every variable the
 * settings read is documented; every dependency has its line in the table;
 * the README stays short and starts with its two commands. Each problem is
 * reported as `file:line: what is wrong`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '..')
const SETTINGS_FILE = 'platform/settings.ts'
const DEPENDENCY_DOC = 'docs/extending.md'
const THIS_FILE = 'test/docs.test.ts'
const README_MAX_LINES = 250

/** The top-level folders and root files a path in backticks may start with. */
const TOP_FOLDERS = new Set([
  '.ci',
  'bench',
  'bin',
  'client',
  'collectors',
  'compose',
  'config',
  'demo',
  'deploy',
  'docs',
  'examples',
  'gateway',
  'launch',
  'operations',
  'platform',
  'routers',
  'scaffold',
  'schema',
  'subgraphs',
  'test',
])
const ROOT_FILES = new Set([
  'README.md',
  'BENCHMARKS.md',
  'package.json',
  'package-lock.json',
  'codegen.yml',
  'eslint.config.js',
  'tsconfig.json',
  'vitest.config.ts',
  '.gitignore',
  '.prettierrc.json',
  '.prettierignore',
])
/** Folders that hold no source of the project. */
const NOT_SOURCE = new Set(['node_modules', '.git', '.data', 'coverage', 'scratch', 'test-artifacts'])

interface Doc {
  /** Relative to the repository, with forward slashes. */
  file: string
  /** The whole text. */
  text: string
  /** The text with fenced code blocks emptied (each line kept, so offsets still give line numbers). */
  prose: string
}

function readDoc(file: string): Doc {
  const text = readFileSync(path.join(ROOT, file), 'utf8')
  let fence: string | null = null
  const prose = text
    .split('\n')
    .map((line) => {
      const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1]
      if (fence) {
        if (marker && marker[0] === fence[0] && marker.length >= fence.length) fence = null
        return ''
      }
      if (marker) {
        fence = marker
        return ''
      }
      return line
    })
    .join('\n')
  return { file, text, prose }
}

function docs(): Doc[] {
  const files = ['README.md', 'subgraphs/README.md']
  if (existsSync(path.join(ROOT, 'docs'))) {
    for (const name of readdirSync(path.join(ROOT, 'docs')).sort()) if (name.endsWith('.md')) files.push(`docs/${name}`)
  }
  return files.filter((file) => existsSync(path.join(ROOT, file))).map(readDoc)
}

const lineAt = (text: string, index: number) => text.slice(0, index).split('\n').length
const where = (doc: Doc, index: number) => `${doc.file}:${lineAt(doc.text, index)}`

/** Every inline code span outside fenced blocks, with its offset. */
function codeSpans(doc: Doc): { content: string; index: number }[] {
  const spans: { content: string; index: number }[] = []
  for (const match of doc.prose.matchAll(/`([^`]+)`/g)) {
    if (match[1]!.includes('\n\n')) continue
    spans.push({ content: match[1]!, index: match.index! })
  }
  return spans
}

// ---------------------------------------------------------------- (1) npm scripts

function scriptsNamed(doc: Doc): { script: string; index: number }[] {
  const named: { script: string; index: number }[] = []
  for (const match of doc.text.matchAll(/\bnpm\s+run(?:-script)?\s+(?:(?:--silent|-s)\s+)?([A-Za-z0-9][\w:.-]*)/g)) {
    named.push({ script: match[1]!.replace(/[.:]+$/, ''), index: match.index! })
  }
  for (const match of doc.text.matchAll(/\bnpm\s+(start|test)\b/g)) named.push({ script: match[1]!, index: match.index! })
  return named
}

// ---------------------------------------------------------------- (2) paths and links

/** A token from a code span that names a file or folder of the repository, or null. */
function repositoryPath(token: string, docDir: string): string | null {
  let t = token.replace(/^[("'[]+/, '').replace(/[)"'\],;.]+$/, '')
  if (t.includes('=')) t = t.slice(t.lastIndexOf('=') + 1)
  t = t
    .replace(/#.*$/, '')
    .replace(/:\d+(:\d+)?$/, '')
    .replace(/^\.\//, '')
  // Placeholders, globs and elisions name no one file.
  if (!t || t.startsWith('/') || /[<>*?{}$…|]|\.\.\.|:\/\//.test(t)) return null
  if (ROOT_FILES.has(t)) return t
  const first = t.split('/')[0]!
  if (t.includes('/') && TOP_FOLDERS.has(first)) return t
  // A doc inside a folder may name that folder's children by their own names (subgraphs/README.md: `kit/…`).
  if (docDir && t.includes('/') && isDirectory(path.join(ROOT, docDir, first))) return `${docDir}/${t}`
  return null
}

function isDirectory(file: string): boolean {
  return existsSync(file) && statSync(file).isDirectory()
}

function exists(relative: string): boolean {
  const absolute = path.join(ROOT, relative)
  return relative.endsWith('/') ? isDirectory(absolute) : existsSync(absolute)
}

/** GitHub's anchors for a Markdown file's headings. */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>()
  const seen = new Map<string, number>()
  for (const line of readDoc(file).prose.split('\n')) {
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line)?.[1]
    if (heading === undefined) continue
    const base = heading
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const count = seen.get(base) ?? 0
    seen.set(base, count + 1)
    anchors.add(count === 0 ? base : `${base}-${count}`)
  }
  return anchors
}

function pathProblems(doc: Doc): string[] {
  const problems: string[] = []
  const docDir = path.posix.dirname(doc.file) === '.' ? '' : path.posix.dirname(doc.file)
  for (const span of codeSpans(doc)) {
    for (const token of span.content.split(/\s+/)) {
      const named = repositoryPath(token, docDir)
      if (named && !exists(named)) {
        const written = token.includes(named) ? '' : ` (\`${token}\` from ${doc.file})`
        problems.push(`${where(doc, span.index)}: ${named} does not exist${written}`)
      }
    }
  }
  for (const match of doc.prose.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
    const target = match[1]!
    if (/^[a-z][a-z+.-]*:/i.test(target)) continue
    const [file, anchor] = target.split('#') as [string, string | undefined]
    const resolved = file ? path.posix.normalize(path.posix.join(docDir, file)) : doc.file
    if (resolved.startsWith('..')) {
      problems.push(`${where(doc, match.index!)}: the link (${target}) leaves the repository`)
    } else if (!exists(resolved.replace(/\/$/, '')) && !exists(resolved)) {
      problems.push(`${where(doc, match.index!)}: the link (${target}) points at ${resolved}, which does not exist`)
    } else if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) {
      problems.push(`${where(doc, match.index!)}: the link (${target}) names no heading of ${resolved}`)
    }
  }
  return problems
}

// ---------------------------------------------------------------- (3) HD4RES_* variables

interface EnvName {
  /** The name, with `*` for a placeholder such as <NAME> or ${name}. */
  name: string
  template: boolean
  index: number
}

/** Every HD4RES_ name in a text; a placeholder in it (<NAME>, ${…}, a regular expression's group) becomes `*`. */
function envNames(text: string): EnvName[] {
  const found: EnvName[] = []
  for (const match of text.matchAll(/(?<![A-Za-z0-9_])HD4RES_/g)) {
    let j = match.index! + match[0].length
    let name = 'HD4RES_'
    let template = false
    for (;;) {
      const rest = text.slice(j, j + 200)
      const hole = /^(<[A-Za-z_]+>|\$\{[^}]*\}|\([^)]*\)[*+?]?)/.exec(rest)?.[0]
      if (/^[A-Z0-9_]/.test(rest)) {
        name += rest[0]
        j += 1
      } else if (hole) {
        name += '*'
        j += hole.length
        template = true
      } else break
    }
    // A bare prefix (`HD4RES_*`, `HD4RES_SUBGRAPH_` before a concatenation) names no variable.
    if (name.endsWith('_')) continue
    found.push({ name, template, index: match.index! })
  }
  return found
}

const templatePattern = (name: string) => new RegExp(`^${name.split('*').join('[A-Z0-9_]+')}$`)
const escapeRegExp = (text: string) => text.replace(/[.*+?^$()|[\]{}\\/]/g, '\\$&')
/** A package glob such as `@types/*`. */
const globPattern = (glob: string) => new RegExp(`^${glob.split('*').map(escapeRegExp).join('.+')}$`)

function sourceFiles(dir = ''): string[] {
  const files: string[] = []
  for (const entry of readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    if (NOT_SOURCE.has(entry.name)) continue
    const relative = dir ? `${dir}/${entry.name}` : entry.name
    if (entry.isDirectory()) files.push(...sourceFiles(relative))
    else if (entry.name.endsWith('.ts') && relative !== THIS_FILE) files.push(relative)
  }
  return files
}

// ---------------------------------------------------------------- (5) dependencies

function dependencyRows(doc: Doc): { name: string; index: number }[] {
  const heading = /^##\s+Dependencies\b.*$/im.exec(doc.prose)
  if (!heading) return []
  const section = doc.prose.slice(heading.index)
  const end = /\n##\s/.exec(section.slice(heading[0].length))
  const body = end ? section.slice(0, heading[0].length + end.index) : section
  const names: { name: string; index: number }[] = []
  let offset = heading.index
  for (const line of body.split('\n')) {
    const firstCell = /^\|([^|]*)\|/.exec(line)?.[1]
    if (firstCell && !/^\s*-+\s*$/.test(firstCell)) {
      for (const span of firstCell.matchAll(/`([^`]+)`/g)) names.push({ name: span[1]!, index: offset })
    }
    offset += line.length + 1
  }
  return names
}

// ---------------------------------------------------------------- the checks

describe('the documentation', () => {
  const all = docs()
  const packageJson = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>
    dependencies?: Record<string, string>
    devDependencies?: Record<string, string>
    optionalDependencies?: Record<string, string>
  }

  it('reads the README, subgraphs/README.md and every page in docs/', () => {
    expect(all.map((d) => d.file)).toContain('README.md')
    expect(all.length).toBeGreaterThan(2)
  })

  it('(1) names only npm scripts that package.json has', () => {
    const problems: string[] = []
    for (const doc of all) {
      for (const { script, index } of scriptsNamed(doc)) {
        if (!(script in packageJson.scripts)) problems.push(`${where(doc, index)}: npm script "${script}" is not in package.json`)
      }
    }
    expect(problems).toEqual([])
  })

  it('(2) names only repository paths, and links only to files and headings, that exist', () => {
    expect(all.flatMap(pathProblems)).toEqual([])
  })

  const sources = sourceFiles().map((file) => ({ file, text: readFileSync(path.join(ROOT, file), 'utf8') }))
  const inSource = sources.flatMap((s) => envNames(s.text))
  const sourceNames = new Set(inSource.filter((n) => !n.template).map((n) => n.name))
  const sourceTemplates = new Set(inSource.filter((n) => n.template).map((n) => n.name))

  it('(3) names only HD4RES_* variables the code reads', () => {
    const problems: string[] = []
    for (const doc of all) {
      for (const { name, template, index } of envNames(doc.text)) {
        const known = template
          ? sourceTemplates.has(name)
          : sourceNames.has(name) || [...sourceTemplates].some((t) => templatePattern(t).test(name))
        if (!known) problems.push(`${where(doc, index)}: ${name.replaceAll('*', '<…>')} is not read anywhere in the code (*.ts)`)
      }
    }
    expect(problems).toEqual([])
  })

  it('(3) documents every HD4RES_* variable platform/settings.ts reads', () => {
    const settings = readFileSync(path.join(ROOT, SETTINGS_FILE), 'utf8')
    const documented = new Set(all.flatMap((doc) => envNames(doc.text).map((n) => n.name)))
    const problems: string[] = []
    const reported = new Set<string>()
    for (const { name, index } of envNames(settings)) {
      if (documented.has(name) || reported.has(name)) continue
      reported.add(name)
      problems.push(
        `${SETTINGS_FILE}:${lineAt(settings, index)}: ${name.replaceAll('*', '<…>')} is in no doc (README.md, docs/*.md, subgraphs/README.md)`,
      )
    }
    expect(problems).toEqual([])
  })

  it('(4) keeps the README short, starting with the two commands', () => {
    const readme = all.find((d) => d.file === 'README.md')!
    const lines = readme.text.replace(/\n$/, '').split('\n')
    const problems: string[] = []
    if (lines.length > README_MAX_LINES) problems.push(`README.md:${lines.length}: ${lines.length} lines, more than ${README_MAX_LINES}`)
    const first = lines.findIndex((line) => line.trim() !== '' && !line.startsWith('#'))
    const expected = ['npm ci && npm start', 'npm ci && npm test']
    if (first < 0 || !/^```/.test(lines[first]!)) {
      problems.push(`README.md:${first + 1}: the first thing after the title must be a code block with the two commands`)
    } else {
      expected.forEach((command, i) => {
        const line = lines[first + 1 + i] ?? ''
        if (!line.startsWith(command)) problems.push(`README.md:${first + 2 + i}: expected "${command}", found "${line}"`)
      })
    }
    if (first > 4) problems.push(`README.md:${first + 1}: the two commands must be at the very top, under the title`)
    expect(problems).toEqual([])
  })

  it('(4) links every page in docs/ from the README', () => {
    const readme = all.find((d) => d.file === 'README.md')!
    const linked = new Set([...readme.prose.matchAll(/\]\((docs\/[^)#\s]+)/g)].map((m) => m[1]!))
    const problems = all.filter((d) => d.file.startsWith('docs/') && !linked.has(d.file)).map((d) => `README.md: no link to ${d.file}`)
    expect(problems).toEqual([])
  })

  it('(5) explains every dependency in package.json, and only those', () => {
    const doc = all.find((d) => d.file === DEPENDENCY_DOC)
    expect(doc, `${DEPENDENCY_DOC} is missing`).toBeDefined()
    const rows = dependencyRows(doc!)
    expect(rows.length, `${DEPENDENCY_DOC}: no "## Dependencies" table`).toBeGreaterThan(0)
    const declared = [packageJson.dependencies, packageJson.devDependencies, packageJson.optionalDependencies].flatMap((group) =>
      Object.keys(group ?? {}),
    )
    const covers = (row: string, pkg: string) => (row.includes('*') ? globPattern(row).test(pkg) : row === pkg)
    const problems: string[] = []
    for (const pkg of declared) {
      if (!rows.some((r) => covers(r.name, pkg)))
        problems.push(`${DEPENDENCY_DOC}: ${pkg} (package.json) has no row in the dependency table`)
    }
    for (const row of rows) {
      if (!declared.some((pkg) => covers(row.name, pkg)))
        problems.push(`${where(doc!, row.index)}: ${row.name} is not a dependency in package.json`)
    }
    expect(problems).toEqual([])
  })
})
