import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor } from './cursor.js'

describe('ticket page cursors', () => {
  it('are opaque and decode to the same place', () => {
    const place = { openedAt: '2026-11-20T09:15:00.000Z', number: 'INC0012345' }
    const cursor = encodeCursor(place)
    expect(cursor).not.toContain('INC')
    expect(decodeCursor(cursor)).toEqual(place)
  })

  it.each(['', 'abc', 'not a cursor!', Buffer.from('t1|yesterday|INC1').toString('base64url')])('refuses %j', (bad) => {
    expect(() => decodeCursor(bad)).toThrow(/"after" is not a cursor of this list/)
  })
})
