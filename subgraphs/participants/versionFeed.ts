/**
 * The store's data version as a stream, for the gateway's response cache: a
 * line of JSON (`{"version":"…","registry":"…"}`, the registry version
 * beside the data version) once the stream opens, another whenever an
 * import changes the version (the store's NOTIFY on DATA_VERSION_CHANNEL),
 * and the version read afresh every HEARTBEAT_MS, so that a silent stream can
 * be told from a dead one and a notification lost on the way is made good.
 * While its stream is open the gateway trusts the version it holds; when the
 * stream ends it polls again. Every stream ends when the feed can no longer
 * vouch for it: the listening connection lost, the version unreadable, the
 * server closing.
 */
import { PassThrough } from 'node:stream'
import type { Db } from '../kit/store/db.js'
import { DATA_VERSION_CHANNEL } from '../kit/store/ops.js'
import { HEARTBEAT_MS } from '../../platform/routes.js'

export interface VersionFeed {
  /** A new stream of versions; its first line comes as soon as the version is read. Fails when the store cannot be listened to, or the feed is closed. */
  follow(): Promise<PassThrough>
  close(): Promise<void>
}

/** One line of the stream: the data version, and the registry version beside it. */
export interface VersionLine {
  version: string
  registry: string
}

export function versionFeed(db: Db, readVersion: () => Promise<VersionLine>, log: (message: string) => void): VersionFeed {
  /** Each open stream and the line it was last sent. */
  const followers = new Map<PassThrough, string | null>()
  let listening: Promise<() => Promise<void>> | null = null
  let heartbeat: NodeJS.Timeout | null = null
  let reading: Promise<void> | null = null
  let readAgain = false
  let closed = false

  const send = (stream: PassThrough, line: string) => {
    followers.set(stream, line)
    stream.write(`${line}\n`)
  }
  const endAll = () => {
    for (const stream of followers.keys()) stream.end()
    followers.clear()
  }

  // One read at a time; a NOTIFY during a read asks for one more after it, so the last read is never older than the last NOTIFY.
  // A heartbeat is a read too, sent to every stream: a NOTIFY lost on a half-open connection shows within one heartbeat.
  let repeatAll = false
  const refresh = (all = false) => {
    repeatAll ||= all
    if (reading) {
      readAgain = true
      return
    }
    const toAll = repeatAll
    repeatAll = false
    reading = readVersion()
      .then(({ version, registry }) => {
        const line = JSON.stringify({ version, registry })
        for (const [stream, sent] of followers) if (toAll || sent !== line) send(stream, line)
      })
      .catch((error: Error) => {
        log(`data version feed: the version could not be read (${error.message}); its streams end`)
        endAll()
      })
      .finally(() => {
        reading = null
        if (readAgain || repeatAll) {
          readAgain = false
          refresh()
        }
      })
  }

  const stopListening = () => {
    if (heartbeat) clearInterval(heartbeat)
    heartbeat = null
    listening = null
  }
  const listen = (): Promise<() => Promise<void>> => {
    if (listening) return listening
    const started: Promise<() => Promise<void>> = db
      .listen(DATA_VERSION_CHANNEL, {
        onNotify: () => refresh(),
        onLost: (error) => {
          if (listening !== started) return
          log(`data version feed: stopped listening (${error.message}); its streams end`)
          stopListening()
          endAll()
        },
      })
      .then(
        async (stop) => {
          // Closed, or lost and started again, while this one connected: it is not needed.
          if (closed || listening !== started) {
            await stop()
            throw new Error('the server is closing')
          }
          heartbeat = setInterval(() => refresh(true), HEARTBEAT_MS).unref()
          return stop
        },
        (error: unknown) => {
          if (listening === started) listening = null
          throw error
        },
      )
    listening = started
    return started
  }

  return {
    async follow() {
      if (closed) throw new Error('the server is closing')
      // Listening first, then the read: a change in between is not missed.
      await listen()
      if (closed) throw new Error('the server is closing')
      const stream = new PassThrough()
      followers.set(stream, null)
      stream.on('close', () => followers.delete(stream))
      refresh()
      return stream
    },
    async close() {
      closed = true
      const stop = listening
      stopListening()
      endAll()
      if (stop) await (await stop.catch(() => async () => undefined))()
    },
  }
}
