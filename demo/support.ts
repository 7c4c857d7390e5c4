/**
 * Fills incidents and requests as the daily ServiceNow extract would: numbers
 * like INC0010001 and REQ0010001, older tickets mostly closed, recent ones open.
 */
import type { Queryable } from '../subgraphs/kit/store/db.js'
import { componentInfo } from '../subgraphs/kit/catalogue/components.js'
import type { DemoPlatform } from './platform.js'
import { insertRows } from './insert.js'
import { Random } from './random.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR

const INCIDENT_TEMPLATES = [
  (c: string, p: string) => `${c}: registration form for ${p} does not open`,
  (c: string, p: string) => `${c}: submission for ${p} stays in status "sending"`,
  (_c: string, p: string) => `Records of ${p} rejected by HD Integration (validation error)`,
  (_c: string, p: string) => `${p}: counts in HD DWH Exploitation lower than expected`,
  (c: string) => `${c} unreachable from the hospital network`,
  (c: string, p: string) => `Problème de connexion à ${c} pour ${p}`,
  (c: string) => `${c}: certificate expired, users cannot sign in`,
  (_c: string, p: string) => `Duplicate records after re-submission (${p})`,
  (c: string, p: string) => `${c}: export for ${p} fails with "Unerwarteter Fehler"`,
]
const REQUEST_TEMPLATES = [
  (_c: string, p: string) => `Add a data collector to ${p}`,
  (_c: string, p: string) => `Access to ${p} data in HD DWH Exploitation for a new researcher`,
  (c: string, p: string) => `New version of the ${p} form in ${c}`,
  (_c: string, p: string) => `Request for information: variables collected by ${p}`,
  (c: string) => `Install ${c} on the integration server`,
  (_c: string, p: string) => `Demande d'extraction de données pour ${p}`,
]
const CATEGORIES = ['Software', 'Data quality', 'Access', 'Network', 'Inquiry / Help']

export async function fillSupport(db: Queryable, platform: DemoPlatform): Promise<number> {
  const rnd = new Random(platform.seed).fork('tickets')
  const endMs = Date.parse(`${platform.endDate}T23:59:00Z`)
  const spanMs = platform.size.days * DAY
  const projects = platform.projects
  // Busy projects raise more tickets: weights follow the project's daily volume.
  const weights = projects.map((p) => [p, 1 + Math.sqrt(p.dailyRecords)] as const)
  const hex = () => Array.from({ length: 32 }, () => rnd.int(0, 15).toString(16)).join('')
  const iso = (ms: number) => new Date(ms).toISOString()

  const tickets: unknown[][] = []
  {
    for (let i = 0; i < platform.size.tickets; i++) {
      const isIncident = rnd.chance(0.6)
      const project = rnd.weighted(weights)
      const componentName = componentInfo(rnd.pick(project.components)).name
      const template = isIncident ? rnd.pick(INCIDENT_TEMPLATES) : rnd.pick(REQUEST_TEMPLATES)
      // Recent days carry more tickets: the platform grows.
      const openedAt = Math.floor(endMs - spanMs * rnd.next() ** 1.4)
      const ageDays = (endMs - openedAt) / DAY
      const state =
        ageDays < 3
          ? rnd.weighted([
              ['NEW', 5],
              ['IN_PROGRESS', 4],
              ['ON_HOLD', 1],
            ] as const)
          : ageDays < 20
            ? rnd.weighted([
                ['IN_PROGRESS', 4],
                ['ON_HOLD', 2],
                ['RESOLVED', 4],
                ['CLOSED', 3],
                ['CANCELLED', 1],
              ] as const)
            : rnd.weighted([
                ['CLOSED', 14],
                ['RESOLVED', 1],
                ['CANCELLED', 1],
                ['ON_HOLD', 0.2],
              ] as const)
      const priority = rnd.weighted([
        ['CRITICAL', 3],
        ['HIGH', 12],
        ['MODERATE', 45],
        ['LOW', 35],
        ['PLANNING', 5],
      ] as const)
      const worked = Math.min(endMs, openedAt + rnd.int(1, 240) * HOUR)
      const resolvedAt = isIncident && (state === 'RESOLVED' || state === 'CLOSED') ? worked : null
      const closedAt = state === 'CLOSED' || state === 'CANCELLED' ? Math.min(endMs, worked + rnd.int(0, 72) * HOUR) : null
      const updatedAt = Math.max(openedAt, closedAt ?? resolvedAt ?? Math.min(endMs, openedAt + rnd.int(0, 48) * HOUR))
      tickets.push([
        hex(),
        isIncident ? 'incident' : 'request',
        '',
        // A few tickets are about no project in particular.
        rnd.chance(0.03) ? null : project.id,
        template(componentName, project.code),
        state,
        priority,
        iso(openedAt),
        iso(updatedAt),
        closedAt === null ? null : iso(closedAt),
        resolvedAt === null ? null : iso(resolvedAt),
        isIncident ? rnd.pick(CATEGORIES) : null,
      ])
    }
  }
  // ServiceNow numbers tickets in the order they are opened.
  tickets.sort((a, b) => (a[7] as string).localeCompare(b[7] as string))
  const next = { incident: 10_000, request: 10_000 }
  for (const t of tickets) {
    const kind = t[1] as 'incident' | 'request'
    t[2] = `${kind === 'incident' ? 'INC' : 'REQ'}${String(++next[kind]).padStart(7, '0')}`
  }
  return insertRows(
    db,
    'support.tickets',
    [
      'sys_id',
      'kind',
      'number',
      'project_id',
      'short_description',
      'state',
      'priority',
      'opened_at',
      'updated_at',
      'closed_at',
      'resolved_at',
      'category',
    ],
    ['text', 'text', 'text', 'text', 'text', 'text', 'text', 'timestamptz', 'timestamptz', 'timestamptz', 'timestamptz', 'text'],
    tickets,
  )
}
