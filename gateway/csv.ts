/**
 * CSV as RFC 4180 writes it: fields separated by commas, records ended by
 * CRLF, a field quoted when it holds a comma, a double quote, CR or LF, and a
 * double quote inside a quoted field doubled. No CSV library is installed,
 * and this is all the exports need.
 *
 * Text that a spreadsheet would run as a formula (a cell starting with =, +,
 * -, @, a tab or a carriage return, as OWASP's "CSV injection" guidance lists
 * them) gets a leading single quote and is quoted, so that Excel, LibreOffice
 * and Google Sheets show it as text. Numbers are written as numbers and never
 * escaped: a count is not a formula.
 */

/** One cell: text (escaped against formulas), a number, a boolean, or nothing (null and undefined write an empty field). */
export type CsvCell = string | number | boolean | null | undefined

const NEEDS_QUOTES = /[",\r\n]/
const FORMULA_START = /^[=+\-@\t\r]/

/** One field as it is written. */
export function csvField(cell: CsvCell): string {
  if (cell === null || cell === undefined) return ''
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) throw new Error(`A CSV cell cannot hold ${cell}`)
    return String(cell)
  }
  if (typeof cell === 'boolean') return cell ? 'true' : 'false'
  if (FORMULA_START.test(cell)) return `"'${cell.replaceAll('"', '""')}"`
  return NEEDS_QUOTES.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell
}

/** One record, with its CRLF. */
export function csvRow(cells: readonly CsvCell[]): string {
  let line = ''
  for (let i = 0; i < cells.length; i++) line += (i === 0 ? '' : ',') + csvField(cells[i])
  return `${line}\r\n`
}

/** Several records, as one text. */
export function csvRows(rows: readonly (readonly CsvCell[])[]): string {
  let text = ''
  for (const row of rows) text += csvRow(row)
  return text
}

/** Where an unquoted field ends. */
const SEPARATOR = /[,\r\n]/g

/**
 * Reads RFC 4180 text back into records (the tests check the exports with
 * it): quoted fields may hold commas, quotes and line breaks; records end in
 * CRLF or LF. A formula's leading quote is kept: it is part of what was
 * written. Throws on a quote that is never closed or stray text after one.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let i = 0
  const endRecord = () => {
    rows.push(row)
    row = []
  }
  while (i < text.length) {
    let field = ''
    if (text[i] === '"') {
      i++
      for (;;) {
        const quote = text.indexOf('"', i)
        if (quote < 0) throw new Error(`A quoted field opened before character ${i} is never closed`)
        field += text.slice(i, quote)
        i = quote + 1
        if (text[i] !== '"') break
        field += '"'
        i++
      }
      const next = text[i]
      if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') {
        throw new Error(`Text after a closing quote at character ${i}`)
      }
    } else {
      SEPARATOR.lastIndex = i
      const end = SEPARATOR.exec(text)?.index ?? text.length
      field = text.slice(i, end)
      i = end
    }
    row.push(field)
    if (text[i] === ',') {
      i++
      if (i === text.length) row.push('')
    } else {
      if (text[i] === '\r') i++
      if (text[i] === '\n') i++
      endRecord()
    }
  }
  return rows
}
