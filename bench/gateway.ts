/**
 * Gateway throughput and latency, side by side on the same subgraph process:
 * ours (as deployed), stock @apollo/gateway, the ceiling (a bare node:http
 * server answering the same bytes) and, for the single-subgraph workload, the
 * subgraph called directly. Each workload runs for the same duration and
 * concurrency, three rounds; the median round is reported.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { DEV_AUDIENCE, DEV_ISSUER } from '../gateway/auth.js'
import { COMPONENT_IDS } from '../subgraphs/kit/components.js'
import { openDb } from '../subgraphs/kit/db.js'
import { IDENTITY_HEADER, signIdentity } from '../subgraphs/kit/identity.js'
import { createScratchDatabase } from '../test/helpers/scratchDatabase.js'

const root = path.resolve(import.meta.dirname, '..')
const tsx = path.join(root, 'node_modules/.bin/tsx')
const PORT = 4310
const DURATION = Number(process.env.HD4RES_BENCH_SECONDS ?? 5)
const CONNECTIONS = 16
const ROUNDS = 3

export interface GatewayBenchRow {
  workload: string
  contender: string
  requestsPerSecond: number
  p50: number
  p99: number
  errors: number
  peakRssMb: number | null
}

function start(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ child: ChildProcess; firstLine: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] })
    let buffer = ''
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString()
      const newline = buffer.indexOf('\n')
      if (newline >= 0) {
        child.stdout!.off('data', onData)
        resolve({ child, firstLine: buffer.slice(0, newline) })
      }
    }
    child.stdout!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)))
  })
}

async function stop(child: ChildProcess): Promise<number | null> {
  let out = ''
  child.stdout?.on('data', (c: Buffer) => (out += c.toString()))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
  const line = out.split('\n').find((l) => l.includes('peakRssMb'))
  return line ? (JSON.parse(line) as { peakRssMb: number }).peakRssMb : null
}

interface Load {
  url: string
  /** A request body and headers, drawn for each request. */
  next: () => { body: string; headers: Record<string, string> }
}

async function measure(load: Load): Promise<Omit<GatewayBenchRow, 'workload' | 'contender' | 'peakRssMb'>> {
  const rounds = []
  for (let r = 0; r < ROUNDS; r++) {
    const result = await autocannon({
      url: load.url,
      connections: CONNECTIONS,
      duration: DURATION,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => {
            const { body, headers } = load.next()
            return { ...request, body, headers: { ...request.headers, 'content-type': 'application/json', ...headers } }
          },
        },
      ],
    })
    rounds.push({
      requestsPerSecond: result.requests.average,
      p50: result.latency.p50,
      p99: result.latency.p99,
      errors: result.errors + result.non2xx + result.timeouts,
    })
  }
  rounds.sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)
  return rounds[Math.floor(rounds.length / 2)]!
}

export async function benchGateway(log: (line: string) => void): Promise<{ rows: GatewayBenchRow[]; store: string }> {
  const engine = process.env.DATABASE_URL ? 'postgres' : 'pglite'
  const size = process.env.HD4RES_BENCH_SIZE ?? (engine === 'postgres' ? 'large' : 'default')
  const database = await createScratchDatabase(engine, 'hd4res_benchgw')
  const secret = 'b'.repeat(48)
  const work = mkdtempSync(path.join(tmpdir(), 'hd4res-benchgw-'))
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true })
  const publicJwk = { ...(await exportJWK(publicKey)), kid: 'dev-1', alg: 'ES256' }
  const rows: GatewayBenchRow[] = []
  let subgraphs: ChildProcess | undefined
  try {
    log(`starting the subgraphs on ${engine} (${size} demo platform; the first start fills it)…`)
    const started = await start(['bench/subgraphs-process.ts', database.url, size, secret])
    subgraphs = started.child
    const { urls } = JSON.parse(started.firstLine) as { urls: Record<string, string> }

    // Researchers and their projects, read once from the store (a second connection; PostgreSQL only).
    let researchers: { id: string; projects: string[] }[] = []
    if (engine === 'postgres') {
      const db = await openDb({ databaseUrl: database.url, poolSize: 1 })
      const rows = await db.query<{ researcher_id: string; projects: string[] }>(
        `SELECT researcher_id, array_agg(project_id ORDER BY project_id) AS projects FROM participants.memberships GROUP BY researcher_id ORDER BY researcher_id LIMIT 300`,
      )
      researchers = rows.map((r) => ({ id: r.researcher_id, projects: r.projects }))
      await db.close()
    } else {
      // The embedded store is held by the subgraph process; the demo's first researchers are known.
      researchers = [{ id: 'researcher-0001', projects: ['prj-0001', 'prj-0002', 'prj-0003'] }]
    }
    const people = await Promise.all(
      researchers.map(async (r) => ({
        ...r,
        token: await new SignJWT({ name: r.id, roles: ['researcher'] })
          .setProtectedHeader({ alg: 'ES256', kid: 'dev-1' })
          .setSubject(r.id)
          .setIssuer(DEV_ISSUER)
          .setAudience(DEV_AUDIENCE)
          .setIssuedAt()
          .setExpirationTime('2h')
          .sign(privateKey),
      })),
    )
    const identityOf = (r: (typeof people)[number]) => signIdentity({ sub: r.id, name: r.id, roles: ['researcher'], projects: r.projects }, secret)
    const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)]!

    const dashboard = `query Dashboard($id: ID!) { project(id: $id) { code name
      studyRecordCounts { ... on StudyRecordCounts { date components { component { id name } count { ... on ExactCount { value } ... on NotCollected { reason } } } } }
      uniqueSubjectCounts { ... on UniqueSubjectCounts { components { component { id } count { ... on ExactCount { value } ... on SuppressedCount { threshold } } } } }
      dataProviderOrganisations { ... on OrganisationList { totalCount items { name } } }
      componentStatus { ... on ComponentStatusList { items { component { id } status availability } } }
      incidents(first: 20) { ... on IncidentConnection { totalCount edges { node { number state priority openedAt } } } } } }`
    const history = `query History($id: ID!) { project(id: $id) { studyRecordCountHistory(from: "2025-11-22", to: "2026-11-21", components: [${COMPONENT_IDS.join(', ')}]) {
      ... on StudyRecordCountHistory { series { component { id } points { date count { ... on ExactCount { value } } } } } } } }`
    const small = '{ publications { id state } }'
    const repeated = people.slice(0, 5)

    type Workload = { name: string; query: string; people: typeof people; cache: boolean; direct?: string }
    const workloads: Workload[] = [
      { name: '(a) project dashboard, researchers at random, uncached', query: dashboard, people, cache: false },
      { name: '(b) project dashboard, 5 researchers repeating (9 a.m.)', query: dashboard, people: repeated, cache: true },
      { name: '(c) 365-day record-count history, 10 components', query: history, people: repeated, cache: false },
      { name: '(d) small single-subgraph query (publications)', query: small, people, cache: false, direct: urls.participants },
    ]
    for (const w of workloads) {
      const body = (r: (typeof people)[number]) => JSON.stringify({ query: w.query, variables: { id: r.projects[0] } })
      const contenders: [string, string, Load][] = [
        ['ours', 'ours', { url: `http://127.0.0.1:${PORT}/graphql`, next: () => { const r = pick(w.people); return { body: body(r), headers: { authorization: `Bearer ${r.token}` } } } }],
        ['stock @apollo/gateway', 'stock', { url: `http://127.0.0.1:${PORT}/graphql`, next: () => { const r = pick(w.people); return { body: body(r), headers: { [IDENTITY_HEADER]: identityOf(r) } } } }],
      ]
      for (const [label, kind, load] of contenders) {
        const gateway = await start(['bench/gateway-process.ts', kind, String(PORT), JSON.stringify({ urls, secret, publicJwk, cache: w.cache })])
        // The stock gateway's identity headers live 60 s: sign them afresh for every request.
        log(`${w.name}: ${label}…`)
        const m = await measure(load)
        if (label === 'ours') {
          // The ceiling answers exactly what ours answered, for the same request.
          const r = w.people[0]!
          const sample = await fetch(`http://127.0.0.1:${PORT}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${r.token}` }, body: body(r) })
          writeFileSync(path.join(work, 'ceiling.json'), Buffer.from(await sample.arrayBuffer()))
        }
        const peak = await stop(gateway.child)
        rows.push({ workload: w.name, contender: label, ...m, peakRssMb: peak })
        log(`  ${m.requestsPerSecond.toFixed(0)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, errors ${m.errors}, peak RSS ${peak?.toFixed(0)} MB`)
      }
      const ceiling = await start(['bench/gateway-process.ts', 'ceiling', String(PORT), JSON.stringify({ urls, secret, publicJwk, cache: false, ceilingBodyFile: path.join(work, 'ceiling.json') })])
      log(`${w.name}: ceiling…`)
      const c = await measure({ url: `http://127.0.0.1:${PORT}/graphql`, next: () => ({ body: body(pick(w.people)), headers: {} }) })
      rows.push({ workload: w.name, contender: 'ceiling (bare node:http, same bytes)', ...c, peakRssMb: await stop(ceiling.child) })
      if (w.direct) {
        log(`${w.name}: the subgraph directly…`)
        const d = await measure({ url: w.direct, next: () => { const r = pick(w.people); return { body: body(r), headers: { [IDENTITY_HEADER]: identityOf(r) } } } })
        rows.push({ workload: w.name, contender: 'direct (participants subgraph)', ...d, peakRssMb: null })
      }
    }
  } finally {
    if (subgraphs) await stop(subgraphs)
    await database.drop()
  }
  return { rows, store: `${engine === 'postgres' ? 'PostgreSQL 15 (local server)' : 'PGlite'}, ${size} demo platform` }
}
