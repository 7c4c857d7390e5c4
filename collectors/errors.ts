/** What a collector says when it refuses input: where, and which rule it broke. */
export class ImportRefused extends Error {
  constructor(
    /** e.g. `counts/HERA-2026-11-21.json:14 at $.projects[2].records` */
    readonly where: string,
    readonly rule: string,
  ) {
    super(`${where}: ${rule}`)
    this.name = 'ImportRefused'
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
