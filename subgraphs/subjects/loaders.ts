/** The subjects subgraph's own loaders, made beside the counts' (kit/counts/subgraph.ts), whose Disclosure its figures go through too. */
import { objectLoader, manyByKey } from '../kit/graphql/loaders.js'
import type { CountsLoaders } from '../kit/counts/subgraph.js'
import type { SubgraphDeps } from '../kit/server/subgraph.js'
import { SubjectsStore } from './store.js'

export function createSubjectsLoaders(deps: SubgraphDeps) {
  const store = new SubjectsStore(deps.db)
  return {
    store,
    overlaps: objectLoader<{ projectId: string; day: string }, { otherProjectId: string; shared: number }[]>(
      async (requests) => {
        const rows = await store.overlaps(requests)
        return manyByKey(
          requests.map((_, i) => i + 1),
          rows,
          (r) => r.ord,
        ).map((rs) => rs.map((r) => ({ otherProjectId: r.other_project_id, shared: r.shared_subjects })))
      },
      (r) => `${r.projectId}|${r.day}`,
    ),
  }
}

export type SubjectsLoaders = CountsLoaders & ReturnType<typeof createSubjectsLoaders>
