/**
 * The graph's container image for tests, run as a container runtime would run
 * it but with this machine's own tools (no OCI runtime can start containers
 * here): the image's file system mounted by podman, its entry point started
 * under a fresh mount and PID namespace, chrooted into that file system as
 * the image's user, with the image's environment and nothing else.
 *
 *   const ref = await ensureImage()              // builds it when the tree changed
 *   const image = await mountImage(ref)
 *   const { command, args } = commandInImage(image.root, ['gateway'], { env: { PORT: '4000' } })
 *   const child = spawn(command, args)
 *   …
 *   signalInImage(child, 'SIGTERM')              // reaches node itself, not the launcher
 *   await image.unmount()
 *
 * Data directories must live under /tmp: the image is mounted read-only and
 * /tmp is a fresh tmpfs for each process.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { IMAGE_NAME, imageInputsHash, imageInputsLabel, packageVersion } from '../../bin/image.js'

const run = promisify(execFile)
const root = path.resolve(import.meta.dirname, '../..')

/** The image's user, and its ENV (deploy/image/Containerfile); the image test checks both against the built image. */
export const IMAGE_USER = { uid: 65532, gid: 65532 }
export const IMAGE_ENV: Readonly<Record<string, string>> = {
  PATH: '/usr/local/bin:/usr/bin:/bin',
  HOST: '0.0.0.0',
  NODE_ENV: 'production',
}
export const IMAGE_ENTRYPOINT = ['/usr/local/bin/node', '/app/dist/bin/serve.js']

const TOOLS = ['podman', 'buildah', 'debootstrap', 'unshare', 'ip']

async function missingTools(): Promise<string[]> {
  const missing: string[] = []
  for (const tool of TOOLS) {
    await run('sh', ['-c', `command -v ${tool}`]).catch(() => missing.push(tool))
  }
  return missing
}

/**
 * The reference of the current tree's image, built by `npm run image` first
 * when the local one is missing or was built from other files (its label
 * holds a hash of the build inputs).
 */
export async function ensureImage(): Promise<string> {
  if (process.getuid?.() !== 0)
    throw new Error('The image tests run as root: podman image mount, unshare and chroot need it (run the tests as root, as CI does).')
  const missing = await missingTools()
  if (missing.length > 0)
    throw new Error(
      `The image tests need ${missing.join(', ')}: apt-get install -y --no-install-recommends podman buildah debootstrap uidmap iproute2 util-linux`,
    )
  const ref = `${IMAGE_NAME}:${packageVersion()}`
  if (imageInputsLabel(ref) === imageInputsHash()) return ref
  const built = await new Promise<{ code: number | null; output: string }>((resolve) => {
    let output = ''
    const child = spawn('npm', ['run', 'image', '--', '--if-stale'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', (error) => resolve({ code: null, output: `${output}\n${error.message}` }))
    child.on('exit', (code) => resolve({ code, output }))
  })
  if (built.code !== 0) throw new Error(`npm run image failed (exit ${built.code}); its output ends:\n${built.output.slice(-4000)}`)
  const label = imageInputsLabel(ref)
  if (label === null) throw new Error(`npm run image succeeded but left no image ${ref}`)
  return ref
}

/**
 * The image's file system on this machine (read-only); unmount() when done.
 * Mounted by the image's ID: a rebuild that moves the tag meanwhile leaves
 * this mount, and its unmount, alone.
 */
export async function mountImage(ref: string): Promise<{ root: string; id: string; unmount(): Promise<void> }> {
  const id = (await run('podman', ['image', 'inspect', '--format', '{{.Id}}', ref])).stdout.trim()
  const { stdout } = await run('podman', ['image', 'mount', id])
  const mounted = stdout.trim()
  if (!mounted) throw new Error(`podman image mount ${ref} (${id}) printed no path`)
  return {
    root: mounted,
    id,
    unmount: async () => {
      await run('podman', ['image', 'unmount', id])
    },
  }
}

export interface InImageOptions {
  /** A network namespace (`ip netns add`) to run in; the host's network otherwise. */
  netns?: string
  /** Added to (or overriding) the image's ENV; nothing else from this process reaches the graph. */
  env?: Record<string, string>
  /** Extra /etc/hosts lines' names and addresses (localhost is always there). */
  hosts?: Record<string, string>
  /** In place of the image's ENTRYPOINT (as `podman run --entrypoint`), e.g. the health check. */
  entrypoint?: string[]
}

/**
 * Host-side, before the image's program: fresh writable /tmp, /proc of the
 * new PID namespace, a minimal /dev, an /etc/hosts; all of them in a private
 * mount namespace, so nothing shows outside the process and the image stays
 * untouched. Then the rest of the arguments, exec'd.
 */
const PREPARE = [
  'set -eu',
  'PATH=/usr/sbin:/usr/bin:/sbin:/bin',
  'root=$1; hosts=$2; shift 2',
  'mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$root/tmp"',
  'mount -t proc -o nosuid,nodev,noexec proc "$root/proc"',
  'mount -t tmpfs -o mode=0755,nosuid tmpfs "$root/dev"',
  'for device in null zero full random urandom; do : > "$root/dev/$device"; mount --bind "/dev/$device" "$root/dev/$device"; done',
  'ln -s /proc/self/fd "$root/dev/fd"',
  'file=$(mktemp); printf "%b" "$hosts" > "$file"; mount --bind "$file" "$root/etc/hosts"; rm -f "$file"',
  'exec "$@"',
].join('\n')

/**
 * The command that runs the image's entry point with `args` (the image's CMD,
 * `gateway`, is not implied) from the mounted `imageRoot`, for spawn(). The
 * process tree: [ip netns exec] unshare (PID namespace, mount namespace) →
 * node as PID 1 of that namespace, chrooted, user 65532, in /app.
 */
export function commandInImage(imageRoot: string, args: string[], opts: InImageOptions = {}): { command: string; args: string[] } {
  const env = { ...IMAGE_ENV, ...opts.env }
  const hosts = Object.entries({ localhost: '127.0.0.1', ...opts.hosts })
    .map(([name, address]) => `${address}\t${name}\\n`)
    .join('')
  // unshare --root/--wd/--setgid/--setuid: chroot, then WORKDIR, then USER, as the image says (chroot(1) would leave the process in /).
  const inside = [
    '/usr/bin/env',
    '-i',
    ...Object.entries(env).map(([name, value]) => `${name}=${value}`),
    '/usr/bin/unshare',
    `--root=${imageRoot}`,
    '--wd=/app',
    '--setgid',
    String(IMAGE_USER.gid),
    '--setuid',
    String(IMAGE_USER.uid),
    '--',
    ...(opts.entrypoint ?? IMAGE_ENTRYPOINT),
    ...args,
  ]
  const launcher = [
    '/usr/bin/unshare',
    '--mount',
    '--propagation',
    'private',
    '--pid',
    '--fork',
    '--kill-child',
    '--',
    '/bin/sh',
    '-c',
    PREPARE,
    'prepare',
    imageRoot,
    hosts,
    ...inside,
  ]
  if (opts.netns) return { command: '/usr/sbin/ip', args: ['netns', 'exec', opts.netns, ...launcher] }
  return { command: launcher[0]!, args: launcher.slice(1) }
}

/**
 * Sends `signal` to the image's process itself: the unshare that spawn()
 * started ignores SIGTERM and SIGINT, and would only SIGKILL node when it
 * dies. Its exit status is node's.
 */
export function signalInImage(child: ChildProcess, signal: NodeJS.Signals): void {
  const pid = imageProcessPid(child)
  process.kill(pid, signal)
}

/** The host's PID of the image's process (the only child of the launcher spawn() started). */
export function imageProcessPid(child: ChildProcess): number {
  if (child.pid === undefined) throw new Error('the image process never started')
  const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)
  if (children.length !== 1)
    throw new Error(`the launcher ${child.pid} has ${children.length} children, expected the image's process alone`)
  return Number(children[0])
}
