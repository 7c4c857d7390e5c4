import { createCountLoaders } from '../kit/counts.js'
import { CountsStore } from '../kit/countsStore.js'
import { componentInfo } from '../kit/components.js'
import { todayUtc } from '../kit/dates.js'
import { disclosureControl } from '../kit/disclosure.js'
import { manyByKey, objectLoader } from '../kit/loaders.js'
import type { SubgraphDeps } from '../kit/subgraph.js'
import { SubjectsStore } from './store.js'

export function createSubjectsLoaders(deps: SubgraphDeps) {
  const counts = new CountsStore(deps.db, 'subjects.unique_subject_counts', 'subjects.project_components', 'subjects', 'subjects.installation_counts')
  const store = new SubjectsStore(deps.db)
  const disclosure = disclosureControl(deps.settings.suppressionThreshold)
  return {
    store,
    disclosure,
    counts: createCountLoaders({
      store: counts,
      disclosure,
      include: (id) => componentInfo(id).holdsSubjects,
      today: todayUtc,
    }),
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

export type SubjectsLoaders = ReturnType<typeof createSubjectsLoaders>
