import { describe, expect, it } from 'vitest'
import { auditLine } from './audit.js'
import { ReadLog, takeReads } from '../platform/reads.js'
import { auditSpoolDir, readSettings, subgraphSettingsFrom } from '../platform/settings.js'
import { cachedAnswer, readCachedAnswer } from './responseCache.js'

describe('audit settings', () => {
  it('keeps records 400 days and spools them in the data folder unless told otherwise', () => {
    const settings = readSettings({ HD4RES_DATA_DIR: '/srv/hd4res' })
    expect(settings.audit).toEqual({ enabled: true, retentionDays: 400, spoolDir: undefined, shipIntervalMs: 1000, logLines: false })
    expect(auditSpoolDir(settings)).toBe('/srv/hd4res/audit')
    expect(subgraphSettingsFrom(settings, 's'.repeat(32)).auditRetentionDays).toBe(400)
  })

  it('passes the retention period to the subgraphs and takes a spool folder of its own', () => {
    const settings = readSettings({
      HD4RES_AUDIT_RETENTION_DAYS: '30',
      HD4RES_AUDIT_SPOOL_DIR: '/var/spool/hd4res',
      HD4RES_AUDIT_LOG: 'on',
    })
    expect(subgraphSettingsFrom(settings, 's'.repeat(32)).auditRetentionDays).toBe(30)
    expect(auditSpoolDir(settings)).toBe('/var/spool/hd4res')
    expect(settings.audit.logLines).toBe(true)
  })

  it('refuses to switch the audit off in production, naming the setting', () => {
    expect(() => readSettings({ NODE_ENV: 'production', HD4RES_AUDIT: 'off' })).toThrow(
      /HD4RES_AUDIT=off is refused with NODE_ENV=production/,
    )
    expect(readSettings({ HD4RES_AUDIT: 'off' }).audit.enabled).toBe(false)
  })

  it('names the setting of a bad value', () => {
    expect(() => readSettings({ HD4RES_AUDIT_RETENTION_DAYS: '0' })).toThrow(/HD4RES_AUDIT_RETENTION_DAYS/)
    expect(() => readSettings({ HD4RES_AUDIT_SHIP_MS: 'soon' })).toThrow(/HD4RES_AUDIT_SHIP_MS/)
    expect(() => readSettings({ HD4RES_AUDIT: 'maybe' })).toThrow(/HD4RES_AUDIT/)
  })
})

describe('what an answer read', () => {
  it('is taken out of a subgraph answer, leaving the rest of its extensions', () => {
    const answer = { data: {}, extensions: { hd4res: { read: { projects: ['prj-0001'], publications: ['INCIDENTS'] } }, other: 1 } }
    expect(takeReads(answer)).toEqual({ projects: ['prj-0001'], publications: ['INCIDENTS'] })
    expect(answer).toEqual({ data: {}, extensions: { other: 1 } })
    const alone = { data: {}, extensions: { hd4res: { read: { denied: ['prj-0009'] } } } }
    expect(takeReads(alone)).toEqual({ denied: ['prj-0009'] })
    expect(alone).toEqual({ data: {} })
    const silent = { data: {} }
    expect(takeReads(silent)).toBeNull()
    const garbled = { extensions: { hd4res: { read: { projects: [1, 2] } } } }
    expect(takeReads(garbled)).toBeNull()
    expect(garbled).toEqual({})
  })

  it('is kept beside a cached answer, and an entry that does not say it is not an answer', () => {
    const log = new ReadLog()
    log.add({ projects: ['prj-0002', 'prj-0001', 'prj-0002'], publications: ['INCIDENTS'] })
    const entry = Buffer.from(cachedAnswer('{"data":{"me":{"id":"r"}}}\n', log.toJSON()))
    const read = readCachedAnswer(entry)!
    expect(read.answer.toString()).toBe('{"data":{"me":{"id":"r"}}}\n')
    // Sorted, as the audit record keeps them, whichever subgraph reported first.
    expect(read.reads).toEqual({ projects: ['prj-0001', 'prj-0002'], publications: ['INCIDENTS'] })
    // An entry whose reads are not lists of text is not trusted: a miss, answered and audited afresh.
    expect(readCachedAnswer(Buffer.from('hd4res-reads:{"projects":[1]}\n{"data":{}}'))).toBeNull()
    expect(readCachedAnswer(Buffer.from('hd4res-reads:[\n{"data":{}}'))).toBeNull()
    expect(readCachedAnswer(Buffer.from('{"data":{"me":{"id":"r"}}}\n'))).toBeNull()
    expect(log.toReads()).toEqual({ projects: ['prj-0001', 'prj-0002'], denied: [], publications: ['INCIDENTS'] })
  })
})

describe('an audit record as a line', () => {
  it('is the JSON text of the record, on a line of its own', () => {
    const record = {
      format: 'hd4res-audit/1' as const,
      id: '0b7c3a52-3f1e-4c6a-9d2b-6a1f0e4d9c11',
      at: '2026-11-21T08:00:00.000Z',
      requestId: 'req-1234-abcd',
      batchIndex: 2,
      researcherId: 'researcher "quoted" \\ \u00e9\u2028',
      claimedResearcherId: null,
      roles: ['researcher', 'operator'],
      operationName: 'Overview',
      operationHash: 'a'.repeat(64),
      projects: ['prj-0001'],
      deniedProjects: [],
      publications: ['INCIDENTS', 'STUDY_RECORD_COUNTS'],
      outcome: 'partial' as const,
      httpStatus: 200,
      errorCodes: ['FORBIDDEN'],
      fromCache: false,
      clientAddress: '::1',
    }
    expect(auditLine(record)).toBe(`${JSON.stringify(record)}\n`)
    const refused = {
      ...record,
      batchIndex: null,
      researcherId: null,
      operationName: null,
      operationHash: null,
      outcome: 'refused' as const,
      fromCache: true,
      clientAddress: null,
      // Lists whose entries JSON must escape: quotes, backslashes, control and non-ASCII characters.
      roles: ['ro"le', 'back\\slash'],
      projects: ['line\nbreak', 'tab\tand\u0001'],
      errorCodes: ['caf\u00e9', '\u2029'],
    }
    expect(auditLine(refused)).toBe(`${JSON.stringify(refused)}\n`)
    expect(auditLine(refused).indexOf('\n')).toBe(auditLine(refused).length - 1)
  })
})
