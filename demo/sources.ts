/**
 * Realistic source documents for the collectors, drawn from the demo platform:
 * the HD4DevOps counts and availability files, ServiceNow Table API records,
 * and deliberately awkward or corrupt ones. Same options, same output, so tests
 * can pin what they read; nothing depends on the clock once `endDate` is given.
 */
import { createWriteStream } from 'node:fs'
import { once } from 'node:events'
import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { finished } from 'node:stream/promises'
import { projectDailyCounts } from './counts.js'
import {
  DEMO_SIZES,
  generatePlatform,
  yesterday,
  type DemoOrganisation,
  type DemoPlatform,
  type DemoProject,
  type DemoSizeName,
} from './platform.js'
import { addDays, Random } from './random.js'
import { COMPONENT_IDS, COMPONENTS, componentInfo, type ComponentId } from '../subgraphs/kit/catalogue/components.js'
import { isIsoDate } from '../subgraphs/kit/graphql/scalars.js'

export interface FixtureOptions {
  size?: DemoSizeName
  seed?: number
  /** Last day of the documents, YYYY-MM-DD; defaults to yesterday (UTC), as the demo platform does. */
  endDate?: string
  /** How many days of HD4DevOps documents, ending at `endDate`; default 1. */
  days?: number
}

export type ServiceNowTable = 'incident' | 'sc_request'

export interface ServiceNowOptions extends FixtureOptions {
  /** Tickets to generate; defaults to the platform's ticket count, 70% incidents and 30% requests. */
  count?: number
  /** Every field as `{ display_value, value }`, as `sysparm_display_value=all` returns them. */
  displayValueAll?: boolean
  /** The custom field linking a ticket to its project; `u_project` unless told. */
  projectField?: string
}

export type ServiceNowRecord = Record<string, unknown>

export const EXTERNAL_COMPONENTS: ComponentId[] = COMPONENTS.filter((c) => c.location === 'EXTERNAL').map((c) => c.id)

// ---------------------------------------------------------------------------
// Options and the platform behind them

interface Resolved {
  platform: DemoPlatform
  /** The HD4DevOps days, oldest first. */
  days: string[]
}

// writeFixtures asks for the same platform several times; generating a large one takes a while.
let cached: { key: string; platform: DemoPlatform } | undefined

function resolve(options: FixtureOptions): Resolved {
  const sizeName = options.size ?? 'default'
  if (!Object.hasOwn(DEMO_SIZES, sizeName)) {
    throw new RangeError(`size must be one of ${Object.keys(DEMO_SIZES).join(', ')}; got "${String(sizeName)}"`)
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed)) {
    throw new RangeError(`seed must be a whole number; got ${options.seed}`)
  }
  const endDate = options.endDate ?? yesterday()
  if (!isIsoDate(endDate)) throw new RangeError(`endDate must be a date written YYYY-MM-DD; got "${endDate}"`)
  const size = DEMO_SIZES[sizeName]
  const dayCount = options.days ?? 1
  // The platform only has counts for its own window: more days would silently come out empty.
  if (!Number.isInteger(dayCount) || dayCount < 1 || dayCount > size.days) {
    throw new RangeError(`days must be a whole number from 1 to ${size.days} for the ${sizeName} platform; got ${dayCount}`)
  }
  const key = `${sizeName}|${options.seed ?? ''}|${endDate}`
  if (cached?.key !== key) cached = { key, platform: generatePlatform({ size: sizeName, seed: options.seed, endDate }) }
  const days = Array.from({ length: dayCount }, (_, i) => addDays(endDate, i - dayCount + 1))
  return { platform: cached.platform, days }
}

function rootRandom(platform: DemoPlatform, label: string): Random {
  return new Random(platform.seed).fork(`fixtures:${label}`)
}

// ---------------------------------------------------------------------------
// HD4DevOps counts

export interface CountsInstallation {
  installation: string
  records: number
  uniqueSubjects?: number
  /** The HD4DP v2 release the installation runs. */
  release?: string
}

export interface CountsProject {
  project: string
  records: number
  uniqueSubjects?: number
  installations?: CountsInstallation[]
}

export interface CountsDocument {
  format: 'hd4devops-counts/1'
  component: ComponentId
  day: string
  generatedAt: string
  projects: CountsProject[]
}

export interface FixtureFile<T> {
  fileName: string
  document: T
}

/** Splits `total` in proportion to `weights`, in whole numbers that add up to `total` exactly. */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0)
  const exact = weights.map((w) => (total * w) / sum)
  const parts = exact.map(Math.floor)
  let left = total - parts.reduce((a, b) => a + b, 0)
  const order = exact.map((e, i) => [e - parts[i]!, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1])
  for (let k = 0; left > 0; k++, left--) parts[order[k % order.length]![1]]! += 1
  return parts
}

/** One document per external component and day, as HD4DevOps publishes them. */
export function hd4devopsCountsDocuments(options: FixtureOptions = {}): FixtureFile<CountsDocument>[] {
  const { platform, days } = resolve(options)
  const firstDay = days[0]!
  const organisations = new Map<string, DemoOrganisation>(platform.organisations.map((o) => [o.id, o]))
  const rows = new Map<string, CountsProject[]>() // `${component}|${day}` -> projects

  for (const project of platform.projects) {
    const rnd = rootRandom(platform, `counts:${project.id}`)
    const installations = project.providerOrganisationIds.flatMap((id) => organisations.get(id)?.installations ?? [])
    const production = installations.filter((i) => i.environment === 'PRODUCTION')
    const hosts = production.map((i) => i.host)
    // Fixed per project, so an installation's share stays steady from day to day; squared, so a few big hospitals dominate.
    const weights = hosts.map(() => 0.05 + rnd.next() ** 2)
    // An integration server holds a few test registrations of the project; HD4DevOps counts them in the total, which the import takes them out of.
    const tests = installations
      .filter((i) => i.environment === 'INTEGRATION')
      .map((i) => {
        const records = rnd.int(1, 12)
        return { installation: i.host, records, uniqueSubjects: Math.ceil(records / 2), release: i.release }
      })
    for (const count of projectDailyCounts(platform, project)) {
      if (count.day < firstDay || !EXTERNAL_COMPONENTS.includes(count.componentId)) continue
      const dayRnd = rnd.fork(`${count.componentId}:${count.day}`)
      // HD4DevOps leaves the optional subject count out now and then: a missing optional field to cope with.
      const subjects = count.subjects !== null && !dayRnd.chance(0.04) ? count.subjects : null
      const entry: CountsProject = { project: project.code, records: count.records }
      if (subjects !== null) entry.uniqueSubjects = subjects
      if (count.componentId === 'HD4DP_V2_LOCAL' && hosts.length > 0) {
        const records = apportion(count.records, weights)
        const subjectParts = subjects === null ? null : apportion(subjects, weights)
        entry.installations = hosts.map((installation, i) => {
          const item: CountsInstallation = { installation, records: records[i]! }
          // Rounding must not leave an installation with more subjects than records.
          if (subjectParts) item.uniqueSubjects = Math.min(subjectParts[i]!, records[i]!)
          item.release = production[i]!.release
          return item
        })
        for (const test of tests) {
          entry.records += test.records
          if (entry.uniqueSubjects !== undefined) entry.uniqueSubjects += test.uniqueSubjects
          entry.installations.push(
            subjectParts ? { ...test } : { installation: test.installation, records: test.records, release: test.release },
          )
        }
      }
      const key = `${count.componentId}|${count.day}`
      const list = rows.get(key)
      if (list) list.push(entry)
      else rows.set(key, [entry])
    }
  }

  const timing = rootRandom(platform, 'counts:generated-at')
  const files: FixtureFile<CountsDocument>[] = []
  for (const component of EXTERNAL_COMPONENTS) {
    for (const day of days) {
      // HD4DevOps runs its export shortly after 03:10 UTC the next morning.
      const minute = 10 + timing.fork(`${component}:${day}`).int(0, 9)
      files.push({
        fileName: `hd4devops-counts-${component}-${day}.json`,
        document: {
          format: 'hd4devops-counts/1',
          component,
          day,
          generatedAt: `${addDays(day, 1)}T03:${minute}:00Z`,
          projects: rows.get(`${component}|${day}`) ?? [],
        },
      })
    }
  }
  return files
}

// ---------------------------------------------------------------------------
// HD4DevOps availability

export interface AvailabilityCheck {
  at: string
  up: boolean
  responseTimeMs?: number | null
}

export interface AvailabilityDocument {
  format: 'hd4devops-availability/1'
  component: ComponentId
  day: string
  checks: AvailabilityCheck[]
}

/** Typical response time per component, in milliseconds: the external platforms sit further away. */
const BASE_RESPONSE_MS: Record<ComponentId, number> = {
  HD4DP_V2_LOCAL: 180,
  HD4DP_V2_WEB: 240,
  HD4PATIENT: 210,
  HERA: 320,
  BIOIT: 450,
  NRC: 380,
  HD_INTEGRATION: 90,
  HD_DWH_STAGING: 140,
  HD_DWH_EXPLOITATION: 160,
  HD_MDM: 70,
}

const CHECKS_PER_DAY = (24 * 60) / 5

/** One document per component (all ten) and day: a check every five minutes, with a few outages. */
export function hd4devopsAvailabilityDocuments(options: FixtureOptions = {}): FixtureFile<AvailabilityDocument>[] {
  const { platform, days } = resolve(options)
  const files: FixtureFile<AvailabilityDocument>[] = []
  for (const component of COMPONENT_IDS) {
    for (const day of days) {
      const rnd = rootRandom(platform, `availability:${component}:${day}`)
      const down = new Set<number>()
      const nullWhenDown = new Map<number, boolean>()
      const outages = rnd.weighted([
        [0, 25],
        [1, 45],
        [2, 22],
        [3, 8],
      ])
      for (let o = 0; o < outages; o++) {
        const start = rnd.int(0, CHECKS_PER_DAY - 1)
        const length = rnd.chance(0.1) ? 12 : rnd.int(1, 4)
        // Some HD4DevOps probes write null for a failed check, others leave the field out: both occur.
        const asNull = rnd.chance(0.5)
        for (let i = start; i < Math.min(CHECKS_PER_DAY, start + length); i++) {
          down.add(i)
          nullWhenDown.set(i, asNull)
        }
      }
      const base = BASE_RESPONSE_MS[component]
      const checks: AvailabilityCheck[] = []
      const dayStart = Date.parse(`${day}T00:00:00Z`)
      for (let i = 0; i < CHECKS_PER_DAY; i++) {
        const at = new Date(dayStart + i * 5 * 60_000).toISOString().replace('.000Z', 'Z')
        if (down.has(i)) {
          checks.push(nullWhenDown.get(i) ? { at, up: false, responseTimeMs: null } : { at, up: false })
          continue
        }
        const hour = Math.floor(i / 12)
        const load = hour >= 8 && hour < 18 ? 1.35 : 1
        const spike = rnd.chance(0.01) ? 3 + rnd.next() * 5 : 1
        const ms = base * load * spike * (0.7 + rnd.next() * 0.6)
        checks.push({ at, up: true, responseTimeMs: Math.round(ms * 10) / 10 })
      }
      files.push({
        fileName: `hd4devops-availability-${component}-${day}.json`,
        document: { format: 'hd4devops-availability/1', component, day, checks },
      })
    }
  }
  return files
}

// ---------------------------------------------------------------------------
// ServiceNow

/** A ticket before it is written as a Table API record. */
interface Ticket {
  sysId: string
  number: string
  shortDescription: string
  /** incident.state, or sc_request's task state. */
  state: string
  /** sc_request only. */
  requestState?: string
  priority: string
  /** incident only; undefined leaves the key out. */
  category?: string
  openedAt: number
  updatedAt: number
  closedAt: number | null
  /** incident only; null is written as "", undefined leaves the key out. */
  resolvedAt?: number | null
  project: string
  /** The configuration item (cmdb_ci) the ticket names; null or undefined names none. */
  component?: ComponentId | null
  /** sc_request only: u_request_type's choice value. */
  requestType?: string
}

const INCIDENT_STATE_LABELS: Record<string, string> = {
  '1': 'New',
  '2': 'In Progress',
  '3': 'On Hold',
  '6': 'Resolved',
  '7': 'Closed',
  '8': 'Canceled',
}
const REQUEST_STATE_LABELS: Record<string, string> = {
  requested: 'Pending Approval',
  in_process: 'Approved',
  closed_complete: 'Closed Complete',
  closed_incomplete: 'Closed Incomplete',
  closed_cancelled: 'Closed Cancelled',
  closed_rejected: 'Closed Rejected',
}
const TASK_STATE_LABELS: Record<string, string> = {
  '-5': 'Pending',
  '1': 'Open',
  '2': 'Work in Progress',
  '3': 'Closed Complete',
  '4': 'Closed Incomplete',
  '7': 'Closed Skipped',
}
const PRIORITY_LABELS: Record<string, string> = {
  '1': '1 - Critical',
  '2': '2 - High',
  '3': '3 - Moderate',
  '4': '4 - Low',
  '5': '5 - Planning',
}
const CATEGORY_LABELS: Record<string, string> = {
  inquiry: 'Inquiry / Help',
  software: 'Software',
  network: 'Network',
  database: 'Database',
  data_quality: 'Data quality',
  access: 'Access',
}

interface DescriptionContext {
  code: string
  organisation: string
  host: string
  year: string
}

/** A ticket text, the configuration item it is filed under (null: none), an incident's category and a request's portal form type. */
interface Description {
  component: ComponentId | null
  category?: keyof typeof CATEGORY_LABELS
  requestType?: string
  text: (c: DescriptionContext) => string
}

const INCIDENT_DESCRIPTIONS: Description[] = [
  {
    category: 'data_quality',
    component: 'HD4DP_V2_LOCAL',
    text: (c) => `Upload ${c.code} mislukt: "Ongeldige datum" in veld geboortedatum`,
  },
  { category: 'software', component: 'HD4DP_V2_LOCAL', text: (c) => `HD4DP v2 Local : échec de l'envoi des enregistrements ${c.code}` },
  { category: 'network', component: 'HD4DP_V2_LOCAL', text: (c) => `Certificaat verlopen op installatie ${c.host}` },
  { category: 'access', component: 'HD4DP_V2_WEB', text: (c) => `Impossible de se connecter à HD4DP v2 (${c.organisation})` },
  { category: 'software', component: 'HD4DP_V2_LOCAL', text: (c) => `Registratie ${c.code} blijft hangen in status "In behandeling"` },
  { category: 'data_quality', component: 'HD4DP_V2_LOCAL', text: (c) => `Doublons de patients dans ${c.code} après l'import CSV` },
  { category: 'data_quality', component: 'HD_INTEGRATION', text: (c) => `Patiënt verschijnt twee keer in ${c.code}` },
  { category: 'network', component: 'HD4DP_V2_LOCAL', text: (c) => `Datenübermittlung für ${c.code} fehlgeschlagen` },
  {
    category: 'data_quality',
    component: 'HD_INTEGRATION',
    text: (c) => `Validation error "Field 'date_of_birth' is required" in ${c.code}`,
  },
  { category: 'inquiry', component: null, text: (c) => `Counts for ${c.code} in HD4RES differ from HD4DP v2 Local` },
  { category: 'software', component: 'HD4DP_V2_WEB', text: (c) => `Formulier ${c.code} toont geen Franse vertaling` },
  { category: 'software', component: 'HD4DP_V2_WEB', text: (c) => `HD4DP v2 web très lent depuis ce matin (${c.organisation})` },
  { category: 'software', component: 'HD4PATIENT', text: (c) => `HD4Patient: patiënt ontvangt geen uitnodigingsmail voor ${c.code}` },
  { category: 'database', component: 'HD_DWH_STAGING', text: (c) => `Export naar DWH voor ${c.code} ontbreekt sinds ${c.year}` },
  { category: 'access', component: null, text: (c) => `Access denied when opening ${c.code} in HD4RES` },
]
const REQUEST_DESCRIPTIONS: Description[] = [
  {
    component: 'HD4DP_V2_WEB',
    requestType: 'request_access',
    text: (c) => `Toegang tot ${c.code} voor nieuwe medewerker van ${c.organisation}`,
  },
  {
    component: 'HD_DWH_EXPLOITATION',
    requestType: 'request_access',
    text: (c) => `Demande d'accès aux données ${c.code} pour l'équipe de recherche`,
  },
  { component: 'HD4DP_V2_LOCAL', requestType: 'change_request', text: (c) => `New HD4DP v2 Local installation for ${c.organisation}` },
  { component: 'HD_DWH_EXPLOITATION', requestType: 'data_request', text: (c) => `Extraction des données ${c.code} (année ${c.year})` },
  { component: 'HD4DP_V2_WEB', requestType: 'request_access', text: (c) => `Aanvraag nieuwe gebruiker HD4DP v2 web – ${c.organisation}` },
  { component: null, requestType: 'request_for_information', text: (c) => `Request for the data dictionary of ${c.code}` },
  { component: 'HD4DP_V2_WEB', requestType: 'change_request', text: (c) => `Suppression d'un utilisateur "inactif" – ${c.organisation}` },
  { component: null, requestType: 'change_request', text: (c) => `Wijziging verantwoordelijke arts voor ${c.code}` },
  { component: 'HD4DP_V2_WEB', requestType: 'change_request', text: (c) => `Ajout d'un champ « commentaire » au formulaire ${c.code}` },
]
/** u_request_type's choice labels on the portal. */
const REQUEST_TYPE_LABELS: Record<string, string> = {
  request_for_information: 'Request for information about HD',
  request_access: 'Request access to an HD application',
  data_request: 'Data request',
  change_request: 'Change request',
  new_project: 'Request for new project with HD',
  other: 'Other',
}
const GENERAL_DESCRIPTIONS = [
  'Wachtwoord vergeten voor healthdata.be-account',
  "Question générale sur l'accès à HD4RES",
  'Mot de passe oublié – compte bloqué après 3 tentatives',
  'Algemene vraag over de "eHealth"-aanmelding',
  'Where can I find the release notes of HD4DP v2?',
]

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

/** ServiceNow's value format, in UTC: 2026-11-20 10:15:00. */
function serviceNowValue(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
}

/** ServiceNow's display format on a dd/MM/yyyy instance: 20/11/2026 10:15:00. */
function serviceNowDisplay(ms: number): string {
  const v = serviceNowValue(ms)
  return `${v.slice(8, 10)}/${v.slice(5, 7)}/${v.slice(0, 4)} ${v.slice(11)}`
}

/** A 32-bit bijection, so a record index gives a sys_id prefix no other index of the table shares. */
function mix32(x: number): number {
  x = (x ^ (x >>> 16)) >>> 0
  x = Math.imul(x, 0x7feb352d) >>> 0
  x = (x ^ (x >>> 15)) >>> 0
  x = Math.imul(x, 0x846ca68b) >>> 0
  return (x ^ (x >>> 16)) >>> 0
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, '0')
}

function sysId(rnd: Random, index: number, salt: number): string {
  const random = () => hex8(Math.floor(rnd.next() * 0x1_0000_0000))
  return hex8(mix32((index + salt) >>> 0)) + random() + random() + random()
}

const FIRST_FIXTURE_NUMBER = 1_000_001

function ticketNumber(table: ServiceNowTable, sequence: number): string {
  return `${table === 'incident' ? 'INC' : 'REQ'}${String(sequence).padStart(7, '0')}`
}

/** A configuration item's sys_id: fixed per component, as in a real CMDB. */
function ciSysId(component: ComponentId): string {
  const n = COMPONENT_IDS.indexOf(component) + 1
  return [0xc1, 0xc2, 0xc3, 0xc4].map((salt) => hex8(mix32(n * 0x101 + salt))).join('')
}

/** A field as ServiceNow writes it: the bare value, or both forms with sysparm_display_value=all. */
function field(all: boolean, value: string, display: string = value): unknown {
  return all ? { display_value: display, value } : value
}

function dateField(all: boolean, ms: number | null): unknown {
  return ms === null ? field(all, '', '') : field(all, serviceNowValue(ms), serviceNowDisplay(ms))
}

function toRecord(table: ServiceNowTable, t: Ticket, options: ServiceNowOptions): ServiceNowRecord {
  const all = options.displayValueAll ?? false
  const r: ServiceNowRecord = {
    sys_id: field(all, t.sysId),
    number: field(all, t.number),
    short_description: field(all, t.shortDescription),
  }
  if (table === 'sc_request') {
    r.request_state = field(all, t.requestState ?? '', REQUEST_STATE_LABELS[t.requestState ?? ''] ?? t.requestState ?? '')
    r.state = field(all, t.state, TASK_STATE_LABELS[t.state] ?? t.state)
  } else {
    // An unknown code shows as itself, as ServiceNow shows a value without a choice label.
    r.state = field(all, t.state, INCIDENT_STATE_LABELS[t.state] ?? t.state)
  }
  r.priority = field(all, t.priority, PRIORITY_LABELS[t.priority] ?? t.priority)
  if (table === 'incident' && t.category !== undefined) r.category = field(all, t.category, CATEGORY_LABELS[t.category] ?? t.category)
  r.opened_at = dateField(all, t.openedAt)
  if (table === 'incident' && t.resolvedAt !== undefined) r.resolved_at = dateField(all, t.resolvedAt)
  r.closed_at = dateField(all, t.closedAt)
  r.sys_updated_on = dateField(all, t.updatedAt)
  r[options.projectField ?? 'u_project'] = field(all, t.project)
  // A reference: its value is the item's sys_id; the dot-walked name names it in a plain extract too.
  const name = t.component ? componentInfo(t.component).name : ''
  r.cmdb_ci = field(all, t.component ? ciSysId(t.component) : '', name)
  r['cmdb_ci.name'] = field(all, name)
  if (table === 'sc_request')
    r.u_request_type = field(all, t.requestType ?? '', REQUEST_TYPE_LABELS[t.requestType ?? ''] ?? t.requestType ?? '')
  return r
}

function defaultCount(platform: DemoPlatform, table: ServiceNowTable): number {
  const incidents = Math.round(platform.size.tickets * 0.7)
  return table === 'incident' ? incidents : platform.size.tickets - incidents
}

interface TicketContext {
  platform: DemoPlatform
  organisations: Map<string, DemoOrganisation>
}

function describeTicket(
  rnd: Random,
  table: ServiceNowTable,
  ctx: TicketContext,
  project: DemoProject | null,
  at: number,
): { text: string; component: ComponentId | null; category?: string; requestType?: string } {
  if (!project) return { text: rnd.pick(GENERAL_DESCRIPTIONS), component: null, requestType: table === 'sc_request' ? 'other' : undefined }
  // Only texts about a component the project uses (or about none): no HD4DP v2 Local upload problem for a project collected by HD4Patient.
  const templates = (table === 'incident' ? INCIDENT_DESCRIPTIONS : REQUEST_DESCRIPTIONS).filter(
    (d) => d.component === null || project.components.includes(d.component),
  )
  const template = rnd.pick(templates)
  // A problem of an HD4DP v2 Local installation comes from a provider that runs one (not one still on HD4RES v1 Local).
  const running = project.providerOrganisationIds.filter((id) => ctx.organisations.get(id)?.installationHost)
  const candidates = template.component === 'HD4DP_V2_LOCAL' && running.length > 0 ? running : project.providerOrganisationIds
  const organisation = ctx.organisations.get(rnd.pick(candidates))
  const text = template.text({
    code: project.code,
    organisation: organisation?.name ?? 'healthdata.be',
    host: organisation?.installationHost ?? 'hd4dp.healthdata.be',
    year: new Date(at).toISOString().slice(0, 4),
  })
  return { text, component: template.component, category: template.category, requestType: template.requestType }
}

/** Hourly ticket activity: office hours busy, nights and weekends quiet. */
const HOUR_WEIGHTS = [0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.3, 1, 3, 4, 4, 3.5, 2.5, 3.5, 4, 3.5, 3, 2, 1, 0.6, 0.5, 0.4, 0.3, 0.2]

/**
 * Maps a share of all tickets (0..1) to the moment the ticket was opened, following
 * office hours: monotonic, so tickets generated in order are opened in order.
 */
function officeClock(windowStart: number, days: number): (share: number) => number {
  const cumulative: number[] = [0] // per hour of the window
  for (let d = 0; d < days; d++) {
    const weekday = new Date(windowStart + d * DAY_MS).getUTCDay()
    const dayWeight = weekday === 0 || weekday === 6 ? 0.15 : 1
    for (const w of HOUR_WEIGHTS) cumulative.push(cumulative[cumulative.length - 1]! + w * dayWeight)
  }
  const total = cumulative[cumulative.length - 1]!
  return (share) => {
    const target = share * total
    let lo = 0
    let hi = cumulative.length - 1
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1
      if (cumulative[mid]! <= target) lo = mid
      else hi = mid
    }
    const within = (target - cumulative[lo]!) / (cumulative[lo + 1]! - cumulative[lo]!)
    return windowStart + (lo + within) * HOUR_MS
  }
}

function* tickets(table: ServiceNowTable, options: ServiceNowOptions): Generator<Ticket> {
  const { platform } = resolve(options)
  const count = options.count ?? defaultCount(platform, table)
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number of at least 0; got ${count}`)
  const ctx: TicketContext = { platform, organisations: new Map(platform.organisations.map((o) => [o.id, o])) }
  const rnd = rootRandom(platform, `servicenow:${table}`)
  const salt = table === 'incident' ? 0x1ac1 : 0x5e9
  const windowStart = Date.parse(`${addDays(platform.endDate, -(platform.size.days - 1))}T00:00:00Z`)
  const windowEnd = Date.parse(`${platform.endDate}T00:00:00Z`) + DAY_MS - 1000 // last second of endDate
  const clock = officeClock(windowStart, platform.size.days)

  for (let i = 0; i < count; i++) {
    // One slot per ticket, in order: opened_at (and so the number) rises without holding them all in memory.
    const openedAt = Math.floor(clock((i + rnd.next() * 0.999) / count) / 1000) * 1000
    const project = rnd.chance(0.04) ? null : rnd.pick(platform.projects)
    const age = (windowEnd - openedAt) / DAY_MS
    const finishedShare = age > 30 ? 0.97 : age > 7 ? 0.75 : age > 1 ? 0.4 : 0.1
    const done = rnd.chance(finishedShare)
    // Most tickets take hours to days; a few drag on for weeks.
    const duration = 10 * 60_000 + Math.floor(rnd.next() ** 3 * 40 * DAY_MS)
    const lastChange = (from: number) => from + Math.floor(rnd.next() * (windowEnd - from))
    const id = sysId(rnd, i, salt)
    const description = describeTicket(rnd, table, ctx, project, openedAt)
    const t: Ticket = {
      sysId: id,
      // Above the demo store's numbers (INC0010001 on), so fixtures import into a demo store.
      number: ticketNumber(table, FIRST_FIXTURE_NUMBER + i),
      shortDescription: description.text,
      component: description.component,
      requestType: description.requestType,
      state: '1',
      priority: rnd.weighted(
        table === 'incident'
          ? [
              ['1', 2],
              ['2', 10],
              ['3', 45],
              ['4', 35],
              ['5', 8],
            ]
          : [
              ['2', 3],
              ['3', 27],
              ['4', 60],
              ['5', 10],
            ],
      ),
      openedAt,
      updatedAt: openedAt,
      closedAt: null,
      project: project?.code ?? '',
    }
    if (table === 'incident') {
      // The category goes with the text; a general question is an inquiry, or about access.
      const general = rnd.weighted([
        ['inquiry', 3],
        ['access', 1],
      ])
      t.category = description.category ?? general
      t.resolvedAt = null
      const resolvedAt = openedAt + duration
      if (done && rnd.chance(0.07)) {
        t.state = '8'
        t.closedAt = Math.min(windowEnd, openedAt + Math.floor(duration / 4))
        t.updatedAt = t.closedAt
      } else if (done && resolvedAt <= windowEnd) {
        t.resolvedAt = resolvedAt
        // Resolved incidents close automatically a week later.
        const closedAt = resolvedAt + 7 * DAY_MS
        if (closedAt <= windowEnd) {
          t.state = '7'
          t.closedAt = closedAt
          t.updatedAt = closedAt
        } else {
          t.state = '6'
          t.updatedAt = resolvedAt + Math.floor(rnd.next() * HOUR_MS)
          if (t.updatedAt > windowEnd) t.updatedAt = resolvedAt
        }
      } else {
        t.state = rnd.weighted([
          ['1', 30],
          ['2', 55],
          ['3', 15],
        ])
        t.updatedAt = lastChange(openedAt)
      }
    } else {
      const closedAt = openedAt + duration
      if (done && closedAt <= windowEnd) {
        t.requestState = rnd.weighted([
          ['closed_complete', 80],
          ['closed_incomplete', 6],
          ['closed_cancelled', 8],
          ['closed_rejected', 6],
        ])
        t.state = t.requestState === 'closed_complete' ? '3' : t.requestState === 'closed_incomplete' ? '4' : '7'
        t.closedAt = closedAt
        t.updatedAt = closedAt
      } else {
        t.requestState = rnd.chance(0.4) ? 'requested' : 'in_process'
        t.state = t.requestState === 'requested' ? '1' : rnd.chance(0.15) ? '-5' : '2'
        t.updatedAt = lastChange(openedAt)
      }
    }
    yield t
  }
}

/** Records as `GET /api/now/table/<table>` returns them inside `{"result": [...]}`, by rising number. */
export function* serviceNowRecordStream(table: ServiceNowTable, options: ServiceNowOptions = {}): Generator<ServiceNowRecord> {
  for (const t of tickets(table, options)) yield toRecord(table, t, options)
}

export function serviceNowRecords(table: ServiceNowTable, options: ServiceNowOptions = {}): ServiceNowRecord[] {
  return [...serviceNowRecordStream(table, options)]
}

// ---------------------------------------------------------------------------
// Awkward ServiceNow records

export type AwkwardCaseName = 'missing-optional-fields' | 'unknown-state' | 'non-ascii' | 'duplicate-sys-id' | 'moved-project'

export interface AwkwardCase {
  name: AwkwardCaseName
  description: string
  /** In the order a pull would see them: an older version before the newer one. */
  records: ServiceNowRecord[]
}

/** Incident records a collector must cope with, grouped by the difficulty each shows. */
export function awkwardServiceNowCases(options: Omit<ServiceNowOptions, 'count'> = {}): AwkwardCase[] {
  const { platform } = resolve(options)
  const rnd = rootRandom(platform, 'servicenow:awkward')
  const end = Date.parse(`${platform.endDate}T00:00:00Z`)
  const [first, second] = [platform.projects[0]!, platform.projects[1] ?? platform.projects[0]!]
  let sequence = 9_000_001 // far above the generated numbers, so both files can be loaded together
  const ticket = (hoursBeforeEnd: number, extra: Partial<Ticket>): Ticket => {
    // Not on the hour: parsers must keep minutes and seconds.
    const openedAt = end - hoursBeforeEnd * HOUR_MS + rnd.int(0, 3599) * 1000
    return {
      sysId: sysId(rnd, sequence, 0xa3c),
      number: ticketNumber('incident', sequence++),
      shortDescription: `Upload ${first.code} mislukt`,
      state: '2',
      priority: '3',
      category: 'software',
      component: 'HD4DP_V2_LOCAL',
      openedAt,
      updatedAt: openedAt + HOUR_MS,
      closedAt: null,
      resolvedAt: null,
      project: first.code,
      ...extra,
    }
  }
  const record = (t: Ticket) => toRecord('incident', t, options)

  const bare = ticket(50, { category: undefined, resolvedAt: undefined, shortDescription: 'Vraag zonder categorie' })
  const unknown = ticket(40, { state: '42', shortDescription: `État inconnu après migration du portail (${first.code})` })
  const accents = ticket(30, { shortDescription: `Données reçues à Liège : « été » ≠ "ete", ça coince – ${first.code}` })
  const umlauts = ticket(29, { shortDescription: 'Übermittlung aus Eupen fehlgeschlagen: Größe überschritten, Patiënt ü/ë' })
  const emoji = ticket(28, { shortDescription: `Upload vastgelopen 😞🔥 — we wachten al 3 dagen 👩‍⚕️ (${first.code})` })
  const older = ticket(20, { state: '2', shortDescription: `Aantallen ${first.code} kloppen niet` })
  const newer: Ticket = {
    ...older,
    state: '6',
    resolvedAt: older.openedAt + 5 * HOUR_MS,
    updatedAt: older.openedAt + 5 * HOUR_MS + 60_000,
  }
  const before = ticket(15, { shortDescription: 'Registratie onder het verkeerde project ingediend', project: first.code })
  const moved: Ticket = { ...before, project: second.code, updatedAt: before.updatedAt + 3 * HOUR_MS }

  return [
    { name: 'missing-optional-fields', description: 'no category key and no resolved_at key at all', records: [record(bare)] },
    { name: 'unknown-state', description: 'state code "42", in no mapping table', records: [record(unknown)] },
    {
      name: 'non-ascii',
      description: 'accents, umlauts, typographic quotes and emoji',
      records: [record(accents), record(umlauts), record(emoji)],
    },
    {
      name: 'duplicate-sys-id',
      description: 'one sys_id twice; the second has a later sys_updated_on and state 6 (resolved), and wins',
      records: [record(older), record(newer)],
    },
    {
      name: 'moved-project',
      description: `one sys_id twice; the later version moved from ${first.code} to ${second.code}`,
      records: [record(before), record(moved)],
    },
  ]
}

export function awkwardServiceNowRecords(options: Omit<ServiceNowOptions, 'count'> = {}): ServiceNowRecord[] {
  return awkwardServiceNowCases(options).flatMap((c) => c.records)
}

// ---------------------------------------------------------------------------
// Corrupt counts files

export type CorruptionName = 'negative-count' | 'string-for-number' | 'truncated' | 'unknown-component'

export interface CorruptFile {
  name: string
  corruption: CorruptionName
  /** The raw file text: some of these are not JSON at all. */
  text: string
}

function pretty(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`
}

/** Counts files each broken in one way, realistic otherwise. */
export function corruptCountsDocuments(options: FixtureOptions = {}): CorruptFile[] {
  const documents = hd4devopsCountsDocuments(options).map((f) => f.document)
  const mostProjects = (component: ComponentId) =>
    documents
      .filter((d) => d.component === component)
      .reduce<CountsDocument | undefined>((best, d) => (!best || d.projects.length > best.projects.length ? d : best), undefined)
  // A document without installations, so the broken count is the only thing wrong with it.
  const plain = mostProjects('HD4DP_V2_WEB')
  const local = mostProjects('HD4DP_V2_LOCAL')
  if (!plain?.projects.length || !local?.projects.length) {
    throw new Error('The platform has no HD4DevOps counts on these days to corrupt')
  }
  const middle = Math.floor(plain.projects.length / 2)
  // Loosely typed: the point is to put in what the format forbids.
  const copy = () => structuredClone(plain) as unknown as { component: string; projects: Record<string, unknown>[] }

  const negative = copy()
  negative.projects[middle]!.records = -3
  const stringy = copy()
  stringy.projects[middle]!.records = String(plain.projects[middle]!.records)
  const unknown = copy()
  unknown.component = 'HD4DP_V1' // the retired first version, still named in old exports
  const localText = pretty(local)
  // Cut mid-way, as a transfer that died would leave it: never a complete JSON value.
  const truncated = localText.slice(0, Math.floor(localText.length * 0.6))

  return [
    { name: 'hd4devops-counts-negative-count.json', corruption: 'negative-count', text: pretty(negative) },
    { name: 'hd4devops-counts-string-for-number.json', corruption: 'string-for-number', text: pretty(stringy) },
    { name: 'hd4devops-counts-truncated.json', corruption: 'truncated', text: truncated },
    { name: 'hd4devops-counts-unknown-component.json', corruption: 'unknown-component', text: pretty(unknown) },
  ]
}

// ---------------------------------------------------------------------------
// Writing them all

/**
 * Writes `{"result": [...]}` record by record, in exactly the layout of
 * JSON.stringify(value, null, 2), so a large extract needs no more memory than a small one.
 */
/** Writes a Table API answer ({"result": [...]}) record by record, in constant memory. */
export async function writeResultFile(file: string, records: Iterable<ServiceNowRecord>): Promise<void> {
  const out = createWriteStream(file, { encoding: 'utf8' })
  let buffer = ''
  const flush = async () => {
    if (!out.write(buffer)) await once(out, 'drain')
    buffer = ''
  }
  let first = true
  for (const record of records) {
    buffer += `${first ? '{\n  "result": [\n' : ',\n'}    ${JSON.stringify(record, null, 2).replace(/\n/g, '\n    ')}`
    first = false
    if (buffer.length > 1 << 16) await flush()
  }
  buffer += first ? '{\n  "result": []\n}\n' : '\n  ]\n}\n'
  await flush()
  out.end()
  await finished(out)
}

/** Writes every kind of fixture under `dir` and returns the paths written; `count` applies to each ServiceNow table. */
export async function writeFixtures(dir: string, options: ServiceNowOptions = {}): Promise<string[]> {
  const written: string[] = []
  const put = async (relative: string, text: string) => {
    const file = path.join(dir, relative)
    await writeFile(file, text, 'utf8')
    written.push(file)
  }
  for (const sub of ['hd4devops/counts', 'hd4devops/availability', 'servicenow', 'corrupt']) {
    await mkdir(path.join(dir, sub), { recursive: true })
  }
  for (const f of hd4devopsCountsDocuments(options)) await put(`hd4devops/counts/${f.fileName}`, pretty(f.document))
  for (const f of hd4devopsAvailabilityDocuments(options)) await put(`hd4devops/availability/${f.fileName}`, pretty(f.document))
  for (const table of ['incident', 'sc_request'] as const) {
    const file = path.join(dir, 'servicenow', `${table}.json`)
    await writeResultFile(file, serviceNowRecordStream(table, options))
    written.push(file)
  }
  await put('servicenow/awkward-incident.json', pretty({ result: awkwardServiceNowRecords(options) }))
  for (const f of corruptCountsDocuments(options)) await put(`corrupt/${f.name}`, f.text)
  return written
}
