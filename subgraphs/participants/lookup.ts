/** Registry look-ups for the collectors: sources name projects by code and installations by host. */
import type { Queryable } from '../kit/store/db.js'

export async function projectIdsByCode(db: Queryable, codes: readonly string[]): Promise<Map<string, string>> {
  const rows = await db.query<{ id: string; code: string }>('SELECT id, code FROM participants.projects WHERE code = ANY($1::text[])', [
    [...new Set(codes)],
  ])
  return new Map(rows.map((r) => [r.code, r.id]))
}

export async function installationIdsByHost(db: Queryable, hosts: readonly string[]): Promise<Map<string, string>> {
  const rows = await db.query<{ id: string; host: string }>(
    'SELECT id, host FROM participants.installations WHERE host = ANY($1::text[])',
    [[...new Set(hosts)]],
  )
  return new Map(rows.map((r) => [r.host, r.id]))
}
