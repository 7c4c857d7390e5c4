import { describe, expect, it } from 'vitest'
import { ImportRefused, placeOf } from './errors.js'

describe('placeOf', () => {
  it('splits file, line and JSON path', () => {
    expect(placeOf('counts/HERA.json:14 at $.projects[2].records')).toEqual({
      file: 'counts/HERA.json',
      line: 14,
      path: '$.projects[2].records',
    })
    expect(placeOf('a.json:3:7')).toEqual({ file: 'a.json', line: 3, path: null })
    expect(placeOf('sn.json at $.result[1]')).toEqual({ file: 'sn.json', line: null, path: '$.result[1]' })
    expect(placeOf('HD_INTEGRATION (internal-counts query), row 2')).toEqual({
      file: 'HD_INTEGRATION (internal-counts query), row 2',
      line: null,
      path: null,
    })
  })

  it('is what an ImportRefused carries', () => {
    const error = new ImportRefused('x.json:2 at $.day', 'must match format "date"')
    expect(error.place).toEqual({ file: 'x.json', line: 2, path: '$.day' })
    expect(error.message).toBe('x.json:2 at $.day: must match format "date"')
  })
})
