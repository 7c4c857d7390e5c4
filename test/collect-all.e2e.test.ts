/**
 * `collect all` from a configuration file, as cron or a systemd timer runs it,
 * and the same on the production entry point's own schedule.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectAll } from '../collectors/all.js'
import { loadCollectorsConfig } from '../collectors/config.js'
import { serviceNowRecords, writeFixtures } from '../demo/sources.js'
import { startCollectSchedule } from '../collectors/schedule.js'
import { addDays, todayUtc } from '../subgraphs/kit/dates.js'
import { startServiceNowStandin, type ServiceNowStandin } from './helpers/servicenowStandin.js'
import { startTestGraph, type TestGraph } from './helpers/graph.js'

const dir = mkdtempSync(path.join(tmpdir(), 'hd4res-all-'))

describe('collect all', () => {
  let t: TestGraph
  let standin: ServiceNowStandin
  let configFile: string
  const yesterday = addDays(todayUtc(), -1)

  beforeAll(async () => {
    t = await startTestGraph()
    await writeFixtures(dir, { size: 'small', seed: 42, endDate: yesterday, count: 40 })
    standin = await startServiceNowStandin({
      tables: {
        incident: serviceNowRecords('incident', { size: 'small', seed: 42, endDate: yesterday, count: 40 }),
        sc_request: [],
        task_sla: [],
      },
      auth: { token: 'opaque' },
    })
    configFile = path.join(dir, 'collectors.yaml')
    writeFileSync(
      configFile,
      [
        'hd4devops:',
        `  counts: ${path.join(dir, 'hd4devops/counts')}`,
        `  availability: ${path.join(dir, 'hd4devops/availability')}`,
        'servicenow:',
        `  baseUrl: ${standin.url}`,
        '  tokenEnv: TEST_SERVICENOW_TOKEN',
        '  pageSize: 15',
        'dropWarningShare: 0.5',
      ].join('\n'),
    )
  })
  afterAll(async () => {
    await standin?.close()
    await t?.close()
  })

  it('runs every configured source for the day and says how each went', async () => {
    const results = await collectAll(t.db, loadCollectorsConfig(configFile), { TEST_SERVICENOW_TOKEN: 'opaque' }, [yesterday])
    expect(results.map((r) => [r.source, r.ok])).toEqual([
      ['hd4devops-counts', true],
      ['hd4devops-availability', true],
      ['servicenow', true],
    ])
    expect(results[2]!.lines[0]).toMatch(/^40 tickets/)
    const [tickets] = await t.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM support.tickets WHERE kind = 'incident' AND number >= 'INC1000001'`,
    )
    expect(tickets!.n).toBe(40)
  })

  it('keeps going when one source fails, and reports it', async () => {
    const results = await collectAll(t.db, loadCollectorsConfig(configFile), {}, [yesterday])
    const servicenow = results.find((r) => r.source === 'servicenow')!
    expect(servicenow.ok).toBe(false)
    expect(servicenow.lines[0]).toMatch(/Set TEST_SERVICENOW_TOKEN/)
    expect(results.find((r) => r.source === 'hd4devops-counts')!.ok).toBe(true)
  })

  it('refuses a configuration with an unknown setting, naming it', () => {
    const bad = path.join(dir, 'bad.yaml')
    writeFileSync(bad, 'servicenow:\n  baseUrl: https://x.service-now.com\n  colour: blue\n')
    expect(() => loadCollectorsConfig(bad)).toThrow(/bad\.yaml: servicenow: Unrecognized key: "colour"/)
  })

  it('runs on its own schedule in the serving process', async () => {
    const lines: string[] = []
    const schedule = startCollectSchedule({
      db: t.db,
      configFile,
      cron: '* * * * * *',
      env: { TEST_SERVICENOW_TOKEN: 'opaque' },
      log: (l) => lines.push(l),
    })
    try {
      expect(schedule.nextRun()).toBeInstanceOf(Date)
      await expect.poll(() => lines.some((l) => /servicenow ok/.test(l)), { timeout: 15_000, interval: 200 }).toBe(true)
    } finally {
      schedule.stop()
    }
    expect(lines[0]).toBe(`collect all for ${yesterday}: starting`)
    expect(() => startCollectSchedule({ db: t.db, configFile, cron: 'every night', env: {}, log: () => {} })).toThrow(
      /is not a cron expression/,
    )
  })
})
