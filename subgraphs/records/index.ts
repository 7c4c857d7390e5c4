/**
 * records: study record counts per project, component and day, as collected
 * from HD4DevOps (external components) and by HD4RES (internal components).
 * Records are banded like subjects (kit/counts/disclosure.ts): every subject
 * has a record, so a small record count is a small subject count.
 */
import { countsSubgraph } from '../kit/counts/subgraph.js'
import { RECORD_COUNTS } from './import.js'

export const records = countsSubgraph({
  table: RECORD_COUNTS,
  moduleUrl: import.meta.url,
  publication: 'STUDY_RECORD_COUNTS',
  names: 'StudyRecord',
  covers: (component) => component.holdsRecords,
  // HD MDM: monitored for its status only (kit/catalogue/components.ts).
  notCovered: ({ name }) => ({
    en: `Study records are not counted in ${name}: it holds no study records`,
    nl: `Records worden niet geteld in ${name}: dit onderdeel bevat geen studierecords`,
    fr: `Les enregistrements d'étude ne sont pas comptés dans ${name} : ce composant ne contient aucun enregistrement d'étude`,
    de: `Studiendatensätze werden in ${name} nicht gezählt: diese Komponente enthält keine Studiendatensätze`,
  }),
  descriptions: {
    counts: 'Study records in each component on a day (default: the latest collected day).',
    history: 'Daily study-record counts per component between two dates, both included.',
    pipeline:
      'Study records lost or waiting between consecutive components on a day (default: the latest collected day), with a verdict per step, worked out from the published counts only.',
  },
})
