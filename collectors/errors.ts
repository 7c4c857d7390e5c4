/** Where in its input a collector refused a document: the file or address, and when known a line and a JSON path. */
export interface RefusalPlace {
  file: string
  line: number | null
  path: string | null
}

/** `file:14 at $.x`, `file:3:7`, `file at $.x` or `file` as its parts. */
export function placeOf(where: string): RefusalPlace {
  const match = /^(.*?)(?::(\d+)(?::\d+)?)?(?: at (\$.*))?$/s.exec(where)
  return { file: match?.[1] || where, line: match?.[2] ? Number(match[2]) : null, path: match?.[3] ?? null }
}

/** What a collector says when it refuses input: where, and which rule it broke. */
export class ImportRefused extends Error {
  /** `where` in parts, for the import log. */
  readonly place: RefusalPlace

  constructor(
    /** e.g. `counts/HERA-2026-11-21.json:14 at $.projects[2].records` */
    readonly where: string,
    readonly rule: string,
  ) {
    super(`${where}: ${rule}`)
    this.name = 'ImportRefused'
    this.place = placeOf(where)
  }
}

/** Another import of the same source holds the lock. */
export class ImportLocked extends Error {
  constructor(source: string) {
    super(`Another ${source} import is running; try again when it ends, or pass --wait to wait for it`)
    this.name = 'ImportLocked'
  }
}

/** `$.projects[2].records` from a JSON Pointer-like list of segments. */
export function jsonPath(segments: readonly (string | number)[]): string {
  return `$${segments.map((s) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z_][\w]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`)).join('')}`
}
