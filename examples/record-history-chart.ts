/**
 * A frontend in thirty lines: sign in with a token, ask for a project's daily
 * study record counts through the generated typed client, and draw each
 * component's series as a text chart.
 *
 *   HD4RES_TOKEN=<token> npx tsx examples/record-history-chart.ts <project id> [days]
 *
 * `npm start` prints a demo researcher's token and the endpoint; HD4RES_URL
 * overrides the endpoint (default http://localhost:4000/graphql).
 */
import { pathToFileURL } from 'node:url'
import { RecordCountHistoryDocument, type RecordCountHistoryQuery } from '../client/generated/graphql.js'
import { request } from '../client/request.js'

type History = Extract<
  NonNullable<RecordCountHistoryQuery['project']>['studyRecordCountHistory'],
  { __typename: 'StudyRecordCountHistory' }
>
type Series = History['series'][number]

const BARS = ' ▁▂▃▄▅▆▇█'

/** One line per component: a bar per day (or per group of days, to fit the width), scaled to the series' own range. */
export function chartLines(series: readonly Series[], width = 60): string[] {
  return series.map((s) => {
    // The compact form: one value a day, null where the day has no published count.
    const values = s.compact.values
    const perColumn = Math.max(1, Math.ceil(values.length / width))
    const columns: (number | null)[] = []
    for (let i = 0; i < values.length; i += perColumn) {
      const known = values.slice(i, i + perColumn).filter((v): v is number => v !== null)
      columns.push(known.length > 0 ? known[known.length - 1]! : null)
    }
    const known = columns.filter((v): v is number => v !== null)
    const [min, max] = [Math.min(...known), Math.max(...known)]
    const bar = (v: number | null) => (v === null ? '·' : BARS[max === min ? 8 : 1 + Math.round(((v - min) / (max - min)) * 7)])
    const range =
      known.length > 0 ? `${min.toLocaleString('en-GB')} → ${known[known.length - 1]!.toLocaleString('en-GB')}` : 'not collected'
    return `${s.component.name.padEnd(22)} ${columns.map(bar).join('')}  ${range}`
  })
}

export async function drawHistory(endpoint: string, token: string, projectId: string, days: number, today = new Date()): Promise<string> {
  const to = today.toISOString().slice(0, 10)
  const from = new Date(today.getTime() - (days - 1) * 86_400_000).toISOString().slice(0, 10)
  const { project } = await request(endpoint, token, RecordCountHistoryDocument, { projectId, from, to })
  if (!project) return `No project ${projectId} among yours`
  const history = project.studyRecordCountHistory
  if (history.__typename !== 'StudyRecordCountHistory') return `${project.name}: ${history.message}`
  return [`${project.code} · ${project.name} · study records ${history.from} to ${history.to}`, ...chartLines(history.series)].join('\n')
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [projectId, days = '90'] = process.argv.slice(2)
  const token = process.env.HD4RES_TOKEN
  if (!projectId || !token) {
    console.error('Usage: HD4RES_TOKEN=<token> npx tsx examples/record-history-chart.ts <project id> [days]')
    process.exit(2)
  }
  console.log(await drawHistory(process.env.HD4RES_URL ?? 'http://localhost:4000/graphql', token, projectId, Number(days)))
}
