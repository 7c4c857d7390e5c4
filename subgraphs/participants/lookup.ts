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

/** What the counts import needs of an installation: which one it is, whose, and whether it is a production server. */
export interface InstallationFacts {
  id: string
  organisationId: string
  environment: 'PRODUCTION' | 'INTEGRATION'
}

export async function installationsByHost(db: Queryable, hosts: readonly string[]): Promise<Map<string, InstallationFacts>> {
  const rows = await db.query<{ id: string; host: string; organisation_id: string; environment: InstallationFacts['environment'] }>(
    'SELECT id, host, organisation_id, environment FROM participants.installations WHERE host = ANY($1::text[])',
    [[...new Set(hosts)]],
  )
  return new Map(rows.map((r) => [r.host, { id: r.id, organisationId: r.organisation_id, environment: r.environment }]))
}

/**
 * Notes that a counts document named these installations: their last contact
 * moves forward to the document's time, and the release each reported is kept
 * when the document is the newest heard from it (re-importing an old day does
 * not turn a release back).
 */
export async function recordInstallationContact(
  db: Queryable,
  at: string,
  contacts: readonly { id: string; release: string | null }[],
): Promise<void> {
  if (contacts.length === 0) return
  await db.query(
    `UPDATE participants.installations i
     SET release = CASE WHEN t.release IS NOT NULL AND (i.last_contact_at IS NULL OR i.last_contact_at <= $3::timestamptz)
                        THEN t.release ELSE i.release END,
         last_contact_at = GREATEST(i.last_contact_at, $3::timestamptz)
     FROM unnest($1::text[], $2::text[]) AS t(id, release)
     WHERE i.id = t.id`,
    [contacts.map((c) => c.id), contacts.map((c) => c.release), at],
  )
}
