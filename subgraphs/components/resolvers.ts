/** Resolvers of the components subgraph (SDL-first). */
import type { IResolvers } from 'mercurius'
import { assertMember } from '../kit/graphql/access.js'
import { COMPONENTS, COMPONENT_IDS, componentInfo, isComponentId, type ComponentId } from '../kit/catalogue/components.js'
import { DateScalar, DateTimeScalar } from '../kit/graphql/scalars.js'
import type { SubgraphContext } from '../kit/server/subgraph.js'
import type { Resolvers, ResolversParentTypes } from './generated/resolvers.js'
import type { ComponentsLoaders } from './loaders.js'

/** The context every resolver here receives; codegen.yml names it for the generated resolver types. */
export type ComponentsContext = SubgraphContext<ComponentsLoaders>
type Ctx = ComponentsContext

/** A successful check slower than this makes a component DEGRADED. */
const SLOW_RESPONSE_MS = 3_000

/** A ComponentStatus as the resolvers answer it: availability and response time have their own resolvers. */
type ComponentStatusValue = ResolversParentTypes['ComponentStatus'] & { __typename: 'ComponentStatus' }

async function statusOf(id: ComponentId, ctx: Ctx): Promise<ComponentStatusValue> {
  const check = await ctx.loaders.latestCheck.load(id)
  const checkedAt = check?.checked_at ? new Date(check.checked_at) : null
  // A check older than the staleness rule says nothing about now: the status is UNKNOWN.
  const staleAfterSeconds = ctx.loaders.staleAfterSeconds
  const ageMs = checkedAt ? Math.max(0, ctx.loaders.now.getTime() - checkedAt.getTime()) : null
  const stale = ageMs === null || ageMs > staleAfterSeconds * 1000
  let status: ComponentStatusValue['status']
  if (!check || stale) status = 'UNKNOWN'
  else if (!check.up) status = 'DOWN'
  else if (check.recent_failures > 0 || (check.response_ms ?? 0) > SLOW_RESPONSE_MS) status = 'DEGRADED'
  else status = 'OPERATIONAL'
  return {
    __typename: 'ComponentStatus',
    component: { id },
    status,
    checkedAt: checkedAt?.toISOString() ?? null,
    evidenceAgeSeconds: ageMs === null ? null : Math.floor(ageMs / 1000),
    staleAfterSeconds,
    stale,
  }
}

const componentValue = (id: ComponentId) => {
  const info = componentInfo(id)
  return { id, name: info.name, location: info.location }
}

const resolvers: Resolvers = {
  Date: DateScalar,
  DateTime: DateTimeScalar,
  Query: {
    components: () => COMPONENTS.map((c) => componentValue(c.id)),
  },
  Component: {
    // mercurius calls this with (reference, {}, context, info), not the generated type's (reference, context, info): use only the reference.
    __resolveReference: (reference: { id: string }) => (isComponentId(reference.id) ? componentValue(reference.id) : null),
    name: (component) => componentInfo(component.id).name,
    location: (component) => componentInfo(component.id).location,
    status: (component, _args, ctx) => ctx.registry.underDevelopment('COMPONENT_STATUS') ?? statusOf(component.id, ctx),
  },
  ComponentStatus: {
    availability: async (value, args, ctx) =>
      (await ctx.loaders.window.load({ componentId: value.component.id, window: args.window })).availability,
    responseTimeP95Ms: async (value, args, ctx) =>
      (await ctx.loaders.window.load({ componentId: value.component.id, window: args.window })).p95,
  },
  ResearchProject: {
    __resolveReference: (reference: { id: string }) => ({ id: reference.id }),
    componentStatus: async (project, _args, ctx) => {
      assertMember(ctx.identity, project.id)
      const underDevelopment = ctx.registry.underDevelopment('COMPONENT_STATUS')
      if (underDevelopment) return underDevelopment
      const used = (await ctx.loaders.projectComponents.load(project.id))
        .filter(isComponentId)
        .sort((a, b) => COMPONENT_IDS.indexOf(a) - COMPONENT_IDS.indexOf(b))
      return { __typename: 'ComponentStatusList', items: await Promise.all(used.map((id) => statusOf(id, ctx))) }
    },
  },
}

/** mercurius takes any resolver map; the generated type above is what checks this one against the SDL. */
export const componentsResolvers = resolvers as IResolvers
