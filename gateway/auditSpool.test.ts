import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { AuditShipAnswer } from '../platform/auditRecord.js'
import { AuditSpool, type AuditSpoolOptions } from './auditSpool.js'

/** No process has this id: above Linux's largest (pid_max is at most 2^22). */
const GONE_PID = 2 ** 22 + 1

interface Store {
  batches: unknown[][]
  down: boolean
  /** Why the store refuses a record, or null to take it. */
  refuse?: (record: unknown) => string | null
}

const line = (n: number) => `${JSON.stringify({ n, text: `record ${n}` })}\n`

describe('the audit spool', () => {
  const open: AuditSpool[] = []
  const warnings: string[] = []
  const errors: string[] = []
  afterEach(async () => {
    for (const spool of open.splice(0)) await spool.close()
    warnings.length = 0
    errors.length = 0
  })

  function storeFor(): Store {
    return { batches: [], down: false }
  }

  function openSpool(dir: string, store: Store, options: Partial<AuditSpoolOptions> = {}): AuditSpool {
    const spool = AuditSpool.open({
      dir,
      name: 'gateway-0',
      intervalMs: 60_000,
      log: { warn: (m) => warnings.push(m), error: (m) => errors.push(m) },
      // Reads the lines as the participants subgraph does: each on its own, a bad one named by its place.
      ship: async (lines): Promise<AuditShipAnswer> => {
        if (store.down) throw new Error('connect ECONNREFUSED')
        const records: unknown[] = []
        const answer: AuditShipAnswer = { accepted: 0, rejected: [] }
        lines
          .toString('utf8')
          .split('\n')
          .forEach((text, index) => {
            if (text === '') return
            let record: unknown
            try {
              record = JSON.parse(text)
            } catch {
              answer.rejected.push({ index, problem: 'not JSON' })
              return
            }
            const problem = store.refuse?.(record)
            if (problem) answer.rejected.push({ index, problem })
            else records.push(record)
          })
        store.batches.push(records)
        answer.accepted = records.length
        return answer
      },
      ...options,
    })
    open.push(spool)
    return spool
  }

  const freshDir = () => mkdtempSync(path.join(tmpdir(), 'hd4res-spool-test-'))
  /** The count the spool keeps: [segment, bytes of it confirmed]. */
  const shippedOf = (dir: string) => readFileSync(path.join(dir, 'gateway-0.shipped'), 'utf8').trim().split(' ').map(Number)
  const segmentsIn = (dir: string) =>
    readdirSync(dir)
      .filter((name) => /^gateway-0\.\d+\.jsonl$/.test(name))
      .sort()
  const numbers = (store: Store) => store.batches.flat().map((r) => (r as { n: number }).n)

  it('writes each line to the file before append returns, and ships them in order, in batches', async () => {
    const dir = freshDir()
    const store = storeFor()
    const spool = openSpool(dir, store, { batchBytes: 100 })
    for (let n = 1; n <= 6; n++) spool.append(line(n))
    // On disk already, with nothing shipped yet.
    expect(segmentsIn(dir)).toEqual(['gateway-0.1.jsonl'])
    expect(readFileSync(spool.file, 'utf8')).toBe([1, 2, 3, 4, 5, 6].map(line).join(''))
    expect(spool.unshippedBytes).toBe(statSync(spool.file).size)
    expect(await spool.flush()).toBe(true)
    expect(numbers(store)).toEqual([1, 2, 3, 4, 5, 6])
    expect(store.batches.length).toBeGreaterThan(1)
    expect(spool.unshippedBytes).toBe(0)
    expect(shippedOf(dir)).toEqual([1, statSync(spool.file).size])
  })

  it('keeps what the store could not take, says so once, and ships it when the store is back', async () => {
    const dir = freshDir()
    const store = storeFor()
    const spool = openSpool(dir, store)
    store.down = true
    spool.append(line(1))
    expect(await spool.flush()).toBe(false)
    spool.append(line(2))
    expect(await spool.flush()).toBe(false)
    expect(warnings.filter((w) => /could not be shipped/.test(w))).toHaveLength(1)
    expect(spool.unshippedBytes).toBe(line(1).length + line(2).length)
    store.down = false
    expect(await spool.flush()).toBe(true)
    expect(numbers(store)).toEqual([1, 2])
    expect(warnings.at(-1)).toMatch(/works again/)
  })

  it('resumes where a gateway that was killed stopped, and sends what it left unconfirmed', async () => {
    const dir = freshDir()
    // What a killed process leaves: three lines, the first confirmed, and its lock.
    writeFileSync(path.join(dir, 'gateway-0.1.jsonl'), line(1) + line(2) + line(3))
    writeFileSync(path.join(dir, 'gateway-0.shipped'), `1 ${line(1).length}`)
    writeFileSync(path.join(dir, 'gateway-0.lock'), String(GONE_PID))
    const store = storeFor()
    const spool = openSpool(dir, store)
    expect(await spool.flush()).toBe(true)
    expect(numbers(store)).toEqual([2, 3])
    expect(readFileSync(path.join(dir, 'gateway-0.lock'), 'utf8').trim()).toBe(String(process.pid))
    // Shipped, and a newer segment exists: the old one goes.
    expect(segmentsIn(dir)).toEqual(['gateway-0.2.jsonl'])
  })

  it('leaves out segments older than the one its count names: they were shipped', async () => {
    const dir = freshDir()
    writeFileSync(path.join(dir, 'gateway-0.3.jsonl'), line(1))
    writeFileSync(path.join(dir, 'gateway-0.4.jsonl'), line(2) + line(3))
    writeFileSync(path.join(dir, 'gateway-0.shipped'), `4 ${line(2).length}`)
    const store = storeFor()
    const spool = openSpool(dir, store)
    expect(await spool.flush()).toBe(true)
    expect(numbers(store)).toEqual([3])
    expect(segmentsIn(dir)).toEqual(['gateway-0.5.jsonl'])
  })

  it('starts from the beginning when the count of shipped bytes is past the end of the file', async () => {
    const dir = freshDir()
    writeFileSync(path.join(dir, 'gateway-0.1.jsonl'), line(7))
    writeFileSync(path.join(dir, 'gateway-0.shipped'), '1 999999')
    const store = storeFor()
    const spool = openSpool(dir, store)
    expect(await spool.flush()).toBe(true)
    expect(numbers(store)).toEqual([7])
  })

  it('ends a line a crash cut short, sets it aside, and ships the records after it', async () => {
    const dir = freshDir()
    writeFileSync(path.join(dir, 'gateway-0.1.jsonl'), `${line(1)}{"n":2,"te`)
    const store = storeFor()
    const spool = openSpool(dir, store)
    spool.append(line(3))
    expect(await spool.flush()).toBe(true)
    expect(numbers(store)).toEqual([1, 3])
    const rejected = readFileSync(spool.rejectedFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(rejected).toEqual([{ problem: 'not JSON', line: '{"n":2,"te' }])
    expect(errors).toHaveLength(1)
  })

  it('sets aside the records the store refuses, with its reason, and goes on', async () => {
    const dir = freshDir()
    const store = storeFor()
    store.refuse = (r) => ((r as { n: number }).n === 2 ? 'httpStatus: too big' : null)
    const spool = openSpool(dir, store)
    for (const n of [1, 2, 3]) spool.append(line(n))
    expect(await spool.flush()).toBe(true)
    expect(spool.unshippedBytes).toBe(0)
    const [aside] = readFileSync(spool.rejectedFile, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(aside).toEqual({ problem: 'httpStatus: too big', line: line(2).trim() })
  })

  it('starts a new segment and deletes the old one once all of it is shipped and it has grown past its size', async () => {
    const dir = freshDir()
    const store = storeFor()
    const spool = openSpool(dir, store, { rotateBytes: 64 })
    for (let n = 1; n <= 5; n++) spool.append(line(n))
    expect(await spool.flush()).toBe(true)
    expect(segmentsIn(dir)).toEqual(['gateway-0.2.jsonl'])
    expect(statSync(spool.file).size).toBe(0)
    expect(shippedOf(dir)).toEqual([2, 0])
    spool.append(line(6))
    expect(await spool.flush()).toBe(true)
    expect(numbers(store)).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('deletes at start what was all shipped before, and ships nothing of it', async () => {
    const dir = freshDir()
    writeFileSync(path.join(dir, 'gateway-0.1.jsonl'), line(1))
    writeFileSync(path.join(dir, 'gateway-0.shipped'), `1 ${line(1).length}`)
    const store = storeFor()
    const spool = openSpool(dir, store)
    expect(segmentsIn(dir)).toEqual(['gateway-0.2.jsonl'])
    expect(statSync(spool.file).size).toBe(0)
    expect(await spool.flush()).toBe(true)
    expect(store.batches).toEqual([])
  })

  it('refuses a spool another live process writes, and a second one in this process', () => {
    const dir = freshDir()
    writeFileSync(path.join(dir, 'gateway-0.lock'), String(process.ppid))
    expect(() => openSpool(dir, storeFor())).toThrow(/in use by process .*HD4RES_AUDIT_SPOOL_DIR/)
    const other = freshDir()
    openSpool(other, storeFor())
    expect(() => openSpool(other, storeFor())).toThrow(/already open in this process/)
  })

  it('lets its lock go on close, after a last shipping round', async () => {
    const dir = freshDir()
    const store = storeFor()
    const spool = openSpool(dir, store)
    spool.append(line(1))
    await spool.close()
    expect(numbers(store)).toEqual([1])
    expect(existsSync(path.join(dir, 'gateway-0.lock'))).toBe(false)
    expect(() => spool.append(line(2))).toThrow(/closed/)
  })
})
