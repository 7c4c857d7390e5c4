/**
 * Live component status, through the gateway over HTTP: checks that arrive on
 * the documented schedule keep every component's status current, a component
 * whose checks stop reads UNKNOWN once the staleness rule says so, every
 * availability run (refused and failed ones too) is in the import log, and
 * the demo's ticker keeps status moving.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checksDocument, collectAvailability, configuredChecksDocument } from '../collectors/availability.js'
import { LIVE_CYCLE_MINUTES } from '../demo/live.js'
import { AVAILABILITY_SCHEDULE_DEFAULT, scheduleIntervalSeconds, STATUS_STALE_AFTER_SECONDS_DEFAULT } from '../platform/settings.js'
import { COMPONENTS } from '../subgraphs/kit/catalogue/components.js'
import { ENGINES, startTestGraph, type TestGraph } from './helpers/graph.js'

const run = promisify(execFile)
const MINUTE = 60_000
const ENV = { HD4RES_PUBLICATIONS_AVAILABLE: 'ALL' }
const STATUS = `{ components { id status { __typename ... on ComponentStatus {
  status checkedAt evidenceAgeSeconds staleAfterSeconds stale } } } }`

interface Status {
  status: string
  checkedAt: string | null
  evidenceAgeSeconds: number | null
  staleAfterSeconds: number
  stale: boolean
}

async function statuses(t: TestGraph): Promise<Record<string, Status>> {
  const res = await t.query<{ components: { id: string; status: Status & { __typename: string } }[] }>(STATUS)
  expect(res.body.errors).toBeUndefined()
  return Object.fromEntries(res.body.data!.components.map((c) => [c.id, c.status]))
}

const document = (name: string, body: unknown) => ({
  name,
  text: async () => (typeof body === 'string' ? body : JSON.stringify(body, null, 2)),
})

describe.each(ENGINES)('live component status (%s)', (engine) => {
  describe('on the documented schedule', () => {
    // Whole minutes: the components subgraph works status out once a minute.
    let now = Date.parse('2026-12-01T00:00:00Z')
    let t: TestGraph
    beforeAll(async () => {
      t = await startTestGraph({ engine, demo: false, env: ENV, clock: () => new Date(now) })
    }, 120_000)
    afterAll(() => t?.close())

    it('reads no component UNKNOWN while checks arrive, and one UNKNOWN once its checks stop for longer than the rule', async () => {
      const runEvery = scheduleIntervalSeconds(AVAILABILITY_SCHEDULE_DEFAULT) * 1000
      const staleAfter = STATUS_STALE_AFTER_SECONDS_DEFAULT * 1000
      expect(runEvery).toBe(5 * MINUTE)
      const start = now
      // HD4DevOps checks each component every 5 minutes, the components spread over the 5 minutes;
      // its endpoint answers the last 15 minutes of checks. HERA's monitoring stops after an hour.
      const stopsAt = start + 60 * MINUTE
      const checksUpTo = (until: number) =>
        COMPONENTS.flatMap((c, i) => {
          const out = []
          for (let at = until - 15 * MINUTE; at <= until; at += MINUTE) {
            const checked = Math.round(at / MINUTE) % 5 === i % 5 && !(c.id === 'HERA' && at > stopsAt)
            if (checked) out.push({ component: c.id, at: new Date(at).toISOString(), up: true, responseTimeMs: 100 + i })
          }
          return out
        })
      let heraUnknownFrom: number | null = null
      let heraLastCheck = 0
      for (now = start; now <= start + 100 * MINUTE; now += MINUTE) {
        if ((now - start) % runEvery === 0) {
          const outcome = await collectAvailability(
            t.db,
            document('https://hd4devops.example.be/api/checks', {
              format: 'hd4devops-checks/1',
              generatedAt: new Date(now).toISOString(),
              checks: checksUpTo(now),
            }),
            { now: () => new Date(now) },
          )
          expect(outcome.status).toBe('imported')
        }
        const s = await statuses(t)
        for (const c of COMPONENTS.filter((c) => c.id !== 'HERA')) {
          expect(s[c.id], `${c.id} at ${new Date(now).toISOString()}`).toMatchObject({
            status: 'OPERATIONAL',
            stale: false,
            staleAfterSeconds: 900,
          })
          expect(s[c.id]!.evidenceAgeSeconds).toBeLessThanOrEqual(runEvery / 1000 + 4 * 60)
        }
        const hera = s.HERA!
        expect(hera.evidenceAgeSeconds).toBe((now - Date.parse(hera.checkedAt!)) / 1000)
        heraLastCheck = Date.parse(hera.checkedAt!)
        if (hera.status === 'UNKNOWN') {
          heraUnknownFrom ??= now
          expect(hera.stale).toBe(true)
        } else {
          expect(heraUnknownFrom, 'UNKNOWN stays until checks come back').toBeNull()
          expect(hera).toMatchObject({ status: 'OPERATIONAL', stale: false })
        }
      }
      // HERA read UNKNOWN from the first minute its latest check was older than the rule, not before.
      expect(heraLastCheck).toBeLessThanOrEqual(stopsAt)
      expect(heraLastCheck).toBeGreaterThan(stopsAt - 5 * MINUTE)
      expect(heraUnknownFrom).toBe(heraLastCheck + staleAfter + MINUTE)
    }, 120_000)

    it('pulls the current checks from the configured endpoint, with its token', async () => {
      const body = JSON.stringify({
        format: 'hd4devops-checks/1',
        checks: [{ component: 'HERA', at: new Date(now).toISOString(), up: false }],
      })
      const seen: (string | undefined)[] = []
      const server: Server = createServer((req, res) => {
        seen.push(req.headers.authorization)
        if (req.headers.authorization !== 'Bearer t0ken') return res.writeHead(401).end()
        res.writeHead(200, { 'content-type': 'application/json' }).end(body)
      })
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      try {
        const checks = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/checks/current`
        const document = configuredChecksDocument(
          { dropWarningShare: 0.2, hd4devops: { checks, tokenEnv: 'HD4DEVOPS_TOKEN' } },
          { HD4DEVOPS_TOKEN: 't0ken' },
        )
        const outcome = await collectAvailability(t.db, document!, { now: () => new Date(now) })
        expect(outcome).toMatchObject({ status: 'imported', result: { rows: 1, outcome: 'succeeded' } })
        expect(seen).toEqual(['Bearer t0ken'])
        now += MINUTE
        expect((await statuses(t)).HERA).toMatchObject({ status: 'DOWN', stale: false, evidenceAgeSeconds: 60 })
      } finally {
        server.close()
      }
    }, 60_000)

    it('logs a refused document and a failed pull in the import log, with reason and place', async () => {
      const bad = {
        format: 'hd4devops-checks/1',
        checks: [
          { component: 'HERA', at: new Date(now - MINUTE).toISOString(), up: true, responseTimeMs: 90 },
          { component: 'HERA', at: new Date(now - MINUTE).toISOString(), up: true },
        ],
      }
      const refused = await collectAvailability(t.db, document('now.json', bad), { now: () => new Date(now) })
      expect(refused.status).toBe('refused')
      const server: Server = createServer((_req, res) => res.writeHead(503).end('maintenance'))
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/checks`
      try {
        const failed = await collectAvailability(t.db, checksDocument(url, { maxRetries: 0 }), { now: () => new Date(now) })
        expect(failed.status).toBe('refused')
      } finally {
        server.close()
      }
      const operator = await t.tokenFor('ops-1', ['operator'])
      const runs = await t.query(
        '{ collectorRuns(source: "hd4devops-availability", last: 3) { source day outcome rows message file place { line path } } }',
        {},
        operator,
      )
      expect(runs.body.errors).toBeUndefined()
      const [failedRun, refusedRun, succeededRun] = runs.body.data!.collectorRuns
      expect(failedRun).toMatchObject({ outcome: 'FAILED', rows: 0, message: `${url}: answered 503 (after retries)` })
      expect(refusedRun).toMatchObject({
        outcome: 'REFUSED',
        rows: 0,
        day: new Date(now).toISOString().slice(0, 10),
        file: 'now.json',
        place: { line: expect.any(Number), path: '$.checks[1]' },
        message: expect.stringMatching(/responseTimeMs/),
      })
      expect(succeededRun).toMatchObject({ outcome: 'SUCCEEDED' })
    }, 60_000)
  })

  describe('the demo ticker', () => {
    // The fifth cycle of the rotating schedule has both a slow and a down component (demo/live.ts).
    const firstMinute = Math.floor(Date.parse('2026-12-01T00:00:00Z') / MINUTE / LIVE_CYCLE_MINUTES)
    const cycle = firstMinute + ((4 - (firstMinute % 5) + 5) % 5)
    let now = cycle * LIVE_CYCLE_MINUTES * MINUTE
    let t: TestGraph
    beforeAll(async () => {
      t = await startTestGraph({ engine, demo: false, env: ENV, clock: () => new Date(now), liveChecks: { intervalMs: 50 } })
    }, 120_000)
    afterAll(() => t?.close())

    it('writes new checks every round, now and then a degraded or down component, seen through the gateway', async () => {
      const slow = COMPONENTS[cycle % COMPONENTS.length]!.id
      const down = COMPONENTS[(cycle * 3 + 1) % COMPONENTS.length]!.id
      const seen: Record<string, string>[] = []
      for (let phase = 0; phase < LIVE_CYCLE_MINUTES; phase++) {
        now = (cycle * LIVE_CYCLE_MINUTES + phase) * MINUTE
        const at = new Date(now).toISOString()
        // Status is worked out once a minute: ask once the ticker has written this minute's round.
        const deadline = Date.now() + 10_000
        const written = async () =>
          (await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM components.availability_checks WHERE checked_at = $1', [at]))[0]!
            .n
        while ((await written()) < COMPONENTS.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25))
        const s = await statuses(t)
        expect(Object.values(s).map((v) => v.checkedAt)).toEqual(COMPONENTS.map(() => at))
        seen.push(Object.fromEntries(Object.entries(s).map(([id, v]) => [id, v.status])))
      }
      const others = (phase: number, except: string[]) =>
        Object.entries(seen[phase]!)
          .filter(([id]) => !except.includes(id))
          .map(([, status]) => status)
      for (const phase of [0, 1, 2, 5, 6, 7]) expect(new Set(others(phase, []))).toEqual(new Set(['OPERATIONAL']))
      for (const phase of [3, 4]) {
        expect(seen[phase]![slow]).toBe('DEGRADED')
        expect(new Set(others(phase, [slow]))).toEqual(new Set(['OPERATIONAL']))
      }
      for (const phase of [8, 9]) expect(seen[phase]![down]).toBe('DOWN')
      // Its failed checks count for an hour: back up, but DEGRADED.
      for (const phase of [10, 11]) expect(seen[phase]![down]).toBe('DEGRADED')
    }, 120_000)
  })
})

describe('npm run collect -- availability', () => {
  const root = path.resolve(import.meta.dirname, '..')
  const dir = mkdtempSync(path.join(tmpdir(), 'hd4res-availability-cli-'))
  const env = { ...process.env, HD4RES_DATA_DIR: dir, DATABASE_URL: '' }
  const cli = async (args: string[]) => {
    try {
      const { stdout, stderr } = await run(path.join(root, 'node_modules/.bin/tsx'), [path.join(root, 'bin/collect.ts'), ...args], {
        env,
        cwd: root,
      })
      return { code: 0, out: stdout + stderr }
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string }
      return { code: e.code, out: e.stdout + e.stderr }
    }
  }

  it('imports a file of current checks, refuses a bad one, and collect runs shows both', async () => {
    const at = new Date(Date.now() - MINUTE).toISOString()
    const good = path.join(dir, 'good.json')
    const bad = path.join(dir, 'bad.json')
    writeFileSync(good, JSON.stringify({ format: 'hd4devops-checks/1', checks: [{ component: 'HERA', at, up: true, responseTimeMs: 80 }] }))
    writeFileSync(
      bad,
      `{\n  "format": "hd4devops-checks/1",\n  "checks": [\n    { "component": "HERA", "at": "${at}", "up": "yes" }\n  ]\n}\n`,
    )
    const imported = await cli(['availability', '--file', good])
    expect(imported).toMatchObject({ code: 0, out: expect.stringContaining(`${good}: 1 rows, succeeded`) })
    const refused = await cli(['availability', '--file', bad])
    expect(refused.code).toBe(1)
    expect(refused.out).toContain(`${bad}: REFUSED ${bad}:4 at $.checks[0].up: must be boolean`)
    expect((await cli(['availability', '--file', good, '--url', 'http://x'])).code).toBe(2)
    const runs = await cli(['runs'])
    const lines = runs.out.split('\n').filter((l) => l.includes('hd4devops-availability'))
    expect(lines[0]).toMatch(new RegExp(`refused\\s+0 rows  ${bad}:4 at \\$\\.checks\\[0\\]\\.up  must be boolean`))
    expect(lines[1]).toMatch(/succeeded\s+1 rows/)
  }, 120_000)
})
