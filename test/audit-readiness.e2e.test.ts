/**
 * A gateway whose audit spool cannot be written withholds every answer
 * (503 AUDIT_UNAVAILABLE), so it is not ready: /readyz says 503 and why,
 * and the load balancer sends the requests to a replica that can record
 * them. Once the spool's disk has room again, the replica comes back by
 * itself. The spool lives on a small tmpfs the test fills (it needs root).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AUDIT_RETRY_MS } from '../gateway/audit.js'
import { startTestGraph, type TestGraph } from './helpers/graph.js'

const QUERY = '{ me { id } projects { code } }'

describe('readiness with an audit spool that cannot be written', { timeout: 90_000 }, () => {
  let t: TestGraph
  let spoolDir: string
  let mounted = false

  beforeAll(async () => {
    spoolDir = mkdtempSync(path.join(tmpdir(), 'hd4res-spool-'))
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'tmpfs', spoolDir], { stdio: 'pipe' })
      mounted = true
    } catch (error) {
      throw new Error(`This test mounts a small tmpfs for the audit spool, which needs root: ${(error as Error).message}`)
    }
    t = await startTestGraph({ env: { HD4RES_AUDIT: 'on', HD4RES_AUDIT_SPOOL_DIR: spoolDir, HD4RES_AUDIT_SHIP_MS: '60000' } })
  })
  afterAll(async () => {
    await t?.close()
    if (mounted) execFileSync('umount', [spoolDir])
    rmSync(spoolDir, { recursive: true, force: true })
  })

  const readyz = async () => {
    const response = await fetch(`${t.graph.url}/readyz`)
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }

  it('is ready while the spool writes, unready while it cannot, and ready again once it can', async () => {
    const first = await t.query(QUERY)
    expect(first.status).toBe(200)
    expect((await readyz()).status).toBe(200)

    // Fill the spool's disk: the next record cannot be written.
    const filler = path.join(spoolDir, 'filler')
    try {
      writeFileSync(filler, Buffer.alloc(1024 * 1024))
    } catch (error) {
      expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC')
    }
    // The spool's last page may still hold a record or two: the first answer that cannot be recorded is withheld.
    let withheld = await t.query(QUERY)
    for (let i = 0; i < 100 && withheld.status === 200; i++) withheld = await t.query(QUERY)
    expect(withheld.status).toBe(503)
    expect(withheld.body.errors?.[0]?.extensions?.code).toBe('AUDIT_UNAVAILABLE')
    expect(await readyz()).toEqual({ status: 503, body: expect.objectContaining({ status: 'not ready', audit: 'failing' }) })

    // Room again: after the retry interval the replica is ready, and its next answer is recorded and sent.
    rmSync(filler)
    await new Promise((resolve) => setTimeout(resolve, AUDIT_RETRY_MS + 200))
    expect((await readyz()).status).toBe(200)
    const again = await t.query(QUERY)
    expect(again.status).toBe(200)
    expect(again.body.data?.me?.id).toBe('researcher-0001')
    expect((await readyz()).status).toBe(200)
  })
})
