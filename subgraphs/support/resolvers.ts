/** Resolvers of the support subgraph (SDL-first): incidents and requests per project. */
import type { IResolvers } from 'mercurius'
import { assertMember, badInput } from '../kit/graphql/access.js'
import type { PublicationId } from '../kit/catalogue/publications.js'
import { DateScalar, DateTimeScalar } from '../kit/graphql/scalars.js'
import type { SubgraphContext } from '../kit/server/subgraph.js'
import { decodeCursor, encodeCursor } from './cursor.js'
import type {
  ComponentId,
  Incident,
  Resolvers,
  ServiceRequest,
  ServiceRequestType,
  SlaStage,
  TicketPriority,
  TicketSla,
  TicketState,
} from './generated/resolvers.js'
import type { SupportLoaders } from './loaders.js'
import type { SlaRow, TicketFilterInput, TicketKind, TicketOrder, TicketRow } from './store.js'
import { SERVICE_PORTAL_URL_TEMPLATE_DEFAULT } from '../../platform/settings.js'

/** The context every resolver here receives; codegen.yml names it for the generated resolver types. */
export type SupportContext = SubgraphContext<SupportLoaders>
type Ctx = SupportContext

export const MAX_PAGE_SIZE = 100
const MAX_SEARCH_LENGTH = 200

interface TicketArgs {
  filter?: TicketFilterInput | null
  first?: number | null
  after?: string | null
  orderBy?: TicketOrder | null
}

function iso(value: Date | string): string
function iso(value: Date | string | null): string | null
function iso(value: Date | string | null): string | null {
  return value === null ? null : new Date(value).toISOString()
}

/** A ticket as the list resolvers give it; its SLAs are resolved beside it, for every ticket of the answer at once. */
export type IncidentNode = Omit<Incident, 'sla' | 'slas'> & { __typename: 'Incident' }
export type ServiceRequestNode = Omit<ServiceRequest, 'sla' | 'slas'> & { __typename: 'ServiceRequest' }

/** The ticket's page on the portal, from the deployment's template ({sys_id}, {number}, {table}); null when it links to none. */
export function portalUrl(template: string | null | undefined, row: Pick<TicketRow, 'sys_id' | 'number'>, kind: TicketKind): string | null {
  const chosen = template === undefined ? SERVICE_PORTAL_URL_TEMPLATE_DEFAULT : template
  if (chosen === null) return null
  const values: Record<string, string> = {
    sys_id: row.sys_id,
    number: row.number ?? '',
    table: kind === 'incident' ? 'incident' : 'sc_request',
  }
  return chosen.replace(/\{(sys_id|number|table)\}/g, (_, name: string) => encodeURIComponent(values[name]!))
}

/**
 * The fields every ticket has. A page's rows all have a number (the loader
 * drops a project's empty-page row), and the store holds only the enums'
 * values: the collector maps ServiceNow's codes (collectors/servicenow/mapping.ts).
 */
const ticketFields = (row: TicketRow, kind: TicketKind, ctx: Ctx) => ({
  // sys_ids are unique across an instance's tables, so an incident and a request never share one.
  id: row.sys_id,
  number: row.number!,
  shortDescription: row.short_description,
  state: row.state as TicketState,
  priority: row.priority as TicketPriority,
  openedAt: iso(row.opened_at),
  updatedAt: iso(row.updated_at),
  closedAt: iso(row.closed_at),
  affectedComponent: row.affected_component ? { __typename: 'Component' as const, id: row.affected_component as ComponentId } : null,
  portalUrl: portalUrl(ctx.settings.servicePortalUrlTemplate, row, kind),
})

const incidentNode = (row: TicketRow, ctx: Ctx): IncidentNode => ({
  __typename: 'Incident',
  ...ticketFields(row, 'incident', ctx),
  resolvedAt: iso(row.resolved_at),
  category: row.category,
})

const requestNode = (row: TicketRow, ctx: Ctx): ServiceRequestNode => ({
  __typename: 'ServiceRequest',
  ...ticketFields(row, 'request', ctx),
  requestType: row.request_type as ServiceRequestType | null,
})

const slaOf = (row: SlaRow): TicketSla & { __typename: 'TicketSla' } => ({
  __typename: 'TicketSla',
  name: row.name,
  stage: row.stage as SlaStage | null,
  startedAt: iso(row.started_at),
  dueAt: iso(row.due_at),
  stoppedAt: iso(row.stopped_at),
  breached: row.breached,
})

/** The SLA that governs a ticket now: of the running ones the one due first, else the one that stopped last. */
export function governingSla(slas: readonly SlaRow[]): SlaRow | null {
  const time = (value: Date | string | null, missing: number) => (value === null ? missing : new Date(value).getTime())
  const running = slas.filter((s) => s.stage === 'IN_PROGRESS' || s.stage === 'PAUSED')
  if (running.length > 0) return running.reduce((a, b) => (time(b.due_at, Infinity) < time(a.due_at, Infinity) ? b : a))
  if (slas.length === 0) return null
  return slas.reduce((a, b) => (time(b.stopped_at, -Infinity) > time(a.stopped_at, -Infinity) ? b : a))
}

/** sla and slas, on both ticket types. */
const slaFields = {
  slas: async (ticket: { id: string }, _args: unknown, ctx: Ctx) => (await ctx.loaders.slas.load(ticket.id)).map(slaOf),
  sla: async (ticket: { id: string }, _args: unknown, ctx: Ctx) => {
    const governing = governingSla(await ctx.loaders.slas.load(ticket.id))
    return governing ? slaOf(governing) : null
  },
}

function validate(args: TicketArgs): { first: number; filter: TicketFilterInput } {
  const first = args.first ?? 50
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(`"first" must be between 0 and ${MAX_PAGE_SIZE}; got ${first}`, 'first')
  }
  const filter = args.filter ?? {}
  if (filter.openedFrom && filter.openedTo && filter.openedFrom > filter.openedTo) {
    throw badInput(`filter.openedFrom (${filter.openedFrom}) must not be after filter.openedTo (${filter.openedTo})`, 'filter')
  }
  // PostgreSQL text cannot hold a NUL: said here, not by the store.
  if (filter.search?.includes('\u0000')) throw badInput('filter.search must not contain a NUL character (\\u0000)', 'filter')
  if (filter.search && filter.search.length > MAX_SEARCH_LENGTH) {
    throw badInput(`filter.search must be at most ${MAX_SEARCH_LENGTH} characters; got ${filter.search.length}`, 'filter')
  }
  // Keep only what narrows the list, so equal filters batch together.
  const normalised: TicketFilterInput = {}
  if (filter.states?.length) normalised.states = [...filter.states].sort()
  if (filter.priorities?.length) normalised.priorities = [...filter.priorities].sort()
  if (filter.openedFrom) normalised.openedFrom = filter.openedFrom
  if (filter.openedTo) normalised.openedTo = filter.openedTo
  if (filter.search?.trim()) normalised.search = filter.search.trim()
  return { first, filter: normalised }
}

/** A ticket list's resolver; the type names and the node's shape are checked where it is used, against the SDL. */
function ticketList<Connection extends string, Edge extends string, Node>(
  kind: TicketKind,
  publication: PublicationId,
  connection: Connection,
  edge: Edge,
  toNode: (row: TicketRow, ctx: Ctx) => Node,
) {
  return async (project: { id: string }, args: TicketArgs, ctx: Ctx) => {
    assertMember(ctx.identity, project.id)
    const underDevelopment = ctx.registry.underDevelopment(publication)
    if (underDevelopment) return underDevelopment
    const { first, filter } = validate(args)
    const order = args.orderBy ?? 'NEWEST_FIRST'
    const list = { projectId: project.id, kind, order }
    const secret = ctx.settings.identitySecret
    const after = args.after ? decodeCursor(args.after, list, secret) : null
    const page = await ctx.loaders.pages.load({
      projectId: project.id,
      kind,
      filter,
      limit: first + 1,
      after,
      order,
    })
    const rows = page.rows.slice(0, first)
    const edges = rows.map((row) => ({
      __typename: edge,
      cursor: encodeCursor({ openedAt: iso(row.opened_at), number: row.number! }, list, secret),
      node: toNode(row, ctx),
    }))
    return {
      __typename: connection,
      totalCount: page.total,
      pageInfo: { hasNextPage: page.rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
      edges,
    }
  }
}

const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  ResearchProject: {
    // mercurius calls this with (reference, {}, context, info), not the generated type's (reference, context, info): use only the reference.
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    incidents: ticketList('incident', 'INCIDENTS', 'IncidentConnection', 'IncidentEdge', incidentNode),
    requests: ticketList('request', 'REQUESTS', 'ServiceRequestConnection', 'ServiceRequestEdge', requestNode),
  },
  Incident: slaFields,
  ServiceRequest: slaFields,
}

/** mercurius takes any resolver map; the generated type above is what checks this one against the SDL. */
export const supportResolvers = resolvers as IResolvers
