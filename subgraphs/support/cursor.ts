/**
 * Opaque page cursors: a ticket's place in the order (opening time, number),
 * so that pages stay stable while new tickets arrive.
 */
import { badInput } from '../kit/graphql/access.js'
import type { PagePosition } from './store.js'

const PREFIX = 't1|'

export function encodeCursor(position: PagePosition): string {
  return Buffer.from(`${PREFIX}${position.openedAt}|${position.number}`, 'utf8').toString('base64url')
}

export function decodeCursor(cursor: string): PagePosition {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : ''
  const [, openedAt, number] = text.startsWith(PREFIX) ? text.split('|') : []
  if (!openedAt || !number || Number.isNaN(Date.parse(openedAt))) {
    throw badInput(
      `"after" is not a cursor of this list: pass an edges.cursor or pageInfo.endCursor from a previous page`,
      'after',
    )
  }
  return { openedAt, number }
}
