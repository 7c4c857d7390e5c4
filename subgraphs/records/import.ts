/**
 * Where the records subgraph keeps its counts: the subgraph serves them
 * (index.ts) and collectors write them, one day at a time, through kit/counts/import.ts.
 */
import type { CountsTable } from '../kit/counts/store.js'

export const RECORD_COUNTS: CountsTable = { schema: 'records', table: 'study_record_counts', column: 'records' }
