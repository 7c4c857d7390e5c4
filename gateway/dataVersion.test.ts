/**
 * The data version the gateway holds: followed from the participants
 * subgraph's stream while it is open (no read per request, each change at
 * once), read at most every `freshnessMs` while it is not, and followed again
 * once the stream comes back.
 */
import { once } from 'node:events'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { dataVersionSource, type DataVersion } from './dataVersion.js'

/** A stand-in for the participants subgraph's two version routes. */
async function participants(options: { stream: boolean; slowReadMs?: number; firstLineAfterMs?: number }) {
  const state = { version: '1', registry: undefined as string | undefined, reads: 0, streams: new Set<http.ServerResponse>() }
  const server = http.createServer((request, response) => {
    if (request.url === '/internal/data-version') {
      state.reads++
      // What a slow read answers is what the store held when it began.
      const version = state.version
      response.setHeader('content-type', 'application/json')
      setTimeout(() => response.end(JSON.stringify({ version })), options.slowReadMs ?? 0)
      return
    }
    if (request.url === '/internal/data-version/changes' && options.stream) {
      response.writeHead(200, { 'content-type': 'application/x-ndjson' })
      setTimeout(
        () => response.write(`${JSON.stringify({ version: state.version, registry: state.registry })}\n`),
        options.firstLineAfterMs ?? 0,
      )
      state.streams.add(response)
      response.once('close', () => state.streams.delete(response))
      return
    }
    response.statusCode = 404
    response.end()
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    state,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`,
    /** A new version (and registry version, when it names one), pushed to every open stream. */
    change(version: string, registry?: string) {
      state.version = version
      state.registry = registry
      for (const stream of state.streams) stream.write(`${JSON.stringify({ version, registry })}\n`)
    },
    endStreams() {
      for (const stream of state.streams) stream.end()
    },
    close() {
      server.closeAllConnections()
      server.close()
    },
  }
}

async function until(condition: () => boolean): Promise<void> {
  for (let waited = 0; !condition() && waited < 3000; waited += 10) await sleep(10)
}

let source: DataVersion | undefined
let stand: Awaited<ReturnType<typeof participants>> | undefined
afterEach(() => {
  source?.close()
  stand?.close()
})

describe('the data version', () => {
  it('says whether the registry moved, and remembers the version before the last change with when it was seen', async () => {
    stand = await participants({ stream: true })
    stand.state.registry = 'r1'
    const changes: [string, boolean][] = []
    let clock = 5_000
    source = dataVersionSource({
      participantsUrl: stand.url,
      secret: 's'.repeat(32),
      freshnessMs: 0,
      now: () => clock,
      onChange: (v, { registryChanged }) => changes.push([v, registryChanged]),
    })
    await until(() => source!.following)
    expect(source.previous()).toBeUndefined()
    clock = 7_000
    // A counts import: the data version moves, the registry does not.
    stand.change('2', 'r1')
    await until(() => changes.length > 0)
    expect(source.previous()).toEqual({ version: '1', changedAt: 7_000 })
    // A registry change alone: memberships are forgotten, the previous data version stays what it was.
    clock = 9_000
    stand.change('2', 'r2')
    await until(() => changes.length > 1)
    expect(source.previous()).toEqual({ version: '1', changedAt: 7_000 })
    // A participants that names no registry version: every new data version may bring new memberships.
    stand.change('3')
    await until(() => changes.length > 2)
    expect(changes).toEqual([
      ['2', false],
      ['2', true],
      ['3', true],
    ])
    expect(source.previous()).toEqual({ version: '2', changedAt: 9_000 })
  })

  it('is followed while the stream is open: no reads, and each change at once', async () => {
    stand = await participants({ stream: true })
    const changes: string[] = []
    source = dataVersionSource({ participantsUrl: stand.url, secret: 's'.repeat(32), freshnessMs: 0, onChange: (v) => changes.push(v) })
    await until(() => source!.following)
    expect(source.following).toBe(true)
    expect(await source.current()).toBe('1')
    stand.change('2')
    await until(() => changes.length > 0)
    expect(await source.current()).toBe('2')
    expect(changes).toEqual(['2'])
    // freshnessMs 0 would read on every call: the stream made every read unneeded.
    expect(stand.state.reads).toBe(0)
  })

  it('is read, at most every freshnessMs, while there is no stream, and followed again when it comes back', async () => {
    stand = await participants({ stream: true })
    source = dataVersionSource({ participantsUrl: stand.url, secret: 's'.repeat(32), freshnessMs: 60_000 })
    await until(() => source!.following)
    stand.endStreams()
    await until(() => !source!.following)
    expect(source.following).toBe(false)
    // The last version followed is not older than freshnessMs: still trusted.
    expect(await source.current()).toBe('1')
    expect(stand.state.reads).toBe(0)
    // The stream is opened again after a pause.
    await until(() => source!.following)
    expect(source.following).toBe(true)
  })

  it('never lets a read that began before a streamed version take its place', async () => {
    // The stream opens at once but says nothing for 100 ms; a read takes 300 ms.
    stand = await participants({ stream: true, slowReadMs: 300, firstLineAfterMs: 100 })
    const changes: string[] = []
    source = dataVersionSource({ participantsUrl: stand.url, secret: 's'.repeat(32), freshnessMs: 0, onChange: (v) => changes.push(v) })
    // A read of version 1 begins; an import lands; the stream's first line names version 2; then the read answers 1.
    const slow = source.current()
    await sleep(30)
    stand.change('2')
    expect(await slow).toBe('2')
    expect(source.following).toBe(true)
    expect(await source.current()).toBe('2')
    expect(changes).toEqual([])
  })

  it('falls back to reading when the subgraph has no stream', async () => {
    stand = await participants({ stream: false })
    source = dataVersionSource({ participantsUrl: stand.url, secret: 's'.repeat(32), freshnessMs: 0 })
    expect(await source.current()).toBe('1')
    stand.change('2')
    expect(await source.current()).toBe('2')
    expect(stand.state.reads).toBe(2)
    expect(source.following).toBe(false)
  })
})
