/**
 * The CSV writer: RFC 4180's quoting, CRLF records, numbers and empty cells,
 * the formula guard OWASP recommends, and a round trip through the reader.
 */
import { describe, expect, it } from 'vitest'
import { csvField, csvRow, csvRows, parseCsv } from './csv.js'

describe('the CSV writer', () => {
  it('writes plain text, numbers, booleans and empty cells as they are', () => {
    expect(csvRow(['prj-0001', 5155, true, null, undefined, ''])).toBe('prj-0001,5155,true,,,\r\n')
    expect(csvField(0)).toBe('0')
    expect(csvField(false)).toBe('false')
  })

  it('quotes a field holding a comma, a quote, CR or LF, and doubles its quotes', () => {
    expect(csvField('Liège, Belgium')).toBe('"Liège, Belgium"')
    expect(csvField('the "big" one')).toBe('"the ""big"" one"')
    expect(csvField('line one\nline two')).toBe('"line one\nline two"')
    expect(csvField('line one\r\nline two')).toBe('"line one\r\nline two"')
    expect(csvField('"')).toBe('""""')
  })

  it('leaves text with spaces, accents and semicolons unquoted', () => {
    expect(csvField('HD DWH Exploitation')).toBe('HD DWH Exploitation')
    expect(csvField('Sint-Niklaas; Gent')).toBe('Sint-Niklaas; Gent')
  })

  it('prefixes text that a spreadsheet would run as a formula with a quote, and quotes it', () => {
    expect(csvField('=HYPERLINK("http://evil.example","click")')).toBe(`"'=HYPERLINK(""http://evil.example"",""click"")"`)
    expect(csvField('+1+2')).toBe(`"'+1+2"`)
    expect(csvField('-2+3')).toBe(`"'-2+3"`)
    expect(csvField('@SUM(A1:A2)')).toBe(`"'@SUM(A1:A2)"`)
    expect(csvField('\tcmd')).toBe(`"'\tcmd"`)
    expect(csvField('\r=1')).toBe(`"'\r=1"`)
    // Only at the start: inside a text these are harmless.
    expect(csvField('a=b')).toBe('a=b')
    expect(csvField('HD4DP-v2')).toBe('HD4DP-v2')
  })

  it('writes numbers as numbers, negative ones too, and refuses what is not a number', () => {
    expect(csvField(-3)).toBe('-3')
    expect(csvField(2.5)).toBe('2.5')
    expect(() => csvField(Number.NaN)).toThrow(/NaN/)
    expect(() => csvField(Number.POSITIVE_INFINITY)).toThrow(/Infinity/)
  })

  it('ends every record with CRLF', () => {
    expect(
      csvRows([
        ['a', 'b'],
        ['c', 'd'],
      ]),
    ).toBe('a,b\r\nc,d\r\n')
    expect(csvRows([])).toBe('')
  })

  it('reads back what it wrote, field for field', () => {
    const rows = [
      ['number', 'short_description', 'count'],
      ['INC0001', 'Records rejected by HD Integration, "validation error"', '5'],
      ['INC0002', 'two\r\nlines\nand a lone\rCR', ''],
      ['INC0003', '', '0'],
      ['INC0004', 'ends with a comma,', '10'],
    ]
    expect(parseCsv(csvRows(rows))).toEqual(rows)
  })

  it('reads back a formula with its guard', () => {
    expect(parseCsv(csvRow(['=1+1', 'x']))).toEqual([["'=1+1", 'x']])
  })

  it('reads LF-only records and a last record without its line end', () => {
    expect(parseCsv('a,b\nc,d')).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ])
    expect(parseCsv('a,\r\n')).toEqual([['a', '']])
  })

  it('refuses a quote that is never closed, and text after a closing quote', () => {
    expect(() => parseCsv('"open,b\r\n')).toThrow(/never closed/)
    expect(() => parseCsv('"a"b,c\r\n')).toThrow(/after a closing quote/)
  })
})
