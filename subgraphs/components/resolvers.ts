/** Resolvers of the components subgraph (SDL-first). */
import type { IResolvers } from 'mercurius'
import { assertMember } from '../kit/access.js'
import { COMPONENTS, COMPONENT_IDS, componentInfo, isComponentId, type ComponentId } from '../kit/components.js'
import { DateScalar, DateTimeScalar } from '../kit/scalars.js'
import type { SubgraphContext } from '../kit/subgraph.js'
import type { AvailabilityWindow, ComponentsLoaders } from './loaders.js'

type Ctx = SubgraphContext<ComponentsLoaders>

/** A check older than this says nothing about now: the status is UNKNOWN. */
const STALE_AFTER_MS = 15 * 60_000
/** A successful check slower than this makes a component DEGRADED. */
const SLOW_RESPONSE_MS = 3_000

interface ComponentStatusValue {
  __typename: 'ComponentStatus'
  component: { id: ComponentId }
  status: 'OPERATIONAL' | 'DEGRADED' | 'DOWN' | 'UNKNOWN'
  checkedAt: string | null
}

async function statusOf(id: ComponentId, ctx: Ctx): Promise<ComponentStatusValue> {
  const check = await ctx.loaders.latestCheck.load(id)
  const checkedAt = check?.checked_at ? new Date(check.checked_at) : null
  let status: ComponentStatusValue['status']
  if (!check || !checkedAt || ctx.loaders.now.getTime() - checkedAt.getTime() > STALE_AFTER_MS) status = 'UNKNOWN'
  else if (!check.up) status = 'DOWN'
  else if (check.recent_failures > 0 || (check.response_ms ?? 0) > SLOW_RESPONSE_MS) status = 'DEGRADED'
  else status = 'OPERATIONAL'
  return { __typename: 'ComponentStatus', component: { id }, status, checkedAt: checkedAt?.toISOString() ?? null }
}

const componentValue = (id: ComponentId) => {
  const info = componentInfo(id)
  return { id, name: info.name, location: info.location }
}

export const componentsResolvers: IResolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query: {
    components: () => COMPONENTS.map((c) => componentValue(c.id)),
  },
  Component: {
    __resolveReference: (reference: { id: string }) =>
      isComponentId(reference.id) ? componentValue(reference.id) : null,
    name: (component: { id: ComponentId }) => componentInfo(component.id).name,
    location: (component: { id: ComponentId }) => componentInfo(component.id).location,
    status: (component: { id: ComponentId }, _args: unknown, ctx: Ctx) =>
      ctx.registry.underDevelopment('COMPONENT_STATUS') ?? statusOf(component.id, ctx),
  },
  ComponentStatus: {
    availability: async (value: ComponentStatusValue, args: { window: AvailabilityWindow }, ctx: Ctx) =>
      (await ctx.loaders.window.load({ componentId: value.component.id, window: args.window })).availability,
    responseTimeP95Ms: async (value: ComponentStatusValue, args: { window: AvailabilityWindow }, ctx: Ctx) =>
      (await ctx.loaders.window.load({ componentId: value.component.id, window: args.window })).p95,
  },
  ResearchProject: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    componentStatus: async (project: { id: string }, _args: unknown, ctx: Ctx) => {
      assertMember(ctx.identity, project.id)
      const underDevelopment = ctx.registry.underDevelopment('COMPONENT_STATUS')
      if (underDevelopment) return underDevelopment
      const used = (await ctx.loaders.projectComponents.load(project.id))
        .filter(isComponentId)
        .sort((a, b) => COMPONENT_IDS.indexOf(a) - COMPONENT_IDS.indexOf(b))
      return { __typename: 'ComponentStatusList', items: await Promise.all(used.map((id) => statusOf(id, ctx))) }
    },
  },
} as unknown as IResolvers
