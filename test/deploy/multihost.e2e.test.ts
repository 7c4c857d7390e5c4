/**
 * The production topology, on test hosts of this machine (netns.ts): every
 * part of the graph from the image's file system on a host of its own, with
 * its own address. A database host runs PostgreSQL and Redis; the five
 * subgraphs, two gateway replicas, HAProxy in front of them with
 * deploy/haproxy/haproxy.cfg, an OIDC provider's keys, an HD4DevOps export,
 * a host for the jobs (migrate, seed, `collect all`) and a client host from
 * which every request is made. The test proves what an operator relies on:
 * the dashboard answers through the load balancer, the replicas share one
 * response cache, a replica lost or a subgraph lost costs what it should and
 * no more, a rolling restart loses no request, and the collectors' job fills
 * the store the graph reads.
 */
import { appendFileSync, chmodSync, chownSync, mkdirSync, writeFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { hd4devopsAvailabilityDocuments, hd4devopsCountsDocuments } from '../../demo/sources.js'
import { subgraphUrlVariable } from '../../platform/settings.js'
import { SUBGRAPH_NAMES } from '../../subgraphs/index.js'
import { addDays, todayUtc } from '../../subgraphs/kit/dates.js'
import { commandInImage, ensureImage, mountImage, signalInImage } from './image.js'
import { createTestNetwork, type HostFetch, type HostProcess, type TestHost, type TestNetwork } from './netns.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const HAPROXY_CONFIG = path.join(ROOT, 'deploy/haproxy/haproxy.cfg')
const PG_BIN = '/usr/lib/postgresql/15/bin'

const GATEWAYS = ['gateway-1', 'gateway-2'] as const
type GatewayName = (typeof GATEWAYS)[number]
const HOSTS = ['db', ...SUBGRAPH_NAMES, ...GATEWAYS, 'lb', 'client', 'idp', 'hd4devops', 'jobs']

const PORT = 4000
const LB_PORT = 8080
const STATS_PORT = 8404
const ISSUER = 'http://idp.test/realms/hd4res'
const AUDIENCE = 'hd4res'
const IDENTITY_SECRET = 'multi-host-test-identity-secret-0123456789'
/** The day the collectors' job imports; the demo data end the day before. */
const COLLECT_DAY = addDays(todayUtc(), -1)

/** The researchers' home page: their projects, each with its counts and incidents. */
const DASHBOARD = dashboard()

/** The dashboard; with `fresh`, one extra field makes a document the response cache has never seen. */
function dashboard(fresh?: string): string {
  return `query Dashboard {${fresh ? `\n  ${fresh}: __typename` : ''}
  me { id displayName }
  projects {
    id code name
    studyRecordCounts { __typename }
    incidents(first: 3) {
      __typename
      ... on IncidentConnection { totalCount edges { node { number state } } }
      ... on PublicationTemporarilyUnavailable { message }
    }
  }
}`
}

interface Answer {
  status: number
  headers: Record<string, string>
  body: { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] }
}

describe('the graph on several hosts, from the image, behind HAProxy', () => {
  let net: TestNetwork
  let imageRoot: string
  let unmountImage: (() => Promise<void>) | undefined
  let client: HostFetch
  let signer: CryptoKey
  const parts = new Map<string, HostProcess>()

  const host = (name: string): TestHost => net.hosts[name]!
  const address = (name: string) => host(name).address
  const lbUrl = () => `http://${address('lb')}:${LB_PORT}`
  const partUrl = (name: string) => `http://${address(name)}:${PORT}`

  /** The environment every part of the graph shares; the image's own (NODE_ENV=production, HOST) underneath. */
  const commonEnv = (): Record<string, string> => ({
    DATABASE_URL: `postgres://postgres@${address('db')}:5432/hd4res`,
    HD4RES_IDENTITY_SECRET: IDENTITY_SECRET,
    // The image is read-only and each process gets a fresh /tmp: the gateway's audit spool lives there for the
    // test's life (a deployment gives each replica a lasting volume instead).
    HD4RES_DATA_DIR: '/tmp/hd4res',
    LOG_LEVEL: 'warn',
    PORT: String(PORT),
  })

  const gatewayEnv = (): Record<string, string> => ({
    ...commonEnv(),
    ...Object.fromEntries(SUBGRAPH_NAMES.map((name) => [subgraphUrlVariable(name), `${partUrl(name)}/graphql`])),
    REDIS_URL: `redis://${address('db')}:6379`,
    HD4RES_RESPONSE_CACHE: 'on',
    HD4RES_OIDC_ISSUER: ISSUER,
    HD4RES_OIDC_AUDIENCE: AUDIENCE,
    HD4RES_OIDC_JWKS_URL: `http://${address('idp')}:${PORT}/jwks.json`,
    HD4RES_TRUSTED_PROXIES: address('lb'),
    HD4RES_SUBGRAPH_TIMEOUT_MS: '3000',
    HD4RES_SHUTDOWN_TIMEOUT_MS: '10000',
    // The steady load of the rolling restart comes from one researcher on one address: more than a person clicks.
    HD4RES_RATE_PER_RESEARCHER: '100000',
    HD4RES_RATE_PER_ADDRESS: '100000',
  })

  /** One run of the image's entry point on a host: `serve <args>`. */
  const inImage = (on: string, args: string[], env: Record<string, string>, stdinFile?: string): HostProcess => {
    return host(on).start(commandInImage(imageRoot, args, { netns: host(on).netns, env }), {
      label: `${on}: serve ${args.join(' ')}`,
      stdinFile,
    })
  }

  async function finished(started: HostProcess, timeoutMs = 90_000): Promise<string> {
    const { code, signal } = await exitOf(started, timeoutMs)
    if (code !== 0) throw new Error(`${started.label} exited ${code ?? signal}; it printed:\n${started.tail()}`)
    return started.output()
  }

  async function startPart(name: string): Promise<void> {
    const env = GATEWAYS.includes(name as GatewayName) ? gatewayEnv() : commonEnv()
    const started = inImage(name, [GATEWAYS.includes(name as GatewayName) ? 'gateway' : name], env)
    parts.set(name, started)
    await started.waitFor(/listening on/, 90_000)
    await until(`${name} ready`, async () => (await client(`${partUrl(name)}/readyz`)).status === 200)
  }

  async function token(sub: string, roles: string[]): Promise<string> {
    return new SignJWT({ name: sub === 'researcher-0001' ? 'An Peeters' : sub, roles })
      .setProtectedHeader({ alg: 'ES256', kid: 'test-1' })
      .setSubject(sub)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(signer)
  }

  async function ask(url: string, query: string, bearer?: string): Promise<Answer> {
    const res = await client(`${url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${bearer ?? (await token('researcher-0001', ['researcher']))}`,
      },
      body: JSON.stringify({ query }),
    })
    let body: Answer['body']
    try {
      body = JSON.parse(res.body) as Answer['body']
    } catch {
      throw new Error(`${url} answered ${res.status} with no JSON: ${res.body.slice(0, 500)}`)
    }
    return { status: res.status, headers: res.headers, body }
  }

  /** The load balancer's view of each replica: UP, DOWN, … (its statistics page). */
  async function replicaStates(): Promise<Record<string, string>> {
    const res = await client(`http://${address('lb')}:${STATS_PORT}/stats;csv`)
    const [header, ...rows] = res.body
      .trim()
      .split('\n')
      .map((line) => line.split(','))
    const column = (name: string) => header!.indexOf(name)
    return Object.fromEntries(
      rows
        .filter((row) => row[column('# pxname')] === 'gateways' && row[column('svname')]!.startsWith('gateway-'))
        .map((row) => [row[column('svname')]!, row[column('status')]!]),
    )
  }

  const bothReplicasUp = () =>
    until('both replicas UP on the load balancer', async () => Object.values(await replicaStates()).filter((s) => s === 'UP').length === 2)

  beforeAll(async () => {
    net = await createTestNetwork(HOSTS)
    const image = await mountImage(await ensureImage())
    imageRoot = image.root
    unmountImage = image.unmount
    client = await host('client').fetcher()
    await startDatabaseHost(net, host('db'))
    signer = await startIdentityProvider(host('idp'))
    await startHd4devopsExport(host('hd4devops'))

    const migrated = await finished(inImage('jobs', ['migrate'], commonEnv()))
    expect(migrated).toMatch(/migrations applied/)
    await seedDemo(host('jobs'), commonEnv().DATABASE_URL!, net.dir)

    await Promise.all(SUBGRAPH_NAMES.map(startPart))
    await Promise.all(GATEWAYS.map(startPart))
    parts.set(
      'lb',
      startLoadBalancer(
        host('lb'),
        GATEWAYS.map((name) => `${address(name)}:${PORT}`),
      ),
    )
    await bothReplicasUp()
  }, 900_000)

  // Each test starts from the whole topology, even after one before it failed half-way through an outage.
  beforeEach(async () => {
    const stopped = [...parts].filter(([name, started]) => name !== 'lb' && !started.running).map(([name]) => name)
    await Promise.all(stopped.map(startPart))
    await bothReplicasUp()
  }, 180_000)

  afterAll(async () => {
    client?.close()
    await net?.close()
    await unmountImage?.()
  }, 60_000)

  it('answers the dashboard through the load balancer, with a researcher token', async () => {
    const res = await ask(lbUrl(), DASHBOARD)
    expect(res.status).toBe(200)
    expect(res.body.errors).toBeUndefined()
    expect(res.body.data!.me).toEqual({ id: 'researcher-0001', displayName: 'An Peeters' })
    const projects = res.body.data!.projects as { id: string; incidents: { __typename: string; totalCount: number } }[]
    expect(projects.length).toBeGreaterThan(0)
    for (const project of projects) expect(project.incidents.__typename).toBe('IncidentConnection')
    expect(projects.some((p) => p.incidents.totalCount > 0)).toBe(true)
    expect(GATEWAYS).toContain(res.headers['x-hd4res-replica'])
  })

  it('shares the response cache: an answer replica 1 computed, replica 2 serves from Redis', async () => {
    // A document no earlier request sent, so neither replica can hold it yet.
    const query = `{ shared${Date.now()}: projects { id name } }`
    const first = await ask(partUrl('gateway-1'), query)
    expect(first.status).toBe(200)
    expect(first.headers['x-hd4res-cache']).toBe('miss')
    const second = await ask(partUrl('gateway-2'), query)
    expect(second.status).toBe(200)
    expect(second.headers['x-hd4res-cache']).toBe('hit')
    expect(second.body).toEqual(first.body)
  })

  it('keeps answering through the load balancer when a replica is killed', async () => {
    host('gateway-1').crash()
    await exitOf(parts.get('gateway-1')!, 10_000)
    const answers = await Promise.all(Array.from({ length: 12 }, () => ask(lbUrl(), DASHBOARD)))
    for (const res of answers) {
      expect(res.status).toBe(200)
      expect(res.body.errors).toBeUndefined()
      expect(res.headers['x-hd4res-replica']).toBe('gateway-2')
    }
    await until('gateway-1 DOWN on the load balancer', async () => (await replicaStates())['gateway-1'] !== 'UP')
    await startPart('gateway-1')
    await bothReplicasUp()
  }, 120_000)

  it('answers with partial data and one clear error while a subgraph is down, stays ready, and heals', async () => {
    const healthy = await ask(lbUrl(), DASHBOARD)
    expect(healthy.body.errors).toBeUndefined()

    host('support').crash()
    await exitOf(parts.get('support')!, 10_000)
    // Documents the response cache has not answered yet: each is worked out with support down, then back.
    const degraded = await ask(lbUrl(), dashboard('whileSupportDown'))
    expect(degraded.status).toBe(200)
    expect(degraded.body.data!.me).toEqual(healthy.body.data!.me)
    for (const project of degraded.body.data!.projects as { name: string; incidents: { __typename: string } }[]) {
      expect(project.name).toBeTruthy()
      expect(project.incidents.__typename).toBe('PublicationTemporarilyUnavailable')
    }
    expect(degraded.body.errors).toHaveLength(1)
    expect(degraded.body.errors![0]!.message).toMatch(/support/)
    expect(degraded.body.errors![0]!.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'support' })
    expect(JSON.stringify(degraded.body)).not.toContain(address('support'))

    // The replicas can still serve everything else: ready, naming what is down, and kept in the rotation.
    // (A replica checks the subgraphs at most once a second, so the first probe may still hold the last check.)
    const expected = { ...Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, 'up'])), support: 'down' }
    for (const gateway of GATEWAYS) {
      let body: { status?: string; subgraphs?: Record<string, string> } = {}
      await until(
        `${gateway}'s /readyz naming support down`,
        async () => {
          const ready = await client(`${partUrl(gateway)}/readyz`)
          expect(ready.status).toBe(200)
          body = JSON.parse(ready.body) as typeof body
          return body.subgraphs?.support === 'down'
        },
        5000,
      )
      expect(body).toEqual({ status: 'ready', subgraphs: expected })
    }
    await new Promise((resolve) => setTimeout(resolve, 2500))
    expect(await replicaStates()).toEqual({ 'gateway-1': 'UP', 'gateway-2': 'UP' })

    await startPart('support')
    const healed = await ask(lbUrl(), dashboard('afterSupportReturned'))
    expect(healed.body.errors).toBeUndefined()
    const { afterSupportReturned, ...data } = healed.body.data!
    expect(afterSupportReturned).toBe('Query')
    expect(data).toEqual(healthy.body.data)
  }, 120_000)

  it('loses no request while each replica in turn is stopped (SIGTERM) and started again, under load', async () => {
    const results: { status: number; replica?: string; problem?: string }[] = []
    let loading = true
    const bearer = await token('researcher-0001', ['researcher'])
    const worker = async () => {
      for (let i = 0; loading; i++) {
        // Two documents in turn: one the cache answers, one it has not seen (each request goes through to the subgraphs).
        const query = i % 2 === 0 ? DASHBOARD : `{ load${Date.now()}${Math.random().toString(36).slice(2)}: projects { id } }`
        try {
          const res = await ask(lbUrl(), query, bearer)
          const problem = res.body.errors ? JSON.stringify(res.body.errors) : !res.body.data ? 'no data' : undefined
          results.push({ status: res.status, replica: res.headers['x-hd4res-replica'], problem })
        } catch (error) {
          results.push({ status: 0, problem: (error as Error).message })
        }
      }
    }
    const load = Promise.all(Array.from({ length: 4 }, worker))
    for (const gateway of GATEWAYS) {
      const before = results.length
      signalInImage(parts.get(gateway)!.child, 'SIGTERM')
      const { code } = await exitOf(parts.get(gateway)!, 30_000)
      expect(code, `${gateway} stopped gracefully`).toBe(0)
      await startPart(gateway)
      await bothReplicasUp()
      expect(results.length, 'requests answered while the replica restarted').toBeGreaterThan(before)
    }
    await new Promise((resolve) => setTimeout(resolve, 1000))
    loading = false
    await load
    const failed = results.filter((r) => r.status !== 200 || r.problem)
    expect(failed.slice(0, 3), `${failed.length} of ${results.length} requests failed`).toEqual([])
    expect(results.length).toBeGreaterThan(50)
    expect(new Set(results.map((r) => r.replica))).toEqual(new Set(GATEWAYS))
  }, 180_000)

  it("runs the collectors' job from the image against the same store, and the graph shows what it collected", async () => {
    const config = [
      'hd4devops:',
      `  counts: http://${address('hd4devops')}:${PORT}/hd4devops-counts-{component}-{day}.json`,
      `  availability: http://${address('hd4devops')}:${PORT}/hd4devops-availability-{component}-{day}.json`,
      'dropWarningShare: 0.9',
      '',
    ].join('\n')
    // The configuration reaches the job as a mounted file would: a file it opens by a path (its standard input's, /dev/fd/0).
    const configFile = path.join(net.dir, 'collectors.yaml')
    writeFileSync(configFile, config)
    const job = inImage('jobs', ['collect', 'all', '--config', '/dev/fd/0', '--day', COLLECT_DAY], commonEnv(), configFile)
    const output = await finished(job)
    expect(output).toMatch(/hd4devops-counts: ok/)
    expect(output).toMatch(/hd4devops-availability: ok/)

    const operator = await token('ops-1', ['researcher', 'operator'])
    for (const source of ['hd4devops-counts', 'hd4devops-availability']) {
      const res = await ask(lbUrl(), `{ collectorRuns(source: "${source}", last: 50) { day outcome rows startedAt } }`, operator)
      expect(res.body.errors).toBeUndefined()
      const runs = (res.body.data!.collectorRuns as { day: string; outcome: string; rows: number; startedAt: string }[]).filter(
        (run) => run.day === COLLECT_DAY,
      )
      // The demo data end the day before: every run for this day is the job's.
      expect(runs.length, `${source} runs for ${COLLECT_DAY}`).toBeGreaterThan(0)
      for (const run of runs) {
        expect(run.outcome).toBe('SUCCEEDED')
        expect(Date.parse(run.startedAt)).toBeGreaterThan(Date.now() - 5 * 60_000)
      }
      expect(runs.reduce((sum, run) => sum + run.rows, 0)).toBeGreaterThan(0)
    }
  }, 120_000)
})

/** How the process ended; fails, with what it printed, if it is still running after `timeoutMs`. */
async function exitOf(started: HostProcess, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${started.label} still runs after ${timeoutMs} ms; it printed:\n${started.tail()}`)),
      timeoutMs,
    )
  })
  return Promise.race([started.exited, late]).finally(() => clearTimeout(timer))
}

/** Polls until `check` holds, for at most `timeoutMs`. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      if (await check()) return
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** A PostgreSQL cluster of its own (initdb, run as postgres) and Redis without persistence, on the host's address. */
async function startDatabaseHost(net: TestNetwork, db: TestHost): Promise<void> {
  const data = path.join(net.dir, 'pgdata')
  chmodSync(net.dir, 0o711)
  mkdirSync(data, { mode: 0o700 })
  const postgres = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }))
  chownSync(data, postgres, postgres)
  await db.exec('runuser', ['-u', 'postgres', '--', `${PG_BIN}/initdb`, '-D', data, '-U', 'postgres', '-A', 'trust', '--no-sync'])
  appendFileSync(path.join(data, 'pg_hba.conf'), `host all all ${net.subnet} trust\n`)
  const server = db.spawn(
    'runuser',
    [
      '-u',
      'postgres',
      '--',
      `${PG_BIN}/postgres`,
      '-D',
      data,
      '-c',
      `listen_addresses=${db.address}`,
      '-c',
      `unix_socket_directories=${data}`,
      '-c',
      'fsync=off',
      '-c',
      'max_connections=300',
    ],
    { label: 'db: postgres' },
  )
  await server.waitFor(/ready to accept connections/, 60_000)
  await db.exec(`${PG_BIN}/psql`, ['-h', db.address, '-U', 'postgres', '-d', 'postgres', '-qc', 'CREATE DATABASE hd4res'])
  const redisDir = path.join(net.dir, 'redis')
  mkdirSync(redisDir)
  const redis = db.spawn(
    'redis-server',
    ['--bind', db.address, '--port', '6379', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', '--dir', redisDir],
    {
      label: 'db: redis',
    },
  )
  await redis.waitFor(/Ready to accept connections/, 30_000)
}

/** The OIDC provider's signing keys, published as Keycloak would; the test signs with the private half. */
async function startIdentityProvider(idp: TestHost): Promise<CryptoKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256')
  const jwk = { ...(await exportJWK(publicKey)), kid: 'test-1', alg: 'ES256', use: 'sig' }
  await idp.serveFiles(PORT, { '/jwks.json': { type: 'application/json', body: JSON.stringify({ keys: [jwk] }) } })
  return privateKey
}

/** HD4DevOps' daily export for the collected day, over HTTP as the real one is. */
async function startHd4devopsExport(hd4devops: TestHost): Promise<void> {
  const options = { size: 'small' as const, seed: 42, endDate: COLLECT_DAY }
  const files: Record<string, { type: string; body: string }> = {}
  for (const f of [...hd4devopsCountsDocuments(options), ...hd4devopsAvailabilityDocuments(options)]) {
    files[`/${f.fileName}`] = { type: 'application/json', body: JSON.stringify(f.document) }
  }
  await hd4devops.serveFiles(PORT, files)
}

/** The demo platform, written by `npm run seed` from the jobs host, as an operator fills a demonstration database. */
async function seedDemo(jobs: TestHost, databaseUrl: string, dataDir: string): Promise<void> {
  const tsx = path.join(ROOT, 'node_modules/.bin/tsx')
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    DATABASE_URL: databaseUrl,
    HD4RES_DATA_DIR: dataDir,
  }
  const seeded = await jobs.exec(
    tsx,
    [path.join(ROOT, 'bin/seed.ts'), '--size', 'small', '--seed', '42', '--end-date', addDays(COLLECT_DAY, -1)],
    { env },
  )
  expect(seeded).toMatch(/Filled the small demo platform/)
}

function startLoadBalancer(lb: TestHost, gateways: string[]): HostProcess {
  const env = {
    PATH: process.env.PATH ?? '',
    HD4RES_LB_BIND: `${lb.address}:${LB_PORT}`,
    HD4RES_LB_STATS: `${lb.address}:${STATS_PORT}`,
    HD4RES_GATEWAY_1: gateways[0]!,
    HD4RES_GATEWAY_2: gateways[1]!,
  }
  return lb.spawn('haproxy', ['-f', HAPROXY_CONFIG, '-db'], { env, label: 'lb: haproxy' })
}
