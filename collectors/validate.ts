/**
 * Parsing and validating a whole source document before anything is written:
 * JSON syntax with jsonc-parser (which knows where it stopped), the format's
 * JSON Schema with ajv, and every error pointing at a line and a JSON path.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser'
import { ImportRefused, jsonPath } from './errors.js'

const SCHEMA_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'schemas')
export const SCHEMAS = ['hd4devops-counts', 'hd4devops-availability', 'hd4devops-checks'] as const
export type SchemaName = (typeof SCHEMAS)[number]

const ajv = new Ajv2020({ allErrors: false, strict: true })
;(addFormats as unknown as (a: Ajv2020) => void)(ajv)
const validators = new Map<SchemaName, ValidateFunction>()
function validator(name: SchemaName): ValidateFunction {
  let v = validators.get(name)
  if (!v) {
    v = ajv.compile(JSON.parse(readFileSync(path.join(SCHEMA_DIR, `${name}.schema.json`), 'utf8')))
    validators.set(name, v)
  }
  return v
}

function lineOf(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: offset - lineStart + 1 }
}

function describe(error: ErrorObject): string {
  const p = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown property "${String(p.additionalProperty)}" (additionalProperties)`
    case 'required':
      return `missing property "${String(p.missingProperty)}" (required)`
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')} (enum)`
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)} (const)`
    default:
      return `${error.message ?? 'is not valid'} (${error.keyword})`
  }
}

export interface ParsedDocument<T> {
  value: T
  /** `file:line at $.path` for a place in the document, for errors found after validation. */
  where(segments: readonly (string | number)[]): string
}

/** Parses and validates `text`; throws ImportRefused naming the file, line, JSON path and rule. */
export function parseDocument<T>(text: string, file: string, schema: SchemaName): ParsedDocument<T> {
  const errors: ParseError[] = []
  const tree = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false })
  if (errors.length > 0 || !tree) {
    const first = errors[0]
    const at = lineOf(text, first?.offset ?? text.length)
    const what = first ? printParseErrorCode(first.error) : 'EmptyDocument'
    // A document cut short leaves its last error at the very end of the text.
    const end = text.trimEnd().length
    const truncated = errors.some((e) => e.offset + e.length >= end) ? ' (the file ends early: is it truncated?)' : ''
    throw new ImportRefused(`${file}:${at.line}:${at.column}`, `not valid JSON: ${what}${truncated}`)
  }
  const value = getNodeValue(tree) as T
  const where = (segments: readonly (string | number)[]) => {
    const node = findNodeAtLocation(tree, [...segments]) ?? tree
    return `${file}:${lineOf(text, node.offset).line} at ${jsonPath(segments)}`
  }
  const validate = validator(schema)
  if (!validate(value)) {
    const error = validate.errors![0]!
    const segments = error.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
    throw new ImportRefused(where(segments), describe(error))
  }
  return { value, where }
}
