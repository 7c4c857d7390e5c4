/** The availability collector's parsing, and the settings that tie its schedule to the staleness rule. */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  AVAILABILITY_SCHEDULE_DEFAULT,
  readSettings,
  scheduleIntervalSeconds,
  stalenessProblem,
  STATUS_STALE_AFTER_SECONDS_DEFAULT,
} from '../platform/settings.js'
import { checksDocument, CLOCK_SKEW_MS, configuredChecksDocument, parseChecks } from './availability.js'
import { ImportRefused } from './errors.js'

const NOW = new Date('2026-12-01T10:00:00Z')
const doc = (checks: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ format: 'hd4devops-checks/1', generatedAt: '2026-12-01T09:59:30Z', checks, ...extra }, null, 2)

function refusal(text: string): ImportRefused {
  try {
    parseChecks(text, 'checks.json', NOW)
  } catch (error) {
    expect(error).toBeInstanceOf(ImportRefused)
    return error as ImportRefused
  }
  throw new Error('the document was accepted')
}

describe('parseChecks', () => {
  it('reads checks of several components, a down one without a response time', () => {
    const parsed = parseChecks(
      doc([
        { component: 'HERA', at: '2026-12-01T09:55:00Z', up: true, responseTimeMs: 130 },
        { component: 'BIOIT', at: '2026-12-01T09:55:00Z', up: false },
      ]),
      'checks.json',
      NOW,
    )
    expect(parsed.value.checks.map((c) => [c.component, c.up])).toEqual([
      ['HERA', true],
      ['BIOIT', false],
    ])
  })

  it('refuses what the schema forbids, naming the file, the line and the path', () => {
    const unknown = refusal(doc([{ component: 'FAX', at: '2026-12-01T09:55:00Z', up: true, responseTimeMs: 1 }]))
    expect(unknown.message).toMatch(/^checks\.json:\d+ at \$\.checks\[0\]\.component: must be one of "HD4DP_V2_LOCAL"/)
    const noTime = refusal(doc([{ component: 'HERA', at: '2026-12-01T09:55:00Z', up: true }]))
    expect(noTime.message).toMatch(/checks\[0\]/)
    expect(noTime.message).toMatch(/responseTimeMs/)
    expect(refusal(doc([], { format: 'hd4devops-availability/1' })).message).toMatch(/\$\.format: must be "hd4devops-checks\/1"/)
    expect(refusal('{"format": "hd4devops-checks/1", "checks": [').message).toMatch(/not valid JSON.*truncated/)
  })

  it('refuses a check after the document was written, or ahead of this clock', () => {
    const late = refusal(doc([{ component: 'HERA', at: '2026-12-01T09:59:45Z', up: true, responseTimeMs: 1 }]))
    expect(late.message).toMatch(/checks\[0\]\.at: check time 2026-12-01T09:59:45Z is after the document was written/)
    const ahead = new Date(NOW.getTime() + CLOCK_SKEW_MS + 1000).toISOString()
    const future = refusal(doc([{ component: 'HERA', at: ahead, up: true, responseTimeMs: 1 }], { generatedAt: undefined }))
    expect(future.message).toMatch(/is in the future/)
    expect(future.place.line).toBeGreaterThan(1)
  })
})

describe('where the checks come from', () => {
  it("is a file, an address, or the configuration's hd4devops.checks with its token", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hd4res-checks-'))
    const file = path.join(dir, 'now.json')
    writeFileSync(file, doc([]))
    expect(await checksDocument(file).text()).toContain('hd4devops-checks/1')
    expect(checksDocument('https://user:secret@hd4devops.example.be/api/checks').name).toBe(
      'https://user:***@hd4devops.example.be/api/checks',
    )
    expect(configuredChecksDocument({ dropWarningShare: 0.2 }, {})).toBeNull()
    expect(configuredChecksDocument({ dropWarningShare: 0.2, hd4devops: { checks: file } }, {})!.name).toBe(file)
  })
})

describe('the availability schedule and the staleness rule', () => {
  it('default to every 5 minutes and 15 minutes, which agree', () => {
    const settings = readSettings({})
    expect(settings.availability).toEqual({
      schedule: AVAILABILITY_SCHEDULE_DEFAULT,
      staleAfterSeconds: STATUS_STALE_AFTER_SECONDS_DEFAULT,
    })
    expect(AVAILABILITY_SCHEDULE_DEFAULT).toBe('*/5 * * * *')
    expect(scheduleIntervalSeconds(AVAILABILITY_SCHEDULE_DEFAULT)).toBe(300)
    expect(STATUS_STALE_AFTER_SECONDS_DEFAULT).toBe(900)
  })

  it('measures the longest wait between runs, a night included', () => {
    expect(scheduleIntervalSeconds('0 * * * *')).toBe(3600)
    expect(scheduleIntervalSeconds('*/5 8-17 * * *', new Date('2026-12-01T12:00:00Z'))).toBe(14 * 3600 + 5 * 60)
  })

  it("refuses at start-up a staleness rule no larger than the schedule's interval, saying why", () => {
    expect(() => readSettings({ HD4RES_STATUS_STALE_AFTER_SECONDS: '300' })).toThrow(
      'HD4RES_STATUS_STALE_AFTER_SECONDS (300) must be larger than the interval of HD4RES_AVAILABILITY_SCHEDULE "*/5 * * * *" (up to 300 s between runs)',
    )
    expect(() => readSettings({ HD4RES_AVAILABILITY_SCHEDULE: '0 * * * *' })).toThrow(
      /\(900\) must be larger .*up to 3600 s .*at least 10800/,
    )
    expect(() => readSettings({ HD4RES_AVAILABILITY_SCHEDULE: 'every 5 minutes' })).toThrow(
      /HD4RES_AVAILABILITY_SCHEDULE "every 5 minutes" is not a cron expression/,
    )
    expect(() => readSettings({ HD4RES_STATUS_STALE_AFTER_SECONDS: 'soon' })).toThrow(/HD4RES_STATUS_STALE_AFTER_SECONDS/)
    expect(readSettings({ HD4RES_STATUS_STALE_AFTER_SECONDS: '301' }).availability.staleAfterSeconds).toBe(301)
    expect(readSettings({ HD4RES_AVAILABILITY_SCHEDULE: 'off', HD4RES_STATUS_STALE_AFTER_SECONDS: '60' }).availability).toEqual({
      schedule: null,
      staleAfterSeconds: 60,
    })
    expect(stalenessProblem(null, 1)).toBeUndefined()
  })
})
