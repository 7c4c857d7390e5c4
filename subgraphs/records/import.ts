/** How collectors write study record counts: the records subgraph's tables, one day at a time. */
import type { CountsTable } from '../kit/countsImport.js'

export const RECORD_COUNTS: CountsTable = { schema: 'records', table: 'study_record_counts', column: 'records' }
