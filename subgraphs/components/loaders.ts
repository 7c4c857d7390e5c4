/** Per-request loaders for component status. */
import DataLoader from 'dataloader'
import { COMPONENT_IDS } from '../kit/catalogue/components.js'
import { manyByKey, objectLoader } from '../kit/graphql/loaders.js'
import { sharedCache } from '../kit/server/sharedCache.js'
import type { SubgraphDeps } from '../kit/server/subgraph.js'
import { STATUS_STALE_AFTER_SECONDS_DEFAULT } from '../../platform/settings.js'
import { ComponentsStore, type LatestCheckRow } from './store.js'

export type AvailabilityWindow = 'LAST_24_HOURS' | 'LAST_7_DAYS' | 'LAST_30_DAYS'

const HOUR = 3_600_000
export const WINDOW_MS: Record<AvailabilityWindow, number> = {
  LAST_24_HOURS: 24 * HOUR,
  LAST_7_DAYS: 7 * 24 * HOUR,
  LAST_30_DAYS: 30 * 24 * HOUR,
}
/** Failed checks within this span make a component DEGRADED. */
export const RECENT_SPAN_MS = HOUR

export interface WindowStats {
  availability: number | null
  p95: number | null
}

/**
 * Component status is the same for every researcher and moves with the
 * 5-minute checks: computed once a minute per process, not per request.
 */
const STATUS_TTL_MS = 60_000

export function createComponentsLoaders(deps: SubgraphDeps) {
  const store = new ComponentsStore(deps.db)
  // One instant per minute, so every figure in an answer (and in the shared cache) agrees.
  const minute = Math.floor((deps.now?.() ?? new Date()).getTime() / STATUS_TTL_MS)
  const now = new Date(minute * STATUS_TTL_MS)
  const latest = sharedCache<Map<string, LatestCheckRow>>(deps, 'latest-checks', STATUS_TTL_MS)
  const windows = sharedCache<WindowStats[]>(deps, 'window-stats', STATUS_TTL_MS)
  return {
    now,
    /** The staleness rule, HD4RES_STATUS_STALE_AFTER_SECONDS. */
    staleAfterSeconds: deps.settings.statusStaleAfterSeconds ?? STATUS_STALE_AFTER_SECONDS_DEFAULT,
    latestCheck: new DataLoader<string, LatestCheckRow | null>(async (ids) => {
      // All components at once: the set is small and every dashboard asks for most of them.
      const all = await latest.get(String(minute), async () => {
        const rows = await store.latestChecks(COMPONENT_IDS, new Date(now.getTime() - RECENT_SPAN_MS))
        return new Map(rows.map((r) => [r.component_id, r]))
      })
      return ids.map((id) => all.get(id) ?? null)
    }),
    window: objectLoader<{ componentId: string; window: AvailabilityWindow }, WindowStats>(
      async (requests) =>
        Promise.all(
          requests.map((r) =>
            windows
              .get(`${minute}|${r.componentId}|${r.window}`, async () => {
                const [row] = await store.windowStats(
                  [{ componentId: r.componentId, since: new Date(now.getTime() - WINDOW_MS[r.window]) }],
                  now,
                )
                return [
                  {
                    availability: !row || row.checks === 0 ? null : Math.round((row.ups / row.checks) * 100_000) / 1000,
                    p95: !row || row.p95 === null ? null : Math.round(row.p95 * 10) / 10,
                  },
                ]
              })
              .then((v) => v[0]!),
          ),
        ),
      (r) => `${r.componentId}|${r.window}`,
    ),
    projectComponents: new DataLoader<string, string[]>(async (projectIds) =>
      manyByKey(projectIds, await store.projectComponents(projectIds), (r) => r.project_id).map((rows) => rows.map((r) => r.component_id)),
    ),
  }
}

export type ComponentsLoaders = ReturnType<typeof createComponentsLoaders>
