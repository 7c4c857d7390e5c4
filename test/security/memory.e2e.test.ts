/**
 * Memory one request cannot exhaust. The production entry point's gateway
 * (`npm run serve -- gateway`: a primary and one worker, with the heap limit
 * production gives a worker) in front of a test graph's subgraphs is sent
 * the largest requests its limits admit, built from the limits themselves,
 * several at once while other researchers ask their ordinary questions; and
 * the request that once ran a worker out of heap: four operations of ten
 * aliased three-year histories, 16 kB. At the end the worker is the same
 * process, every ordinary request was answered, and every large one was
 * answered or refused with its documented 4xx, never a 5xx or a dropped
 * connection.
 *
 * The test platform has 60 days of counts, but a history answers a point for
 * every day of its range whatever it holds (NotCollected, with its reason,
 * before a project's first count), so a three-year range is as large here as
 * on a platform with three years of data: the largest batch the limits admit
 * answers some 4 MB.
 */
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { buildSchema, parse } from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadDevIssuer } from '../../gateway/auth.js'
import { gatewayNodeFlags } from '../../gateway/cluster.js'
import { MAX_RANGE_DAYS, operationCost } from '../../gateway/cost.js'
import { readSettings, type GatewayLimits } from '../../platform/settings.js'
import { RECORD_COMPONENTS, SUBJECT_COMPONENTS } from '../../subgraphs/kit/catalogue/components.js'
import { loadPublicationRegistry } from '../../subgraphs/kit/catalogue/publications.js'
import { addDays } from '../../subgraphs/kit/dates.js'
import { gatewayProcessEnv, spawnGatewayProcess } from '../helpers/gatewayProcess.js'
import { startTestGraph } from '../helpers/graph.js'
import { descendants } from '../helpers/processTree.js'

const root = path.resolve(import.meta.dirname, '../..')
const schema = buildSchema(readFileSync(path.join(root, 'schema/api.graphql'), 'utf8'))
const costOf = (query: string) => operationCost(schema, parse(query), {})!.total

/** A key as long as a key may be and still cost 1: the answer repeats it in every point. */
const key = (name: string) => name.padEnd(31, '_')

/**
 * A history with the most bytes of answer for its cost the graph gives: a
 * point's withheld count and its reason (some 70 characters), under the
 * longest keys that cost nothing more, of the components the field publishes.
 */
function history(alias: string, field: 'studyRecordCountHistory' | 'uniqueSubjectCountHistory', from: string, days: number): string {
  const components = field === 'studyRecordCountHistory' ? RECORD_COMPONENTS : SUBJECT_COMPONENTS
  return `${alias}: ${field}(from: "${from}", to: "${addDays(from, days - 1)}", components: [${components.join(', ')}]) {
    ... on ${field === 'studyRecordCountHistory' ? 'StudyRecordCountHistory' : 'UniqueSubjectCountHistory'} {
      series { points { ${key('c')}: count { ... on NotCollected { ${key('r')}: reason } } } } } }`
}

/** One operation that costs as much as `budget` allows: histories of the longest range, then one of the days left. */
function largestOperation(budget: number, project: string, start: string, field: Parameters<typeof history>[1]): string {
  const fields: string[] = []
  const document = (extra: string[] = []) => `{ project(id: "${project}") { ${[...fields, ...extra].join(' ')} } }`
  for (let i = 0; ; i++) {
    // The most days the next history may have (a binary search, on the cost model itself).
    let [low, high] = [0, MAX_RANGE_DAYS]
    while (low < high) {
      const days = Math.ceil((low + high) / 2)
      if (costOf(document([history(`h${i}`, field, start, days)])) <= budget) low = days
      else high = days - 1
    }
    if (low === 0) break
    fields.push(history(`h${i}`, field, start, low))
    if (low < MAX_RANGE_DAYS) break
  }
  return document()
}

/**
 * The largest batches the limits admit: as many operations at the limit of
 * one as the batch's limit allows, and a full batch of operations sharing that
 * limit. Each operation is at least 99% of its budget.
 */
function largestBatches(limits: GatewayLimits): string[][] {
  const build = (count: number, budget: number) =>
    Array.from({ length: count }, (_, i) => {
      const field = i % 2 === 0 ? 'studyRecordCountHistory' : 'uniqueSubjectCountHistory'
      const query = largestOperation(budget, `prj-000${(i % 3) + 1}`, addDays('2023-11-22', i), field)
      expect(costOf(query)).toBeLessThanOrEqual(budget)
      expect(costOf(query)).toBeGreaterThan(budget * 0.99)
      return query
    })
  const perOperation = Math.min(limits.maxCost, limits.maxBatchCost)
  return [
    build(Math.min(limits.maxBatch, Math.floor(limits.maxBatchCost / perOperation)), perOperation),
    build(limits.maxBatch, Math.floor(limits.maxBatchCost / limits.maxBatch)),
  ]
}

/**
 * The request a tester sent: a batch of four operations, each of ten aliased
 * three-year histories of the nine components that hold records, 16 kB. Each
 * range is the longest a history answers, 1,096 days (one day more, and the
 * subgraphs refuse it unread). One such operation alone answered 12 MB.
 */
const TESTERS_REQUEST = Array.from({ length: 4 }, () => ({
  query: `{ ${Array.from(
    { length: 10 },
    (_, i) =>
      `a${i + 1}: project(id:"prj-0001"){ studyRecordCountHistory(from:"2023-11-22", to:"2026-11-21", components: [${RECORD_COMPONENTS.join(', ')}]) { ... on StudyRecordCountHistory { series { component { id } points { date count { __typename ... on ExactCount { value lowerBound upperBound } ... on NotCollected { reason } } } } } } }`,
  ).join('\n')} }`,
}))

/** What other researchers ask meanwhile: their home page (the example frontend's overview) and who they are. */
const ORDINARY = [
  readFileSync(path.join(root, 'operations/ProjectOverview.graphql'), 'utf8'),
  '{ me { id displayName } projects { id code name } }',
]

interface Answer {
  status: number
  /** The answer's text; null when the connection dropped before an answer. */
  text: string | null
  failure?: string
}

describe('memory one request cannot exhaust', () => {
  let child: ChildProcess
  let output = ''
  let graphqlUrl = ''
  let worker = 0
  let limits: GatewayLimits
  let heapFlag = ''
  let close: () => Promise<void> = async () => undefined
  const tokens: string[] = []

  const waitFor = async (pattern: RegExp) => {
    while (!pattern.test(output)) {
      if (child.exitCode !== null) throw new Error(`The gateway exited with ${child.exitCode}:\n${output}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    return pattern.exec(output)!
  }
  const send = async (body: unknown, token: string): Promise<Answer> => {
    try {
      const response = await fetch(graphqlUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      })
      return { status: response.status, text: await response.text() }
    } catch (error) {
      return { status: 0, text: null, failure: String((error as Error).cause ?? error) }
    }
  }
  /** The worker is the process that was started, alive, and none was started after it. */
  const expectSameWorker = () => {
    expect(() => process.kill(worker, 0)).not.toThrow()
    expect(output).not.toMatch(/gateway worker \d+ stopped|heap out of memory|FATAL ERROR/)
  }

  beforeAll(async () => {
    const t = await startTestGraph({ registry: loadPublicationRegistry({ available: 'ALL' }) })
    const dataDir = mkdtempSync(path.join(tmpdir(), 'hd4res-memory-'))
    const issuer = await loadDevIssuer(dataDir)
    // The demo researcher (the first three projects) and two other researchers of the demo platform.
    for (const sub of ['researcher-0001', 'researcher-0002', 'researcher-0003'])
      tokens.push(await issuer.sign({ sub, name: sub, roles: ['researcher'] }))
    const env = gatewayProcessEnv(t, dataDir, { HD4RES_GATEWAY_WORKERS: '1' })
    const settings = readSettings(env)
    limits = settings.limits
    heapFlag = gatewayNodeFlags(settings).find((flag) => flag.startsWith('--max-old-space-size='))!
    child = spawnGatewayProcess(env, (text) => (output += text))
    close = async () => {
      // The primary and its worker too: killing tsx alone would leave them running.
      for (const pid of [...descendants(child.pid!), child.pid!]) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // Gone already.
        }
      }
      await t.close()
    }
    await waitFor(/1 gateway worker ready/)
    graphqlUrl = (await waitFor(/gateway listening on (\S+\/graphql)/))[1]!
    // The worker: the one process the primary forked with the heap limit.
    const withFlag = descendants(child.pid!).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(heapFlag)
      } catch {
        return false
      }
    })
    expect(withFlag).toHaveLength(1)
    worker = withFlag[0]!
  }, 180_000)
  afterAll(async () => {
    await close()
  })

  it('runs its worker with the heap limit production gives it', () => {
    // Documents and query plans 30 MB each, the response cache off (as with Redis): 200 + 30 + 30.
    expect(heapFlag).toBe('--max-old-space-size=260')
    expect(readFileSync(`/proc/${worker}/cmdline`, 'utf8').split('\0')).toContain(heapFlag)
  })

  it('refuses the tester’s 16 kB request with QUERY_TOO_COMPLEX before anything runs, and stays up', async () => {
    const body = JSON.stringify(TESTERS_REQUEST)
    expect(body.length).toBeGreaterThan(15_000)
    expect(body.length).toBeLessThan(18_000)
    const answer = await send(TESTERS_REQUEST, tokens[0]!)
    expect(answer.status).toBe(400)
    const answers = JSON.parse(answer.text!) as { data?: unknown; errors?: { message: string; extensions: { code: string } }[] }[]
    expect(answers).toHaveLength(4)
    for (const one of answers) {
      expect(one.data).toBeUndefined()
      expect(one.errors![0]!.extensions.code).toBe('QUERY_TOO_COMPLEX')
      expect(one.errors![0]!.message).toMatch(
        /\(HD4RES_MAX_COST\): studyRecordCountHistory over 1,096 days × 9 components, asked 10 times, costs the most/,
      )
    }
    expectSameWorker()
    expect((await send({ query: ORDINARY[1] }, tokens[0]!)).status).toBe(200)
  })

  it('answers or refuses the largest requests the limits admit, several at once, while other researchers are answered', async () => {
    const batches = largestBatches(limits)
    for (const batch of batches) {
      expect(batch.length).toBeLessThanOrEqual(limits.maxBatch)
      expect(batch.map(costOf).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(limits.maxBatchCost)
    }
    const large: Answer[] = []
    const ordinary: Answer[] = []
    for (let round = 0; round < 3; round++) {
      let settled = false
      // Six at once, three of each shape, each on other days so that none is the same request twice.
      const sent = Promise.all(
        Array.from({ length: 6 }, (_, i) => {
          const shift = round * 6 + i
          const batch = batches[i % 2]!.map((query) => ({
            query: query.replaceAll(/"(\d{4}-\d{2}-\d{2})"/g, (_m, day) => `"${addDays(day, shift)}"`),
          }))
          return send(batch, tokens[0]!)
        }),
      ).finally(() => (settled = true))
      // Other researchers keep asking until the large ones are answered.
      const others = (async () => {
        for (let i = 0; !settled || i < 4; i++) {
          const token = tokens[1 + (i % 2)]!
          ordinary.push(await send({ query: ORDINARY[i % 2] }, token))
        }
      })()
      large.push(...(await sent))
      await others
    }

    for (const answer of ordinary) {
      expect(answer.failure).toBeUndefined()
      expect(answer.status, answer.text?.slice(0, 300)).toBe(200)
      const body = JSON.parse(answer.text!) as { data?: { me?: unknown }; errors?: unknown }
      expect(body.errors).toBeUndefined()
      expect(body.data?.me).toBeDefined()
    }
    for (const answer of large) {
      expect(answer.failure).toBeUndefined()
      expect([200, 400], answer.text?.slice(0, 300)).toContain(answer.status)
      const answers = JSON.parse(answer.text!) as { data?: unknown; errors?: { extensions: { code: string } }[] }[]
      for (const one of answers) {
        // Answered whole, or refused by a limit: the cost's or the answer's size.
        if (one.errors) expect(['QUERY_TOO_COMPLEX', 'ANSWER_TOO_LARGE']).toContain(one.errors[0]!.extensions.code)
        else expect(one.data).toBeDefined()
      }
    }
    // They were large: the limits admit answers of megabytes.
    expect(Math.max(...large.map((a) => a.text?.length ?? 0))).toBeGreaterThan(2_000_000)
    expectSameWorker()
  }, 900_000)
})
