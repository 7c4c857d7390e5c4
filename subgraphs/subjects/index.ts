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
  // BioIT holds study records without subject information; HD MDM is monitored for its status only (kit/catalogue/components.ts).
  notCovered: ({ name }) => ({
    en: `Unique subjects are not counted in ${name}: it holds no information on study subjects`,
    nl: `Unieke subjecten worden niet geteld in ${name}: dit onderdeel bevat geen gegevens over studiesubjecten`,
    fr: `Les sujets uniques ne sont pas comptés dans ${name} : ce composant ne contient aucune information sur les sujets d'étude`,
    de: `Eindeutige Personen werden in ${name} nicht gezählt: diese Komponente enthält keine Angaben zu Studienteilnehmern`,
  }),
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
