import { createCountLoaders, exact, exactParts } from '../kit/counts.js'
import { CountsStore } from '../kit/countsStore.js'
import { componentInfo } from '../kit/components.js'
import { todayUtc } from '../kit/dates.js'
import type { SubgraphDeps } from '../kit/subgraph.js'

export function createRecordsLoaders(deps: SubgraphDeps) {
  const store = new CountsStore(deps.db, 'records.study_record_counts', 'records.project_components', 'records', 'records.installation_counts')
  return {
    counts: createCountLoaders({
      store,
      publish: exact,
      publishParts: exactParts,
      include: (id) => componentInfo(id).holdsRecords,
      today: todayUtc,
    }),
  }
}

export type RecordsLoaders = ReturnType<typeof createRecordsLoaders>
