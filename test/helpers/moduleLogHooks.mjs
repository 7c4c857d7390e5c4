// The resolve hook moduleLog.mjs registers: runs before tsx's (registered later, asked first), so it sees each final address.
import { appendFileSync } from 'node:fs'

let file

export function initialize(data) {
  file = data?.file
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context)
  if (file && resolved.url.startsWith('file:')) appendFileSync(file, `${resolved.url}\n`)
  return resolved
}
