/**
 * Fills incidents and requests as the daily ServiceNow extract would: numbers
 * like INC0010001 and REQ0010001, older tickets mostly closed, recent ones
 * open. Each ticket's text belongs to the component it is filed under (a
 * hospital's upload problem under HD4DP v2 Local, a load failure under the
 * DWH), with ServiceNow's category values, a request type for requests, times
 * to the second, and the SLAs ServiceNow would run on it.
 */
import type { Queryable } from '../subgraphs/kit/store/db.js'
import type { ComponentId } from '../subgraphs/kit/catalogue/components.js'
import type { DemoPlatform, DemoProject } from './platform.js'
import { insertRows } from './insert.js'
import { Random } from './random.js'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

interface TextContext {
  code: string
  /** A data provider organisation of the project. */
  organisation: string
  /** Its HD4DP v2 Local installation. */
  host: string
  year: string
}

type Category = 'inquiry' | 'software' | 'network' | 'database' | 'data_quality' | 'access'
type RequestType = 'REQUEST_FOR_INFORMATION' | 'ACCESS_REQUEST' | 'DATA_REQUEST' | 'NEW_PROJECT' | 'CHANGE_REQUEST' | 'OTHER'

interface IncidentText {
  category: Category
  text: (c: TextContext) => string
}
interface RequestText {
  type: RequestType
  text: (c: TextContext) => string
}

/** Incidents by the component they are filed under: hospital-side problems under the hospital-side components. */
const INCIDENTS: Partial<Record<ComponentId, IncidentText[]>> = {
  HD4DP_V2_LOCAL: [
    { category: 'software', text: (c) => `${c.code}: registration stays in status "Sending" in HD4DP v2 Local (${c.organisation})` },
    { category: 'data_quality', text: (c) => `Upload ${c.code} mislukt: "Ongeldige datum" in veld geboortedatum` },
    { category: 'software', text: (c) => `HD4DP v2 Local : échec de l'envoi des enregistrements ${c.code}` },
    { category: 'software', text: (c) => `Certificaat verlopen op installatie ${c.host}` },
    { category: 'network', text: (c) => `${c.host} cannot reach HD Integration: connection timed out` },
    { category: 'data_quality', text: (c) => `Doublons de patients dans ${c.code} après l'import CSV` },
  ],
  HD4DP_V2_WEB: [
    { category: 'access', text: (c) => `Impossible de se connecter à HD4DP v2 web (${c.organisation})` },
    { category: 'software', text: (c) => `Formulier ${c.code} toont geen Franse vertaling in HD4DP v2 web` },
    { category: 'software', text: (c) => `HD4DP v2 web très lent depuis ce matin (${c.organisation})` },
  ],
  HD4PATIENT: [
    { category: 'software', text: (c) => `HD4Patient: patiënt ontvangt geen uitnodigingsmail voor ${c.code}` },
    { category: 'access', text: (c) => `HD4Patient: Anmeldung mit eID schlägt fehl (${c.code})` },
  ],
  HERA: [{ category: 'data_quality', text: (c) => `HERA: ${c.code} results rejected, laboratory code missing` }],
  BIOIT: [{ category: 'software', text: (c) => `BioIT: sequencing results of ${c.code} not delivered to HD Integration` }],
  NRC: [{ category: 'data_quality', text: (c) => `NRC: isolates for ${c.code} reported twice` }],
  HD_INTEGRATION: [
    { category: 'data_quality', text: (c) => `Records of ${c.code} rejected by HD Integration (validation error)` },
    { category: 'software', text: (c) => `HD Integration: batch of ${c.code} stuck in the processing queue` },
  ],
  HD_DWH_STAGING: [
    { category: 'database', text: (c) => `HD DWH Staging: nightly load of ${c.code} failed` },
    { category: 'data_quality', text: (c) => `${c.code}: records missing in HD DWH Staging since yesterday` },
  ],
  HD_DWH_EXPLOITATION: [
    { category: 'data_quality', text: (c) => `${c.code}: counts in HD DWH Exploitation lower than expected` },
    { category: 'access', text: (c) => `Access denied when opening ${c.code} in HD DWH Exploitation` },
    { category: 'database', text: (c) => `HD DWH Exploitation: query on ${c.code} times out` },
  ],
  HD_MDM: [{ category: 'data_quality', text: (c) => `HD MDM: ${c.organisation} missing from the master data used by ${c.code}` }],
}

/** Requests by the component they are about; the portal's request forms give their type. */
const REQUESTS: Partial<Record<ComponentId, RequestText[]>> = {
  HD4DP_V2_LOCAL: [
    { type: 'CHANGE_REQUEST', text: (c) => `New HD4DP v2 Local installation for ${c.organisation}` },
    { type: 'CHANGE_REQUEST', text: (c) => `Install HD4DP v2 Local on the integration server of ${c.organisation}` },
  ],
  HD4DP_V2_WEB: [
    { type: 'ACCESS_REQUEST', text: (c) => `Toegang tot ${c.code} in HD4DP v2 web voor nieuwe medewerker van ${c.organisation}` },
    { type: 'CHANGE_REQUEST', text: (c) => `Ajout d'un champ « commentaire » au formulaire ${c.code}` },
  ],
  HD4PATIENT: [{ type: 'REQUEST_FOR_INFORMATION', text: (c) => `HD4Patient: how are patients of ${c.code} invited?` }],
  HERA: [{ type: 'REQUEST_FOR_INFORMATION', text: (c) => `Request for information: variables ${c.code} receives from HERA` }],
  BIOIT: [{ type: 'REQUEST_FOR_INFORMATION', text: (c) => `Request for information: BioIT pipeline version used for ${c.code}` }],
  HD_INTEGRATION: [
    { type: 'REQUEST_FOR_INFORMATION', text: (c) => `Request for information: validation rules HD Integration applies to ${c.code}` },
  ],
  HD_DWH_STAGING: [{ type: 'DATA_REQUEST', text: (c) => `Reload ${c.code} into HD DWH Staging after a correction` }],
  HD_DWH_EXPLOITATION: [
    { type: 'ACCESS_REQUEST', text: (c) => `Access to ${c.code} data in HD DWH Exploitation for a new researcher` },
    { type: 'DATA_REQUEST', text: (c) => `Demande d'extraction des données ${c.code} depuis HD DWH Exploitation (année ${c.year})` },
  ],
  HD_MDM: [{ type: 'CHANGE_REQUEST', text: (c) => `HD MDM: add ${c.organisation} as data provider of ${c.code}` }],
}

/** About the project, not one of its components. */
const PROJECT_INCIDENTS: IncidentText[] = [{ category: 'inquiry', text: (c) => `Question about the registration rules of ${c.code}` }]
const PROJECT_REQUESTS: RequestText[] = [
  { type: 'REQUEST_FOR_INFORMATION', text: (c) => `Request for the data dictionary of ${c.code}` },
  { type: 'CHANGE_REQUEST', text: (c) => `Wijziging verantwoordelijke arts voor ${c.code}` },
  { type: 'NEW_PROJECT', text: (c) => `Request for new project with HD: follow-up study of ${c.code}` },
]
/** About no project in particular. */
const GENERAL_INCIDENTS: IncidentText[] = [
  { category: 'access', text: () => 'Mot de passe oublié – compte bloqué après 3 tentatives' },
  { category: 'inquiry', text: () => 'Where can I find the release notes of HD4DP v2?' },
]
const GENERAL_REQUESTS: RequestText[] = [
  { type: 'REQUEST_FOR_INFORMATION', text: () => "Question générale sur l'accès à HD4RES" },
  { type: 'OTHER', text: () => 'Algemene vraag over de "eHealth"-aanmelding' },
]

/** Resolution targets by priority, as an SLA definition names them (PLANNING runs none). */
const RESOLUTION_TARGETS: Record<string, [string, number] | undefined> = {
  CRITICAL: ['Incident resolution - Priority 1 (4 hours)', 4 * HOUR],
  HIGH: ['Incident resolution - Priority 2 (1 day)', DAY],
  MODERATE: ['Incident resolution - Priority 3 (3 days)', 3 * DAY],
  LOW: ['Incident resolution - Priority 4 (5 days)', 5 * DAY],
}
const RESPONSE_SLA: [string, number] = ['Incident response (8 hours)', 8 * HOUR]
const FULFILMENT_SLA: [string, number] = ['Request fulfilment (10 days)', 10 * DAY]

type State = 'NEW' | 'IN_PROGRESS' | 'ON_HOLD' | 'RESOLVED' | 'CLOSED' | 'CANCELLED'

interface Sla {
  name: string
  stage: 'IN_PROGRESS' | 'PAUSED' | 'COMPLETED' | 'CANCELLED'
  startedAt: number
  dueAt: number
  stoppedAt: number | null
  breached: boolean
}

/** An SLA that started when the ticket opened and stops when `stopAt` (if that is before now) or when the ticket was cancelled. */
function slaFor(
  [name, target]: [string, number],
  openedAt: number,
  stopAt: number | null,
  state: State,
  now: number,
  cancelledAt: number | null,
): Sla {
  const dueAt = openedAt + target
  if (stopAt !== null && stopAt <= now)
    return { name, stage: 'COMPLETED', startedAt: openedAt, dueAt, stoppedAt: stopAt, breached: stopAt > dueAt }
  if (cancelledAt !== null)
    return { name, stage: 'CANCELLED', startedAt: openedAt, dueAt, stoppedAt: cancelledAt, breached: cancelledAt > dueAt }
  return { name, stage: state === 'ON_HOLD' ? 'PAUSED' : 'IN_PROGRESS', startedAt: openedAt, dueAt, stoppedAt: null, breached: now > dueAt }
}

export async function fillSupport(db: Queryable, platform: DemoPlatform): Promise<number> {
  const rnd = new Random(platform.seed).fork('tickets')
  // The extract is taken at the last second of the last day.
  const endMs = Date.parse(`${platform.endDate}T23:59:59Z`)
  const spanMs = platform.size.days * DAY
  const projects = platform.projects
  const organisations = new Map(platform.organisations.map((o) => [o.id, o]))
  // Busy projects raise more tickets: weights follow the project's daily volume.
  const weights = projects.map((p) => [p, 1 + Math.sqrt(p.dailyRecords)] as const)
  const hex = () => Array.from({ length: 32 }, () => rnd.int(0, 15).toString(16)).join('')
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
  const seconds = (ms: number) => Math.floor(ms / SECOND) * SECOND
  const context = (project: DemoProject, at: number, component: ComponentId | null): TextContext => {
    // A problem of an HD4DP v2 Local installation comes from a provider that runs one (not one still on HD4RES v1 Local).
    const running = project.providerOrganisationIds.filter((id) => organisations.get(id)?.installationHost)
    const candidates = component === 'HD4DP_V2_LOCAL' && running.length > 0 ? running : project.providerOrganisationIds
    const organisation = organisations.get(rnd.pick(candidates))
    return {
      code: project.code,
      organisation: organisation?.name ?? 'healthdata.be',
      host: organisation?.installationHost ?? 'hd4dp.healthdata.be',
      year: new Date(at).toISOString().slice(0, 4),
    }
  }

  const tickets: unknown[][] = []
  const slas: unknown[][] = []
  for (let i = 0; i < platform.size.tickets; i++) {
    const isIncident = rnd.chance(0.6)
    // A few tickets are about no project in particular.
    const project = rnd.chance(0.03) ? null : rnd.weighted(weights)
    // Recent days carry more tickets: the platform grows. ServiceNow keeps the second.
    const openedAt = seconds(endMs - spanMs * rnd.next() ** 1.4)

    // Mostly about one of the project's components, with that component's own texts.
    const component = project && rnd.chance(0.85) ? rnd.pick(project.components) : null
    const own = component ? (isIncident ? INCIDENTS[component] : REQUESTS[component]) : undefined
    const affected = own ? component : null
    const texts = own ?? (project ? (isIncident ? PROJECT_INCIDENTS : PROJECT_REQUESTS) : isIncident ? GENERAL_INCIDENTS : GENERAL_REQUESTS)
    const chosen = rnd.pick<IncidentText | RequestText>(texts)
    const ctx = project ? context(project, openedAt, affected) : { code: '', organisation: 'healthdata.be', host: '', year: '' }

    const ageDays = (endMs - openedAt) / DAY
    const state: State =
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
    // From ten minutes to ten days of work, to the second.
    const worked = Math.min(endMs, openedAt + rnd.int(600, 240 * 3600) * SECOND)
    const resolvedAt = isIncident && (state === 'RESOLVED' || state === 'CLOSED') ? worked : null
    const closedAt = state === 'CLOSED' || state === 'CANCELLED' ? Math.min(endMs, worked + rnd.int(0, 72 * 3600) * SECOND) : null
    const updatedAt = Math.max(openedAt, closedAt ?? resolvedAt ?? Math.min(endMs, openedAt + rnd.int(0, 48 * 3600) * SECOND))
    const sysId = hex()

    const cancelledAt = state === 'CANCELLED' ? closedAt : null
    const ticketSlas: Sla[] = []
    if (isIncident) {
      const respondedAt = Math.min(openedAt + rnd.int(300, 12 * 3600) * SECOND, resolvedAt ?? Infinity)
      ticketSlas.push(slaFor(RESPONSE_SLA, openedAt, respondedAt, state, endMs, cancelledAt))
      const resolution = RESOLUTION_TARGETS[priority]
      if (resolution) ticketSlas.push(slaFor(resolution, openedAt, resolvedAt, state, endMs, cancelledAt))
    } else {
      ticketSlas.push(slaFor(FULFILMENT_SLA, openedAt, state === 'CLOSED' ? closedAt : null, state, endMs, cancelledAt))
    }
    for (const s of ticketSlas) {
      slas.push([
        hex(),
        sysId,
        s.name,
        s.stage,
        iso(s.startedAt),
        iso(s.dueAt),
        iso(s.stoppedAt),
        s.breached,
        iso(s.stoppedAt ?? updatedAt),
      ])
    }

    tickets.push([
      sysId,
      isIncident ? 'incident' : 'request',
      '',
      project?.id ?? null,
      chosen.text(ctx),
      state,
      priority,
      iso(openedAt),
      iso(updatedAt),
      iso(closedAt),
      iso(resolvedAt),
      'category' in chosen ? chosen.category : null,
      affected,
      'type' in chosen ? chosen.type : null,
    ])
  }
  // ServiceNow numbers tickets in the order they are opened.
  tickets.sort((a, b) => (a[7] as string).localeCompare(b[7] as string))
  const next = { incident: 10_000, request: 10_000 }
  for (const t of tickets) {
    const kind = t[1] as 'incident' | 'request'
    t[2] = `${kind === 'incident' ? 'INC' : 'REQ'}${String(++next[kind]).padStart(7, '0')}`
  }
  await insertRows(
    db,
    'support.ticket_slas',
    ['sys_id', 'task_sys_id', 'name', 'stage', 'started_at', 'due_at', 'stopped_at', 'breached', 'updated_at'],
    ['text', 'text', 'text', 'text', 'timestamptz', 'timestamptz', 'timestamptz', 'boolean', 'timestamptz'],
    slas,
  )
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
      'affected_component',
      'request_type',
    ],
    [
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
      'timestamptz',
      'timestamptz',
      'timestamptz',
      'timestamptz',
      'text',
      'text',
      'text',
    ],
    tickets,
  )
}
