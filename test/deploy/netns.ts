/**
 * Test hosts on this machine: each host is a network namespace with one
 * interface and its own address on a private /24, and every host's cable ends
 * on a bridge inside a namespace of its own. Nothing is added to the machine's
 * own network: the test reaches the hosts only through processes it starts
 * inside them (`ip netns exec`).
 *
 * Names carry the test process's id, so two runs never meet. A run removes
 * its hosts when it closes the network, when it fails, on exit and on SIGINT
 * or SIGTERM; one killed outright (its process gone) is swept away by the
 * next run: its processes killed, its namespaces and scratch folder deleted.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { closeSync, openSync, readdirSync, rmSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** Every namespace and scratch folder of these tests starts so, then the owning process's id. */
const PREFIX = 'hd4t-'

/** The node that runs the tests runs the hosts' small helper processes too. */
const NODE = process.execPath

const NEEDS =
  'The multi-host test makes network namespaces: it needs Linux, root (CAP_NET_ADMIN and CAP_SYS_ADMIN) and iproute2 (`ip netns`); ' +
  'run it as root on the machine, or in a container started with --privileged'

/** Fails loudly, saying what is needed, when this machine cannot make namespaces. */
export async function checkNamespaces(): Promise<void> {
  if (process.platform !== 'linux') throw new Error(`${NEEDS}; this is ${process.platform}`)
  if (process.getuid?.() !== 0) throw new Error(`${NEEDS}; the tests run as uid ${process.getuid?.()}`)
  const probe = `${PREFIX}${process.pid}-check`
  try {
    await run('ip', ['netns', 'add', probe])
  } catch (error) {
    throw new Error(`${NEEDS}; \`ip netns add\` failed: ${(error as Error).message.trim()}`)
  } finally {
    await run('ip', ['netns', 'del', probe]).catch(() => undefined)
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function namespacePids(netns: string): number[] {
  try {
    return execFileSync('ip', ['netns', 'pids', netns], { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number)
  } catch {
    return []
  }
}

/** Kills whatever still runs in the namespaces, then deletes them; synchronous, so it also runs on exit. */
function removeNamespaces(names: string[]): void {
  for (const netns of names) for (const pid of namespacePids(netns)) killQuietly(pid, 'SIGKILL')
  for (const netns of names) {
    for (let attempt = 0; attempt < 20 && namespacePids(netns).length > 0; attempt++) execFileSync('sleep', ['0.1'])
    try {
      execFileSync('ip', ['netns', 'del', netns], { stdio: 'ignore' })
    } catch {
      // Already gone.
    }
  }
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal)
  } catch {
    // It has exited already.
  }
}

function ownerOf(name: string): number | null {
  const match = new RegExp(`^${PREFIX}(\\d+)-`).exec(name)
  return match ? Number(match[1]) : null
}

/** Namespaces and scratch folders left by runs whose process is gone. */
export function sweepAbandonedRuns(): void {
  const listed = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
  const names = listed
    .split('\n')
    .map((line) => line.split(' ')[0]!)
    .filter((name) => name.startsWith(PREFIX))
  removeNamespaces(names.filter((name) => ownerOf(name) !== process.pid && !alive(ownerOf(name) ?? process.pid)))
  for (const entry of readdirSync(tmpdir()).filter((name) => name.startsWith(PREFIX))) {
    const owner = ownerOf(entry)
    if (owner !== null && owner !== process.pid && !alive(owner)) rmSync(path.join(tmpdir(), entry), { recursive: true, force: true })
  }
}

/** A process started on a test host, with everything it prints kept for the test's messages. */
export class HostProcess {
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  private text = ''
  private listeners = new Set<() => void>()

  constructor(
    readonly label: string,
    readonly child: ChildProcess,
  ) {
    const keep = (chunk: Buffer) => {
      this.text += chunk.toString()
      if (this.text.length > 200_000) this.text = this.text.slice(-100_000)
      for (const listener of this.listeners) listener()
    }
    child.stdout?.on('data', keep)
    child.stderr?.on('data', keep)
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
    void this.exited.then(() => this.listeners.forEach((listener) => listener()))
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  output(): string {
    return this.text
  }

  /** Resolves once the output matches; fails with the output when the process exits first or time runs out. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`${this.label}: no ${pattern} after ${timeoutMs} ms; it printed:\n${this.tail()}`)),
        timeoutMs,
      )
      const finish = (error?: Error) => {
        clearTimeout(timer)
        this.listeners.delete(check)
        if (error) reject(error)
        else resolve()
      }
      const check = () => {
        if (pattern.test(this.text)) finish()
        else if (!this.running)
          finish(
            new Error(
              `${this.label} exited (${this.child.exitCode ?? this.child.signalCode}) before ${pattern}; it printed:\n${this.tail()}`,
            ),
          )
      }
      this.listeners.add(check)
      check()
    })
  }

  tail(lines = 40): string {
    return this.text.split('\n').slice(-lines).join('\n')
  }
}

export interface Fetched {
  status: number
  headers: Record<string, string>
  body: string
}

/** fetch(), performed by a process inside a host: the test's only way onto the hosts' network. */
export interface HostFetch {
  (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number }): Promise<Fetched>
  close(): void
}

/** Reads one request a line on stdin, answers one JSON line on stdout; requests run side by side. */
const FETCH_SCRIPT = `
import { createInterface } from 'node:readline'
const say = (value) => process.stdout.write(JSON.stringify(value) + '\\n')
createInterface({ input: process.stdin }).on('line', async (line) => {
  const { id, url, method, headers, body, timeoutMs } = JSON.parse(line)
  try {
    const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs ?? 20000) })
    say({ id, status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() })
  } catch (error) {
    say({ id, error: String(error.cause?.message ?? error.message) })
  }
})
say({ ready: true })
`

/** Serves the files it reads as JSON on stdin ({ path: { type, body } }) at HOST:PORT. */
const FILES_SCRIPT = `
import { createServer } from 'node:http'
let input = ''
process.stdin.on('data', (chunk) => (input += chunk))
process.stdin.on('end', () => {
  const files = JSON.parse(input)
  createServer((req, res) => {
    const file = files[new URL(req.url, 'http://x').pathname]
    if (!file) return res.writeHead(404).end()
    res.writeHead(200, { 'content-type': file.type }).end(file.body)
  }).listen(Number(process.env.PORT), process.env.HOST, () => console.log('serving files'))
})
`

export interface TestHost {
  name: string
  netns: string
  address: string
  /** Starts `command args` inside this host. */
  spawn(command: string, args: string[], options?: { env?: NodeJS.ProcessEnv; label?: string; stdin?: boolean }): HostProcess
  /**
   * Starts a command already wrapped for this host (e.g. one that runs a program from an image);
   * `stdinFile` becomes its standard input, which it can also open as /dev/fd/0.
   */
  start(
    wrapped: { command: string; args: string[] },
    options?: { env?: NodeJS.ProcessEnv; label?: string; stdinFile?: string },
  ): HostProcess
  /** Runs `command args` inside this host to its end; fails with its output unless it exits 0. */
  exec(command: string, args: string[], options?: { env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<string>
  /** SIGKILLs every process on this host, as if the machine were switched off. */
  crash(): void
  /** A fetch that runs on this host. */
  fetcher(): Promise<HostFetch>
  /** Serves these documents over HTTP at this host's address and port. */
  serveFiles(port: number, files: Record<string, { type: string; body: string }>): Promise<HostProcess>
}

export interface TestNetwork {
  /** The /24 every host has its address on, e.g. 10.213.7.0/24. */
  subnet: string
  hosts: Record<string, TestHost>
  /** A scratch folder of the run, removed with the network. */
  dir: string
  close(): Promise<void>
}

/** A process's standard input: none, a pipe the test writes to, or a file (opened on this side, so it reaches a chroot too). */
type Stdin = 'ignore' | 'pipe' | { file: string }

function startProcess(
  label: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv | undefined,
  stdin: Stdin,
  all: HostProcess[],
): HostProcess {
  const fd = typeof stdin === 'object' ? openSync(stdin.file, 'r') : undefined
  const child = spawn(command, args, { env: env ?? process.env, stdio: [typeof stdin === 'object' ? fd : stdin, 'pipe', 'pipe'] })
  if (fd !== undefined) closeSync(fd)
  const started = new HostProcess(label, child)
  all.push(started)
  return started
}

async function fetcherOn(host: TestHost): Promise<HostFetch> {
  const probe = host.spawn(NODE, ['--input-type=module', '-e', FETCH_SCRIPT], { label: `fetch on ${host.name}`, stdin: true })
  await probe.waitFor(/"ready":true/, 10_000)
  const waiting = new Map<number, { resolve: (value: Fetched) => void; reject: (error: Error) => void }>()
  let next = 0
  createInterface({ input: probe.child.stdout! }).on('line', (line) => {
    const answer = JSON.parse(line) as Partial<Fetched> & { id?: number; error?: string }
    if (answer.id === undefined) return
    const pending = waiting.get(answer.id)
    waiting.delete(answer.id)
    if (answer.error !== undefined) pending?.reject(new Error(`fetch from ${host.name}: ${answer.error}`))
    else pending?.resolve(answer as Fetched)
  })
  void probe.exited.then(() => {
    for (const pending of waiting.values()) pending.reject(new Error(`the fetch process on ${host.name} exited:\n${probe.tail()}`))
  })
  const fetchOnHost = ((url, init = {}) =>
    new Promise<Fetched>((resolve, reject) => {
      const id = next++
      waiting.set(id, { resolve, reject })
      probe.child.stdin!.write(`${JSON.stringify({ id, url, ...init })}\n`)
    })) as HostFetch
  fetchOnHost.close = () => probe.child.stdin!.end()
  return fetchOnHost
}

function makeHost(name: string, netns: string, address: string, all: HostProcess[]): TestHost {
  const host: TestHost = {
    name,
    netns,
    address,
    spawn: (command, args, options = {}) =>
      startProcess(
        options.label ?? `${name}: ${path.basename(command)}`,
        'ip',
        ['netns', 'exec', netns, command, ...args],
        options.env,
        options.stdin ? 'pipe' : 'ignore',
        all,
      ),
    start: (wrapped, options = {}) =>
      startProcess(
        options.label ?? name,
        wrapped.command,
        wrapped.args,
        options.env,
        options.stdinFile ? { file: options.stdinFile } : 'ignore',
        all,
      ),
    exec: async (command, args, options = {}) => {
      try {
        const { stdout } = await run('ip', ['netns', 'exec', netns, command, ...args], {
          env: options.env ?? process.env,
          timeout: options.timeoutMs ?? 120_000,
          maxBuffer: 16 * 1024 * 1024,
        })
        return stdout
      } catch (error) {
        const failed = error as Error & { stdout?: string; stderr?: string }
        throw new Error(`${name}: ${command} ${args.join(' ')} failed: ${failed.message}\n${failed.stdout ?? ''}${failed.stderr ?? ''}`)
      }
    },
    crash: () => namespacePids(netns).forEach((pid) => killQuietly(pid, 'SIGKILL')),
    fetcher: () => fetcherOn(host),
    serveFiles: async (port, files) => {
      const server = host.spawn(NODE, ['--input-type=module', '-e', FILES_SCRIPT], {
        label: `files on ${name}`,
        stdin: true,
        env: { ...process.env, HOST: address, PORT: String(port) },
      })
      server.child.stdin!.end(JSON.stringify(files))
      await server.waitFor(/serving files/, 10_000)
      return server
    },
  }
  return host
}

async function ip(...args: string[]): Promise<void> {
  await run('ip', args)
}

/**
 * Makes one host per name, each with an address on the run's /24, all on one
 * bridge. Removed by close(), and on the test process's exit if close() never ran.
 */
export async function createTestNetwork(names: string[]): Promise<TestNetwork> {
  await checkNamespaces()
  sweepAbandonedRuns()
  const run = `${PREFIX}${process.pid}`
  const subnetByte = (process.pid % 250) + 1
  const switchNs = `${run}-net`
  const created: string[] = []
  const processes: HostProcess[] = []
  const dir = await mkdtemp(path.join(tmpdir(), `${run}-`))
  let closed = false
  const removeAll = () => {
    if (closed) return
    closed = true
    for (const started of processes) if (started.running) killQuietly(started.child.pid!, 'SIGKILL')
    removeNamespaces(created)
    rmSync(dir, { recursive: true, force: true })
  }
  // An interrupted run cleans up too; one killed outright is swept by the next (sweepAbandonedRuns).
  const onSignal = (signal: NodeJS.Signals) => {
    removeAll()
    process.kill(process.pid, signal)
  }
  const forget = () => {
    process.off('exit', removeAll)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
  process.once('exit', removeAll)
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    await ip('netns', 'add', switchNs)
    created.push(switchNs)
    await ip('-n', switchNs, 'link', 'add', 'br0', 'type', 'bridge')
    await ip('-n', switchNs, 'link', 'set', 'br0', 'up')
    const hosts: Record<string, TestHost> = {}
    for (const [index, name] of names.entries()) {
      const netns = `${run}-${name}`
      const address = `10.213.${subnetByte}.${index + 10}`
      await ip('netns', 'add', netns)
      created.push(netns)
      // The cable is made inside the bridge's namespace, its far end moved straight into the host: never in the machine's own.
      const port = `p${index}`
      await ip('-n', switchNs, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', netns)
      await ip('-n', switchNs, 'link', 'set', port, 'master', 'br0', 'up')
      await ip('-n', netns, 'addr', 'add', `${address}/24`, 'dev', 'eth0')
      await ip('-n', netns, 'link', 'set', 'eth0', 'up')
      await ip('-n', netns, 'link', 'set', 'lo', 'up')
      hosts[name] = makeHost(name, netns, address, processes)
    }
    return {
      subnet: `10.213.${subnetByte}.0/24`,
      hosts,
      dir,
      close: async () => {
        forget()
        removeAll()
      },
    }
  } catch (error) {
    forget()
    removeAll()
    throw error
  }
}
