/**
 * Where source documents come from: files, every .json file of a folder, or
 * an HTTP address (a template with {component} and {day} filled in for each
 * component and day asked for). Documents are read one at a time.
 */
import { readFile, readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { httpGet, redact, type HttpOptions } from './http.js'

export interface SourceDocument {
  /** A file path or address, for messages. */
  name: string
  text(): Promise<string>
}

export function fileDocuments(files: readonly string[]): SourceDocument[] {
  return files.map((file) => ({
    name: file,
    text: () =>
      readFile(file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        throw new Error(`Cannot read ${file}: ${error.code === 'ENOENT' ? 'no such file' : error.message}`)
      }),
  }))
}

export async function folderDocuments(folder: string): Promise<SourceDocument[]> {
  const info = await stat(folder).catch(() => null)
  if (!info?.isDirectory()) throw new Error(`${folder} is not a folder`)
  const names = (await readdir(folder)).filter((n) => n.endsWith('.json')).sort()
  return fileDocuments(names.map((n) => path.join(folder, n)))
}

export function urlDocuments(
  template: string,
  components: readonly string[],
  days: readonly string[],
  http: HttpOptions = {},
): SourceDocument[] {
  const urls = new Set<string>()
  for (const component of components) {
    for (const day of days) urls.add(template.replaceAll('{component}', encodeURIComponent(component)).replaceAll('{day}', day))
  }
  return [...urls].map((url) => ({ name: redact(url), text: async () => (await httpGet(url, http)).text() }))
}
