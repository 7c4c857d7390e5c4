/**
 * The CSV exports, one per thing a researcher reads: what each one's address
 * takes, the operations it runs (documents.ts) page by page or chunk by
 * chunk, and the rows it writes from each answer. Every number is the one the
 * graph answered: an export formats, it never counts.
 *
 * A count's cells: `status` PUBLISHED (an ExactCount: `value`, and
 * `lower_bound`/`upper_bound` of its band), SUPPRESSED (`value` empty,
 * `threshold` the suppression threshold) or NOT_COLLECTED (`value` empty,
 * `reason` why).
 */
import { MAX_RANGE_DAYS } from '../cost.js'
import type { CsvCell } from '../csv.js'
import type { CountValue, DayCountsData, ExportOperation, HistoryData, TicketNode, TicketsData } from './documents.js'
import { ExportRefusal } from './refusal.js'
import { TEXTS, type ExportLanguage } from './texts.js'

/** Days of history one operation asks for: a quarter, well inside the cost and answer limits for every component. */
export const HISTORY_CHUNK_DAYS = 92
/** Tickets one operation asks for: the most a page of the API holds. */
export const MAX_TICKET_PAGE = 100
const MAX_SEARCH_CHARS = 200

/** The project an answer is about, and its publication field's data. */
export interface ProjectPage<T> {
  project: { id: string; code: string }
  data: T
}

/** Runs one export operation through the gateway's GraphQL route; refuses (ExportRefusal) anything but the field's data. */
export type RunOperation = <T>(operation: ExportOperation, field: string, variables: Record<string, unknown>) => Promise<ProjectPage<T>>

/** An export under way: its first page already answered, the rest to come. */
export interface ExportStream {
  filename: string
  header: readonly string[]
  first: CsvCell[][]
  rest: AsyncGenerator<CsvCell[][]>
}

export interface ExportRequest {
  projectId: string
  params: URLSearchParams
  language: ExportLanguage
}

/** The values of the schema's enums the parameters are checked against. */
export type EnumValues = (name: string) => readonly string[]

export interface ExportKind {
  /** The address below /export/projects/:id/. */
  readonly path: string
  readonly parameters: readonly string[]
  start(request: ExportRequest, run: RunOperation, enums: EnumValues): Promise<ExportStream>
}

// Parameters.

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const DAY_MS = 86_400_000

function isCalendarDate(text: string): boolean {
  const match = DATE.exec(text)
  if (!match) return false
  const [, y, m, d] = match.map(Number) as [number, number, number, number]
  const date = new Date(Date.UTC(y, m - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d
}

const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS
const dateOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10)

const badInput = (message: string, name: string) => ExportRefusal.of(400, 'BAD_USER_INPUT', message, { parameter: name })

/** A request's parameters, each read once and checked, refusals in the request's language. */
class Parameters {
  constructor(
    private readonly search: URLSearchParams,
    private readonly language: ExportLanguage,
    known: readonly string[],
  ) {
    for (const name of new Set(search.keys())) {
      if (!known.includes(name)) throw badInput(TEXTS.unknownParameter[language]({ name, known }), name)
    }
  }

  /** A parameter given at most once; undefined when absent or empty. */
  one(name: string): string | undefined {
    const values = this.search.getAll(name)
    if (values.length > 1) throw badInput(TEXTS.repeatedParameter[this.language]({ name }), name)
    return values[0] === '' ? undefined : values[0]
  }

  date(name: string, required: true): string
  date(name: string, required?: false): string | undefined
  date(name: string, required = false): string | undefined {
    const value = this.one(name)
    if (value === undefined) {
      if (required) throw badInput(TEXTS.missingParameter[this.language]({ name }), name)
      return undefined
    }
    if (!isCalendarDate(value)) throw badInput(TEXTS.notADate[this.language]({ name, value }), name)
    return value
  }

  /** A list, as `a,b` or as the parameter repeated; each value one of `expected`. */
  list(name: string, expected: readonly string[]): string[] | undefined {
    const values = this.search
      .getAll(name)
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter((v) => v !== '')
    if (values.length === 0) return undefined
    for (const value of values) this.oneOf(name, value, expected)
    return [...new Set(values)]
  }

  oneOf(name: string, value: string, expected: readonly string[]): string {
    if (!expected.includes(value)) throw badInput(TEXTS.notOneOf[this.language]({ name, value, expected }), name)
    return value
  }
}

/** A name that is safe in a file name and a header. */
const fileSafe = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100)

// Cells.

export type CountStatus = 'PUBLISHED' | 'SUPPRESSED' | 'NOT_COLLECTED'

export const COUNT_COLUMNS = ['status', 'value', 'lower_bound', 'upper_bound', 'threshold', 'reason'] as const

/** A count's cells, in COUNT_COLUMNS' order. */
export function countCells(count: CountValue): CsvCell[] {
  switch (count.__typename) {
    case 'ExactCount':
      return ['PUBLISHED', count.value, count.lowerBound, count.upperBound, null, null]
    case 'SuppressedCount':
      return ['SUPPRESSED', null, null, null, count.threshold, null]
    case 'NotCollected':
      return ['NOT_COLLECTED', null, null, null, null, count.reason]
  }
}

// The exports.

function historyExport(path: string, operation: ExportOperation, field: string): ExportKind {
  const parameters = ['from', 'to', 'components']
  return {
    path,
    parameters,
    async start({ projectId, params, language }, run, enums) {
      const read = new Parameters(params, language, parameters)
      const from = read.date('from', true)
      const to = read.date('to', true)
      const components = read.list('components', enums('ComponentId'))
      if (from > to) throw badInput(TEXTS.fromAfterTo[language]({ from, to }), 'from')
      const days = dayOf(to) - dayOf(from) + 1
      if (days > MAX_RANGE_DAYS) throw badInput(TEXTS.rangeTooLong[language]({ days, max: MAX_RANGE_DAYS }), 'to')

      const chunks: { from: string; to: string }[] = []
      for (let day = dayOf(from); day <= dayOf(to); day += HISTORY_CHUNK_DAYS) {
        chunks.push({ from: dateOf(day), to: dateOf(Math.min(day + HISTORY_CHUNK_DAYS - 1, dayOf(to))) })
      }
      const chunk = async ({ from, to }: { from: string; to: string }) =>
        historyRows(await run<HistoryData>(operation, field, { id: projectId, from, to, components }))
      const first = await chunk(chunks[0]!)
      return {
        filename: `${fileSafe(projectId)}-${path.replace(/\.csv$/, '')}-${from}-${to}.csv`,
        header: ['project_id', 'project_code', 'date', 'component_id', 'component_name', ...COUNT_COLUMNS],
        first,
        rest: (async function* () {
          for (const next of chunks.slice(1)) yield await chunk(next)
        })(),
      }
    },
  }
}

/** A history's rows: day by day, and on each day the components in the order the graph lists them. */
export function historyRows({ project, data }: ProjectPage<HistoryData>): CsvCell[][] {
  const byDay = new Map<string, CsvCell[][]>()
  for (const { component, points } of data.series) {
    for (const { date, count } of points) {
      let rows = byDay.get(date)
      if (!rows) byDay.set(date, (rows = []))
      rows.push([project.id, project.code, date, component.id, component.name, ...countCells(count)])
    }
  }
  return [...byDay.keys()].sort().flatMap((date) => byDay.get(date)!)
}

function dayCountsExport(path: string, operation: ExportOperation, field: string): ExportKind {
  const parameters = ['date']
  return {
    path,
    parameters,
    async start({ projectId, params, language }, run) {
      const date = new Parameters(params, language, parameters).date('date')
      const page = await run<DayCountsData>(operation, field, { id: projectId, date: date ?? null })
      return {
        filename: `${fileSafe(projectId)}-${path.replace(/\.csv$/, '')}-${fileSafe(page.data.date)}.csv`,
        header: [
          'project_id',
          'project_code',
          'date',
          'component_id',
          'component_name',
          'installation',
          'source',
          'collected_at',
          ...COUNT_COLUMNS,
        ],
        first: dayCountRows(page),
        rest: (async function* () {})(),
      }
    },
  }
}

/** A day's rows: each component, then each of its installations (HD4DP v2 Local's) below it. */
export function dayCountRows({ project, data }: ProjectPage<DayCountsData>): CsvCell[][] {
  return data.components.flatMap(({ component, source, collectedAt, count, installations }) => {
    const start = [project.id, project.code, data.date, component.id, component.name]
    return [
      [...start, null, source, collectedAt, ...countCells(count)],
      ...installations.map((i) => [...start, i.installation, source, collectedAt, ...countCells(i.count)]),
    ]
  })
}

/** A ticket's columns, then the incident's or the request's own; the SLA is the one governing the ticket now (Ticket.sla). */
const TICKET_COLUMNS = [
  'id',
  'number',
  'short_description',
  'state',
  'priority',
  'opened_at',
  'updated_at',
  'closed_at',
  'affected_component',
  'sla_name',
  'sla_stage',
  'sla_due_at',
  'sla_breached',
  'portal_url',
]

function ticketsExport(path: string, operation: ExportOperation, field: string, incident: boolean): ExportKind {
  const parameters = ['states', 'priorities', 'openedFrom', 'openedTo', 'search', 'orderBy', 'pageSize']
  return {
    path,
    parameters,
    async start({ projectId, params, language }, run, enums) {
      const read = new Parameters(params, language, parameters)
      const filter: Record<string, unknown> = {}
      const states = read.list('states', enums('TicketState'))
      const priorities = read.list('priorities', enums('TicketPriority'))
      const openedFrom = read.date('openedFrom')
      const openedTo = read.date('openedTo')
      const search = read.one('search')
      if (states) filter.states = states
      if (priorities) filter.priorities = priorities
      if (openedFrom) filter.openedFrom = openedFrom
      if (openedTo) filter.openedTo = openedTo
      if (search !== undefined) {
        if (search.length > MAX_SEARCH_CHARS) throw badInput(TEXTS.tooLong[language]({ name: 'search', max: MAX_SEARCH_CHARS }), 'search')
        filter.search = search
      }
      const order = read.one('orderBy')
      const orderBy = order === undefined ? 'NEWEST_FIRST' : read.oneOf('orderBy', order, enums('TicketOrder'))
      const size = read.one('pageSize')
      const first = size === undefined ? MAX_TICKET_PAGE : Number(size)
      if (!/^\d+$/.test(size ?? '1') || first < 1 || first > MAX_TICKET_PAGE) {
        throw badInput(TEXTS.pageSize[language]({ value: size!, max: MAX_TICKET_PAGE }), 'pageSize')
      }

      const variables = { id: projectId, first, filter: Object.keys(filter).length > 0 ? filter : null, orderBy }
      const page = async (after: string | null) => run<TicketsData>(operation, field, { ...variables, after })
      const rowsOf = ({ project, data }: ProjectPage<TicketsData>): CsvCell[][] =>
        data.edges.map(({ node }) => [project.id, project.code, ...ticketCells(node, incident)])
      const firstPage = await page(null)
      return {
        filename: `${fileSafe(projectId)}-${path}`,
        header: ['project_id', 'project_code', ...TICKET_COLUMNS, ...(incident ? ['resolved_at', 'category'] : ['request_type'])],
        first: rowsOf(firstPage),
        rest: (async function* () {
          let { pageInfo } = firstPage.data
          const seen = new Set<string>()
          while (pageInfo.hasNextPage) {
            const cursor = pageInfo.endCursor
            // A cursor that does not move on would page for ever.
            if (cursor === null || seen.has(cursor)) {
              throw ExportRefusal.of(502, 'EXPORT_INCOMPLETE', TEXTS.incomplete[language]({ reason: `the page after ${cursor} repeats` }))
            }
            seen.add(cursor)
            const next = await page(cursor)
            pageInfo = next.data.pageInfo
            yield rowsOf(next)
          }
        })(),
      }
    },
  }
}

function ticketCells(node: TicketNode, incident: boolean): CsvCell[] {
  const { sla } = node
  const cells: CsvCell[] = [
    node.id,
    node.number,
    node.shortDescription,
    node.state,
    node.priority,
    node.openedAt,
    node.updatedAt,
    node.closedAt,
    node.affectedComponent?.id ?? null,
    sla?.name ?? null,
    sla?.stage ?? null,
    sla?.dueAt ?? null,
    sla?.breached ?? null,
    node.portalUrl,
  ]
  if (incident) cells.push(node.resolvedAt ?? null, node.category ?? null)
  else cells.push(node.requestType ?? null)
  return cells
}

/** Every export, by its address below /export/projects/:id/. */
export const EXPORTS: readonly ExportKind[] = [
  historyExport('record-count-history.csv', 'CsvExportStudyRecordCountHistory', 'studyRecordCountHistory'),
  historyExport('subject-count-history.csv', 'CsvExportUniqueSubjectCountHistory', 'uniqueSubjectCountHistory'),
  dayCountsExport('record-counts.csv', 'CsvExportStudyRecordCounts', 'studyRecordCounts'),
  dayCountsExport('subject-counts.csv', 'CsvExportUniqueSubjectCounts', 'uniqueSubjectCounts'),
  ticketsExport('incidents.csv', 'CsvExportIncidents', 'incidents', true),
  ticketsExport('requests.csv', 'CsvExportRequests', 'requests', false),
]
