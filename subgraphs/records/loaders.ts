import { createCountLoaders } from '../kit/counts.js'
import { CountsStore } from '../kit/countsStore.js'
import { componentInfo } from '../kit/components.js'
import { todayUtc } from '../kit/dates.js'
import { disclosureControl } from '../kit/disclosure.js'
import type { SubgraphDeps } from '../kit/subgraph.js'

export function createRecordsLoaders(deps: SubgraphDeps) {
  const store = new CountsStore(deps.db, 'records.study_record_counts', 'records.project_components', 'records', 'records.installation_counts')
  return {
    counts: createCountLoaders({
      store,
      // Records are banded like subjects: every subject has a record, so a small record count is a small subject count.
      disclosure: disclosureControl(deps.settings.suppressionThreshold),
      include: (id) => componentInfo(id).holdsRecords,
      today: todayUtc,
    }),
  }
}

export type RecordsLoaders = ReturnType<typeof createRecordsLoaders>
