/**
 * A gateway process's audit spool: local files to which each audit record is
 * appended as one JSON line, with a synchronous write on an O_APPEND
 * descriptor, before the answer leaves. The write takes microseconds, and
 * once it has returned the line is the kernel's: a gateway killed right after
 * answering has still written it. A shipper sends what is spooled, in
 * batches, to the store (`ship`), and remembers how far it got; it resumes
 * from there when the process starts again, and sends again whatever a crash
 * left unconfirmed (the store keeps a record once, by its id).
 *
 * The spool is a row of segments, oldest first; records are appended to the
 * newest, and each start begins a new one. A segment is deleted once all of
 * it is shipped and a newer one exists; the newest is closed for a new one
 * once all of it is shipped and it has grown past `rotateBytes`. So the spool
 * stays small while the store answers, and keeps every record (and grows)
 * while it does not. How far the store has confirmed is one small record,
 * written in place: the oldest segment's number and the bytes of it shipped.
 * A count that moved on before its segment was deleted, or a segment deleted
 * before its count moved on, both read back right after a crash.
 *
 * Files, for a spool named `gateway-0` in `dir`:
 *   gateway-0.<n>.jsonl       segment n: the records, one JSON line each
 *   gateway-0.shipped         "<n> <bytes>": how much of segment n the store has confirmed (older segments are done)
 *   gateway-0.lock            the process id of the gateway that writes the spool
 *   gateway-0.rejected.jsonl  lines the store could not read, with the reason, kept for an operator
 */
import {
  appendFileSync,
  closeSync,
  constants,
  fdatasync,
  fstatSync,
  mkdirSync,
  openSync,
  read,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import path from 'node:path'
import type { AuditShipAnswer } from '../platform/auditRecord.js'

/**
 * Sends whole lines, as they are in the file (one JSON record each, each
 * ending with a newline), to the store; throws when they were not taken in
 * (they are sent again later). The answer names, by their place among the
 * lines, those the store could not read.
 */
export type ShipLines = (lines: Buffer) => Promise<AuditShipAnswer>

export interface SpoolLog {
  warn(message: string): void
  error(message: string): void
}

export interface AuditSpoolOptions {
  /** The spool folder, made (owner-only) if missing. */
  dir: string
  /** The files' stem: one per gateway process (gateway-<slot>). */
  name: string
  ship: ShipLines
  /** Milliseconds between shipping rounds (and between flushes of the files to the disk). */
  intervalMs: number
  log: SpoolLog
  /** Start a new segment once all of the newest is shipped and it holds at least this many bytes. */
  rotateBytes?: number
  /** The most bytes of lines sent in one batch. */
  batchBytes?: number
}

const NEWLINE = 0x0a
const DEFAULT_ROTATE_BYTES = 4 * 2 ** 20
const DEFAULT_BATCH_BYTES = 2 ** 20
/** The shipped record's width: written in place, always whole. */
const SHIPPED_WIDTH = 40

/** Spools open in this process: two gateways in one process must not share one. */
const openHere = new Set<string>()

interface Segment {
  n: number
  file: string
  /** Bytes in it; every append has returned for all of them, so a read up to here sees whole lines. */
  size: number
  /** Opened once it is the oldest, for the shipper. */
  readFd?: number
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Takes the spool's lock file, or says who holds it; a lock left by a process that is gone is taken over. */
function takeLock(lockFile: string, spool: string): void {
  try {
    writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx', mode: 0o600 })
    return
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  const holder = Number(readFileSync(lockFile, 'utf8').trim())
  if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && processAlive(holder)) {
    throw new Error(`The audit spool ${spool} is in use by process ${holder}: give each gateway its own folder (HD4RES_AUDIT_SPOOL_DIR)`)
  }
  writeFileSync(lockFile, `${process.pid}\n`, { mode: 0o600 })
}

function readAt(fd: number, length: number, position: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length)
  return new Promise((resolve, reject) =>
    read(fd, buffer, 0, length, position, (error, bytesRead) => (error ? reject(error) : resolve(buffer.subarray(0, bytesRead)))),
  )
}

function sizeOf(file: string): number {
  const fd = openSync(file, 'r')
  try {
    return fstatSync(fd).size
  } finally {
    closeSync(fd)
  }
}

/** A line cut short (the machine lost power mid-write) is ended, so the records after it start lines of their own. */
function endTornLine(segment: Segment): void {
  if (segment.size === 0) return
  const last = Buffer.alloc(1)
  const fd = openSync(segment.file, 'r')
  try {
    readSync(fd, last, 0, 1, segment.size - 1)
  } finally {
    closeSync(fd)
  }
  if (last[0] !== NEWLINE) {
    appendFileSync(segment.file, '\n')
    segment.size += 1
  }
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

export class AuditSpool {
  private readonly base: string
  private readonly shippedFile: string
  private readonly lockFile: string
  readonly rejectedFile: string
  private readonly rotateBytes: number
  private readonly batchBytes: number
  private readonly segments: Segment[] = []
  private appendFd = -1
  private shippedFd = -1
  /** Bytes of the oldest segment the store has confirmed (or that were set aside as unreadable). */
  private shipped = 0
  private unsynced = false
  private syncing = false
  private round: Promise<void> | null = null
  private again = false
  private failing = false
  private closed = false
  private readonly timer: NodeJS.Timeout

  private constructor(private readonly options: AuditSpoolOptions) {
    this.base = path.join(options.dir, options.name)
    this.shippedFile = `${this.base}.shipped`
    this.lockFile = `${this.base}.lock`
    this.rejectedFile = `${this.base}.rejected.jsonl`
    this.rotateBytes = options.rotateBytes ?? DEFAULT_ROTATE_BYTES
    this.batchBytes = options.batchBytes ?? DEFAULT_BATCH_BYTES
    if (openHere.has(this.base)) {
      throw new Error(
        `The audit spool ${this.base} is already open in this process: give each gateway its own folder (HD4RES_AUDIT_SPOOL_DIR)`,
      )
    }
    mkdirSync(options.dir, { recursive: true, mode: 0o700 })
    takeLock(this.lockFile, this.base)
    openHere.add(this.base)
    try {
      this.shippedFd = openSync(this.shippedFile, constants.O_RDWR | constants.O_CREAT, 0o600)
      this.resume()
    } catch (error) {
      this.release()
      throw error
    }
    this.timer = setInterval(() => this.tick(), options.intervalMs).unref()
    // What the last process left unshipped goes first.
    if (this.unshippedBytes > 0) void this.shipRound()
  }

  /** Opens (or takes over) the spool, and starts shipping what it holds. */
  static open(options: AuditSpoolOptions): AuditSpool {
    return new AuditSpool(options)
  }

  /** The segment records are appended to now. */
  get file(): string {
    return this.segments.at(-1)!.file
  }

  /** Appends whole lines (each ending with a newline) in one write; throws when they could not be written. */
  append(lines: string): void {
    if (this.closed) throw new Error('the audit spool is closed')
    const length = Buffer.byteLength(lines)
    let written = writeSync(this.appendFd, lines)
    // A short write (a full disk, say) continues where it stopped, or throws.
    if (written < length) {
      const bytes = Buffer.from(lines, 'utf8')
      while (written < length) written += writeSync(this.appendFd, bytes, written, length - written)
    }
    this.segments.at(-1)!.size += length
    this.unsynced = true
  }

  /** Bytes appended that the store has not confirmed yet. */
  get unshippedBytes(): number {
    let bytes = -this.shipped
    for (const segment of this.segments) bytes += segment.size
    return bytes
  }

  /** Ships what has been appended so far; true when the store has confirmed all of it. */
  async flush(): Promise<boolean> {
    while (this.round) await this.round
    if (this.unshippedBytes > 0) await this.shipRound()
    return this.unshippedBytes === 0
  }

  /** Stops the timer, ships once more, and lets the files go; what is left unshipped waits for the next start. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearInterval(this.timer)
    while (this.round) await this.round
    if (this.unshippedBytes > 0) await this.shipRound(true)
    this.release()
  }

  /** Picks up what the last process left, from where the store stopped confirming, and begins a segment for this one. */
  private resume(): void {
    const pattern = new RegExp(`^${escapeRegExp(path.basename(this.base))}\\.(\\d+)\\.jsonl$`)
    const found = readdirSync(path.dirname(this.base))
      .map((name) => pattern.exec(name))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => Number(match[1]))
      .sort((a, b) => a - b)
    const [recordedN, recordedBytes] = this.readShipped()
    let newest = recordedN
    for (const n of found) {
      newest = Math.max(newest, n)
      const file = this.segmentFile(n)
      // Older than the one the count names: all of it was confirmed.
      if (n < recordedN) {
        rmSync(file, { force: true })
        continue
      }
      const segment: Segment = { n, file, size: sizeOf(file) }
      endTornLine(segment)
      this.segments.push(segment)
    }
    const oldest = this.segments[0]
    // A count past the end of its segment, or of one since deleted, starts from the beginning: shipping again is harmless.
    this.shipped = oldest && oldest.n === recordedN && recordedBytes <= oldest.size ? recordedBytes : 0
    this.startSegment(newest + 1)
    this.dropShipped()
    this.saveShipped()
  }

  private segmentFile(n: number): string {
    return `${this.base}.${n}.jsonl`
  }

  /** A new segment for appends; the one before it is appended to no more. */
  private startSegment(n: number): void {
    const file = this.segmentFile(n)
    const fd = openSync(file, 'a', 0o600)
    if (this.appendFd >= 0) closeSync(this.appendFd)
    this.appendFd = fd
    this.segments.push({ n, file, size: fstatSync(fd).size })
  }

  /** Deletes the oldest segments while all of one is shipped and a newer one exists. Synchronous, so no append comes in between. */
  private dropShipped(): void {
    while (this.segments.length > 1 && this.shipped >= this.segments[0]!.size) {
      const done = this.segments.shift()!
      this.shipped = 0
      // The count moves on first: a crash in between leaves an older segment, which the next start knows is done.
      this.saveShipped()
      if (done.readFd !== undefined) closeSync(done.readFd)
      rmSync(done.file, { force: true })
    }
  }

  private readShipped(): [number, number] {
    const match = /^(\d+) (\d+)$/.exec(readFileSync(this.shippedFile, 'utf8').trim())
    return match ? [Number(match[1]), Number(match[2])] : [0, 0]
  }

  /** In place, in one small write: the oldest segment's number and the bytes of it shipped. */
  private saveShipped(): void {
    writeSync(this.shippedFd, `${`${this.segments[0]!.n} ${this.shipped}`.padEnd(SHIPPED_WIDTH - 1)}\n`, 0)
  }

  private release(): void {
    for (const fd of [this.appendFd, this.shippedFd, ...this.segments.map((s) => s.readFd ?? -1)]) {
      if (fd < 0) continue
      try {
        closeSync(fd)
      } catch {
        // already closed
      }
    }
    rmSync(this.lockFile, { force: true })
    openHere.delete(this.base)
  }

  private tick(): void {
    // To the disk now and then, off the answer's path: a power cut loses at most this interval's records.
    if (this.unsynced && !this.syncing) {
      this.unsynced = false
      this.syncing = true
      fdatasync(this.appendFd, () => fdatasync(this.shippedFd, () => (this.syncing = false)))
    }
    if (this.unshippedBytes > 0) void this.shipRound()
  }

  private setAside(line: string, problem: string): void {
    this.options.log.error(
      `audit spool: a record the store cannot read is set aside in ${this.rejectedFile} (${problem}): ${line.slice(0, 2000)}`,
    )
    appendFileSync(this.rejectedFile, `${JSON.stringify({ problem, line })}\n`, { mode: 0o600 })
  }

  /** One round at a time; a round asked for during one runs right after it. */
  private shipRound(final = false): Promise<void> {
    if (this.round) {
      this.again = true
      return this.round
    }
    this.round = this.shipAll(final)
      .catch((error: Error) => {
        if (!this.failing)
          this.options.log.warn(
            `audit spool: records could not be shipped (${error.message}); they stay in ${this.options.dir} and are sent again`,
          )
        this.failing = true
      })
      .finally(() => {
        this.round = null
        if (this.again && !final) {
          this.again = false
          void this.shipRound()
        }
      })
    return this.round
  }

  private async shipAll(final: boolean): Promise<void> {
    for (;;) {
      const segment = this.segments[0]!
      if (this.shipped >= segment.size) {
        if (this.segments.length > 1) {
          this.dropShipped()
          continue
        }
        // The newest, all shipped: past its size, records go to a new segment and this one goes.
        if (!final && !this.closed && segment.size >= this.rotateBytes) {
          this.startSegment(segment.n + 1)
          this.dropShipped()
        }
        return
      }
      segment.readFd ??= openSync(segment.file, 'r')
      const start = this.shipped
      let chunk = await readAt(segment.readFd, Math.min(this.batchBytes, segment.size - start), start)
      let end = chunk.lastIndexOf(NEWLINE)
      // One line longer than a batch: read on to its end (every append ends with a newline).
      if (end < 0) {
        chunk = await readAt(segment.readFd, segment.size - start, start)
        end = chunk.indexOf(NEWLINE)
        if (end < 0) return
      }
      // The lines go as they are: reading them is the store's work, not the gateway's.
      const lines = chunk.subarray(0, end + 1)
      const answer = await this.options.ship(lines)
      if (answer.rejected?.length) {
        const texts = lines.toString('utf8').split('\n')
        for (const { index, problem } of answer.rejected) if (texts[index] !== undefined) this.setAside(texts[index], problem)
      }
      if (this.failing) this.options.log.warn('audit spool: shipping works again')
      this.failing = false
      this.shipped = start + end + 1
      this.saveShipped()
    }
  }
}
