/** Resolvers of the support subgraph (SDL-first): incidents and requests per project. */
import type { IResolvers } from 'mercurius'
import { assertMember, badInput } from '../kit/access.js'
import type { PublicationId } from '../kit/publications.js'
import { DateScalar, DateTimeScalar } from '../kit/scalars.js'
import type { SubgraphContext } from '../kit/subgraph.js'
import { decodeCursor, encodeCursor } from './cursor.js'
import type { SupportLoaders } from './loaders.js'
import type { TicketFilterInput, TicketKind, TicketOrder, TicketRow } from './store.js'

type Ctx = SubgraphContext<SupportLoaders>

export const MAX_PAGE_SIZE = 100
const MAX_SEARCH_LENGTH = 200

interface TicketArgs {
  filter?: TicketFilterInput | null
  first?: number | null
  after?: string | null
  orderBy?: TicketOrder | null
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString())

function toNode(row: TicketRow, kind: TicketKind) {
  const base = {
    __typename: kind === 'incident' ? 'Incident' : 'ServiceRequest',
    number: row.number,
    shortDescription: row.short_description,
    state: row.state,
    priority: row.priority,
    openedAt: iso(row.opened_at),
    updatedAt: iso(row.updated_at),
    closedAt: iso(row.closed_at),
  }
  return kind === 'incident' ? { ...base, resolvedAt: iso(row.resolved_at), category: row.category } : base
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

function ticketList(kind: TicketKind, publication: PublicationId, connection: string, edge: string) {
  return async (project: { id: string }, args: TicketArgs, ctx: Ctx) => {
    assertMember(ctx.identity, project.id)
    const underDevelopment = ctx.registry.underDevelopment(publication)
    if (underDevelopment) return underDevelopment
    const { first, filter } = validate(args)
    const after = args.after ? decodeCursor(args.after) : null
    const page = await ctx.loaders.pages.load({
      projectId: project.id,
      kind,
      filter,
      limit: first + 1,
      after,
      order: args.orderBy ?? 'NEWEST_FIRST',
    })
    const rows = page.rows.slice(0, first)
    const edges = rows.map((row) => ({
      __typename: edge,
      cursor: encodeCursor({ openedAt: iso(row.opened_at)!, number: row.number! }),
      node: toNode(row, kind),
    }))
    return {
      __typename: connection,
      totalCount: page.total,
      pageInfo: { hasNextPage: page.rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
      edges,
    }
  }
}

export const supportResolvers: IResolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  ResearchProject: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    incidents: ticketList('incident', 'INCIDENTS', 'IncidentConnection', 'IncidentEdge'),
    requests: ticketList('request', 'REQUESTS', 'ServiceRequestConnection', 'ServiceRequestEdge'),
  },
} as unknown as IResolvers
