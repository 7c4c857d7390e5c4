import { describe, expect, it } from 'vitest'
import { decodeCursor, encodeCursor } from './cursor.js'

const SECRET = 's'.repeat(40)
const LIST = { projectId: 'prj-0001', kind: 'incident', order: 'NEWEST_FIRST' }
const PLACE = { openedAt: '2026-11-20T09:15:00.000Z', number: 'INC0012345' }
const signed = (payload: string) => {
  // A well-formed cursor around any payload, signed with another key: what an edit by hand gives at best.
  const [version, , signature] = encodeCursor(PLACE, LIST, SECRET).split('.')
  return `${version}.${Buffer.from(payload).toString('base64url')}.${signature}`
}

describe('ticket page cursors', () => {
  it('are opaque and decode to the same place', () => {
    const cursor = encodeCursor(PLACE, LIST, SECRET)
    expect(cursor).not.toContain('INC')
    expect(decodeCursor(cursor, LIST, SECRET)).toEqual(PLACE)
  })

  it('are read with any secret of a rotation, and signed with the first', () => {
    const old = encodeCursor(PLACE, LIST, 'o'.repeat(40))
    expect(decodeCursor(old, LIST, `${'n'.repeat(40)},${'o'.repeat(40)}`)).toEqual(PLACE)
    expect(() => decodeCursor(old, LIST, 'n'.repeat(40))).toThrow(/was changed, or belongs to another list/)
  })

  it.each(['', 'abc', 'not a cursor!', Buffer.from('t1|yesterday|INC1').toString('base64url'), 't2.abc', 't2.a.b.c'])(
    'refuses the malformed %j',
    (bad) => {
      expect(() => decodeCursor(bad, LIST, SECRET)).toThrow(/"after" is not a cursor of this list/)
    },
  )

  it.each([
    '2026-02-30T00:00:00.000Z|INC1',
    '1|INC1',
    '+275760-09-13T00:00:00.000Z|INC1',
    '2026-11-20T09:15:00.000Z|INC\u00001',
    '2026-11-20T09:15:00.000Z|INC1|x',
  ])('refuses an edited place %j as changed', (payload) => {
    expect(() => decodeCursor(signed(payload), LIST, SECRET)).toThrow(/"after" was changed/)
  })

  it('refuses a cursor of another project, kind or order', () => {
    const cursor = encodeCursor(PLACE, LIST, SECRET)
    for (const other of [
      { ...LIST, projectId: 'prj-0002' },
      { ...LIST, kind: 'request' },
      { ...LIST, order: 'OLDEST_FIRST' },
    ]) {
      expect(() => decodeCursor(cursor, other, SECRET)).toThrow(/belongs to another list/)
    }
  })
})
