/**
 * Opaque page cursors: a ticket's place in the order (opening time, number),
 * so that pages stay stable while new tickets arrive. A cursor is signed
 * (HMAC-SHA-256 with a key derived from the identity secret) over its place
 * and the list it belongs to (project, kind, order): one edited by hand, or
 * taken from another list, is refused as such before any of it reaches the
 * store, and one that is well signed holds a place the store can read.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import { secretsOf } from '../../platform/identity.js'
import { badInput } from '../kit/graphql/access.js'
import type { PagePosition } from './store.js'

const VERSION = 't2'
/** A ServiceNow number: a table prefix and digits (INC0012345, RITM0001234, SCTASK0000123). */
const TICKET_NUMBER = /^[A-Z]{2,10}[0-9]{1,15}$/
const AGAIN = 'pass an edges.cursor or pageInfo.endCursor from a previous page of the same list, unchanged'

/** The list a cursor pages through: a cursor of one is no cursor of another. */
export interface CursorList {
  projectId: string
  kind: string
  order: string
}

// The key a secret gives, derived once: a page of fifty signs fifty cursors with it.
const derived = new Map<string, Buffer>()
const keyOf = (secret: string) => {
  let key = derived.get(secret)
  if (!key) {
    key = createHmac('sha256', secret).update('hd4res ticket page cursor').digest()
    // A rotation adds a secret now and then; a process never holds more than a few.
    if (derived.size >= 16) derived.clear()
    derived.set(secret, key)
  }
  return key
}
const mac = (key: Buffer, list: CursorList, payload: string) =>
  createHmac('sha256', key).update(`${VERSION}\n${list.projectId}\n${list.kind}\n${list.order}\n${payload}`).digest()

/** Signs with the first secret of the setting (the new one, during a rotation). */
export function encodeCursor(position: PagePosition, list: CursorList, secretSetting: string): string {
  const payload = Buffer.from(`${position.openedAt}|${position.number}`, 'utf8').toString('base64url')
  const signature = mac(keyOf(secretsOf(secretSetting)[0]!), list, payload).toString('base64url')
  return `${VERSION}.${payload}.${signature}`
}

/** The place a cursor names, or a BAD_USER_INPUT error on `after` that says what is wrong with it. */
export function decodeCursor(cursor: string, list: CursorList, secretSetting: string): PagePosition {
  const parts = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(cursor) ? cursor.split('.') : []
  const [version, payload, signature] = parts
  if (version !== VERSION || !payload || !signature) throw badInput(`"after" is not a cursor of this list: ${AGAIN}`, 'after')
  const given = Buffer.from(signature, 'base64url')
  const signed = secretsOf(secretSetting).some((secret) => {
    const expected = mac(keyOf(secret), list, payload)
    return expected.length === given.length && timingSafeEqual(expected, given)
  })
  if (!signed) throw badInput(`"after" was changed, or belongs to another list: ${AGAIN}`, 'after')
  const [openedAt, number, extra] = Buffer.from(payload, 'base64url').toString('utf8').split('|')
  // Signed by us, so only a cursor of an older release could fail here; checked all the same, the store takes it as it is.
  const time = openedAt ? new Date(openedAt) : null
  if (
    extra !== undefined ||
    !time ||
    Number.isNaN(time.getTime()) ||
    time.toISOString() !== openedAt ||
    !number ||
    !TICKET_NUMBER.test(number)
  ) {
    throw badInput(`"after" is not a cursor of this list: ${AGAIN}`, 'after')
  }
  return { openedAt, number }
}
