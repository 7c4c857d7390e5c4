/** Per-request loaders for component status. */
import DataLoader from 'dataloader'
import { manyByKey, oneByKey, objectLoader } from '../kit/loaders.js'
import type { SubgraphDeps } from '../kit/subgraph.js'
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

export function createComponentsLoaders(deps: SubgraphDeps) {
  const store = new ComponentsStore(deps.db)
  // One instant per request, so every figure in an answer agrees.
  const now = new Date()
  return {
    now,
    latestCheck: new DataLoader<string, LatestCheckRow | null>(async (ids) =>
      oneByKey(ids, await store.latestChecks(ids, new Date(now.getTime() - RECENT_SPAN_MS)), (r) => r.component_id),
    ),
    window: objectLoader<{ componentId: string; window: AvailabilityWindow }, WindowStats>(
      async (requests) => {
        const rows = await store.windowStats(
          requests.map((r) => ({ componentId: r.componentId, since: new Date(now.getTime() - WINDOW_MS[r.window]) })),
          now,
        )
        return rows.map((row) => ({
          availability: row.checks === 0 ? null : Math.round((row.ups / row.checks) * 100_000) / 1000,
          p95: row.p95 === null ? null : Math.round(row.p95 * 10) / 10,
        }))
      },
      (r) => `${r.componentId}|${r.window}`,
    ),
    projectComponents: new DataLoader<string, string[]>(async (projectIds) =>
      manyByKey(projectIds, await store.projectComponents(projectIds), (r) => r.project_id).map((rows) =>
        rows.map((r) => r.component_id),
      ),
    ),
  }
}

export type ComponentsLoaders = ReturnType<typeof createComponentsLoaders>
