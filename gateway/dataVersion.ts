/**
 * The store's data version, as the gateway knows it: the response cache keys
 * on it and every subgraph call carries it as a hint (DATA_VERSION_HEADER).
 * The gateway follows the participants subgraph's stream of versions
 * (`/internal/data-version/changes`), which names each import's version as it
 * commits, and reads it afresh for each heartbeat; while that stream is open
 * and its last line is not overdue, the version held is trusted. Otherwise
 * (the subgraph unreachable, the stream ended, a heartbeat missed), the
 * version is read again whenever the last read is older than `freshnessMs`,
 * and the stream is opened again after a pause that doubles up to 30 s.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { Agent, request, type Dispatcher } from 'undici'
import { gatewayIdentityHeader, IDENTITY_HEADER } from '../platform/identity.js'
import { requestIdHeaders } from '../platform/log.js'
import { HEARTBEAT_MS, VERSION_CHANGES_ROUTE, VERSION_ROUTE } from '../platform/routes.js'

const FIRST_RETRY_MS = 500
/** A followed version is trusted until a heartbeat is overdue (each heartbeat reads the version afresh). */
const TRUSTED_FOLLOWED_MS = 2 * HEARTBEAT_MS
const LAST_RETRY_MS = 30_000

export interface DataVersionOptions {
  participantsUrl: string
  secret: string
  /** How long a version read (not followed) is trusted. */
  freshnessMs: number
  /** Called when the version held changes, with the new one. */
  onChange?: (version: string) => void
}

export interface DataVersion {
  /** The version now. */
  current(): Promise<string>
  /** Whether the stream of versions is open (the version held is then current). */
  readonly following: boolean
  /** Stops following. */
  close(): void
}

interface VersionStream {
  /** Opens the stream; three heartbeats missed and its body times out, and it is taken for dead. */
  open: () => Promise<Dispatcher.ResponseData>
  signal: AbortSignal
  /** Each version the stream names, as it names it. */
  onVersion: (version: string) => void
  /** The stream has ended, however it ended. */
  onEnd: () => void
}

/** Follows the stream until `signal` stops it, opening it again after a pause that doubles up to LAST_RETRY_MS; each line names a version. */
async function followVersions({ open, signal, onVersion, onEnd }: VersionStream): Promise<void> {
  let pause = FIRST_RETRY_MS
  while (!signal.aborted) {
    try {
      const { statusCode, body } = await open()
      if (statusCode !== 200) {
        await body.dump()
        throw new Error(`participants answered ${statusCode}`)
      }
      body.setEncoding('utf8')
      let rest = ''
      for await (const chunk of body as AsyncIterable<string>) {
        rest += chunk
        for (let end = rest.indexOf('\n'); end >= 0; end = rest.indexOf('\n')) {
          const line = rest.slice(0, end)
          rest = rest.slice(end + 1)
          onVersion(String((JSON.parse(line) as { version: string | number }).version))
          pause = FIRST_RETRY_MS
        }
      }
    } catch {
      // Unreachable, refused or cut off: read the version meanwhile, and try again after the pause.
    } finally {
      onEnd()
    }
    await sleep(pause, undefined, { signal }).catch(() => undefined)
    pause = Math.min(pause * 2, LAST_RETRY_MS)
  }
}

export function dataVersionSource(options: DataVersionOptions): DataVersion {
  const base = new URL(options.participantsUrl)
  const readUrl = new URL(VERSION_ROUTE, base)
  const changesUrl = new URL(VERSION_CHANGES_ROUTE, base)
  const headers = () => ({ [IDENTITY_HEADER]: gatewayIdentityHeader(options.secret) })
  const stop = new AbortController()
  // The stream's own connection, closed with it: a connection left in a shared pool would keep the subgraph's server from closing.
  const dispatcher = new Agent({ connections: 1 })
  let known: { version: string; at: number } | undefined
  let pending: Promise<string> | undefined
  let following = false
  /** Versions the stream has delivered: a read that started before the last of them is older than it. */
  let streamed = 0

  const hold = (version: string) => {
    const changed = known !== undefined && known.version !== version
    known = { version, at: Date.now() }
    if (changed) options.onChange?.(version)
  }

  const read = async () => {
    const before = streamed
    // A read is asked for by a request: participants' lines about it name that request.
    const response = await fetch(readUrl, { headers: { ...headers(), ...requestIdHeaders() }, signal: AbortSignal.timeout(2000) })
    if (!response.ok) throw new Error(`participants answered ${response.status} for the data version`)
    const version = String(((await response.json()) as { version: string | number }).version)
    if (streamed !== before) return known!.version
    hold(version)
    return version
  }

  void followVersions({
    open: () =>
      request(changesUrl, { dispatcher, headers: headers(), signal: stop.signal, headersTimeout: 5000, bodyTimeout: 3 * HEARTBEAT_MS }),
    signal: stop.signal,
    onVersion: (version) => {
      hold(version)
      streamed++
      following = true
    },
    onEnd: () => {
      following = false
    },
  })

  return {
    async current() {
      if (known && ((following && Date.now() - known.at < TRUSTED_FOLLOWED_MS) || Date.now() - known.at < options.freshnessMs))
        return known.version
      pending ??= read().finally(() => {
        pending = undefined
      })
      return pending
    },
    get following() {
      return following
    },
    close: () => {
      stop.abort()
      void dispatcher.destroy().catch(() => undefined)
    },
  }
}
