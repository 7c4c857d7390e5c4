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
 *
 * Beside each data version comes the registry version (researchers and
 * memberships): the gateway forgets the memberships it knows only when that
 * one moves (onChange's registryChanged), not on every import. And the
 * version held before the last change is remembered with when this process
 * saw the change, so that the response cache can answer from it for a
 * bounded time while it recomputes (responseCache.ts, staleKeyFor).
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
  /**
   * Called when the version held changes, with the new one, or only the
   * registry version: registryChanged says whether memberships may have
   * changed (always, from a participants that does not name a registry version).
   */
  onChange?: (version: string, change: { registryChanged: boolean }) => void
  /** The clock that says when a change was seen (tests). */
  now?: () => number
}

/** The version held before the last change, and when this process saw that change. */
export interface PreviousVersion {
  version: string
  changedAt: number
}

export interface DataVersion {
  /** The version now. */
  current(): Promise<string>
  /** The version held before the last change, and when it changed; undefined until this process sees a change. */
  previous(): PreviousVersion | undefined
  /** Whether the stream of versions is open (the version held is then current). */
  readonly following: boolean
  /** Stops following. */
  close(): void
}

interface VersionStream {
  /** Opens the stream; three heartbeats missed and its body times out, and it is taken for dead. */
  open: () => Promise<Dispatcher.ResponseData>
  signal: AbortSignal
  /** Each version the stream names, as it names it, with the registry version when it names one. */
  onVersion: (line: VersionLine) => void
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
          onVersion(versionLine(JSON.parse(line)))
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

interface VersionLine {
  version: string
  /** Undefined from a participants subgraph that does not name it. */
  registry?: string
}

function versionLine(json: unknown): VersionLine {
  const { version, registry } = json as { version: string | number; registry?: string | number }
  return { version: String(version), registry: registry === undefined || registry === null ? undefined : String(registry) }
}

interface Held {
  version: string
  registry?: string
  at: number
}

/** Keeps each version given, and the one before the last change with when it was seen; tells onChange of each change. */
function versionKeeper(options: DataVersionOptions) {
  const now = options.now ?? Date.now
  const state: { known?: Held; previous?: PreviousVersion } = {}
  const hold = ({ version, registry }: VersionLine) => {
    const { known } = state
    const changed = known !== undefined && known.version !== version
    // Without a registry version, every new data version may carry new memberships.
    const registryChanged =
      known !== undefined && (registry === undefined || known.registry === undefined ? changed : known.registry !== registry)
    if (changed) state.previous = { version: known.version, changedAt: now() }
    state.known = { version, registry, at: Date.now() }
    if (changed || registryChanged) options.onChange?.(version, { registryChanged })
  }
  return { state, hold }
}

export function dataVersionSource(options: DataVersionOptions): DataVersion {
  const base = new URL(options.participantsUrl)
  const readUrl = new URL(VERSION_ROUTE, base)
  const changesUrl = new URL(VERSION_CHANGES_ROUTE, base)
  const headers = () => ({ [IDENTITY_HEADER]: gatewayIdentityHeader(options.secret) })
  const stop = new AbortController()
  // The stream's own connection, closed with it: a connection left in a shared pool would keep the subgraph's server from closing.
  const dispatcher = new Agent({ connections: 1 })
  const { state, hold } = versionKeeper(options)
  let pending: Promise<string> | undefined
  let following = false
  /** Versions the stream has delivered: a read that started before the last of them is older than it. */
  let streamed = 0

  const read = async () => {
    const before = streamed
    // A read is asked for by a request: participants' lines about it name that request.
    const response = await fetch(readUrl, { headers: { ...headers(), ...requestIdHeaders() }, signal: AbortSignal.timeout(2000) })
    if (!response.ok) throw new Error(`participants answered ${response.status} for the data version`)
    const line = versionLine(await response.json())
    if (streamed !== before) return state.known!.version
    hold(line)
    return line.version
  }

  void followVersions({
    open: () =>
      request(changesUrl, { dispatcher, headers: headers(), signal: stop.signal, headersTimeout: 5000, bodyTimeout: 3 * HEARTBEAT_MS }),
    signal: stop.signal,
    onVersion: (line) => {
      hold(line)
      streamed++
      following = true
    },
    onEnd: () => {
      following = false
    },
  })

  return {
    async current() {
      const { known } = state
      if (known && ((following && Date.now() - known.at < TRUSTED_FOLLOWED_MS) || Date.now() - known.at < options.freshnessMs))
        return known.version
      pending ??= read().finally(() => {
        pending = undefined
      })
      return pending
    },
    previous: () => state.previous,
    get following() {
      return following
    },
    close: () => {
      stop.abort()
      void dispatcher.destroy().catch(() => undefined)
    },
  }
}
