/**
 * subjects: unique study subjects per project, component and day, and the
 * platform-wide count of subjects in several studies with per-project overlaps.
 * Every subject count below the threshold is published as SuppressedCount.
 */
import { countsSubgraph } from '../kit/counts/subgraph.js'
import { SUBJECT_COUNTS } from './import.js'
import { createSubjectsLoaders } from './loaders.js'
import { MultiStudyResolver } from './resolvers.js'
import { ResearchProject } from './types.js'

export const subjects = countsSubgraph({
  table: SUBJECT_COUNTS,
  moduleUrl: import.meta.url,
  publication: 'UNIQUE_SUBJECT_COUNTS',
  names: 'UniqueSubject',
  covers: (component) => component.holdsSubjects,
  descriptions: {
    counts: 'Unique study subjects in each component on a day (default: the latest collected day).',
    history: 'Daily unique-subject counts per component between two dates, both included.',
    historyType: 'Daily unique-subject counts per component; small counts are withheld on every day.',
    pipeline:
      'Unique subjects lost or waiting between consecutive components on a day (default: the latest collected day), with a verdict per step, worked out from the published counts only.',
  },
  project: ResearchProject,
  extend: { resolvers: [MultiStudyResolver], loaders: createSubjectsLoaders },
})
