/** Per-request loaders for ticket pages (projects asking the same page share one SQL statement) and the tickets' SLAs. */
import DataLoader from 'dataloader'
import { groupBy, manyByKey, objectLoader } from '../kit/graphql/loaders.js'
import type { SubgraphDeps } from '../kit/server/subgraph.js'
import { SupportStore, type PageQuery, type SlaRow, type TicketRow } from './store.js'

export interface PageRequest extends PageQuery {
  projectId: string
}

export interface ProjectPage {
  total: number
  rows: TicketRow[]
}

export function createSupportLoaders(deps: SubgraphDeps) {
  const store = new SupportStore(deps.db)
  const queryKey = (r: PageQuery) => JSON.stringify([r.kind, r.filter, r.limit, r.after, r.order])
  return {
    pages: objectLoader<PageRequest, ProjectPage>(
      async (requests) => {
        // Group the requests that differ only by project, then one statement per group.
        const groups = groupBy(requests, queryKey)
        const results = new Map<string, ProjectPage>()
        await Promise.all(
          [...groups.entries()].map(async ([key, group]) => {
            const rows = await store.pages(
              group.map((r) => r.projectId),
              group[0]!,
            )
            for (const row of rows) {
              const id = `${key}|${row.project_id}`
              const page = results.get(id) ?? { total: row.total, rows: [] }
              if (row.number !== null) page.rows.push(row)
              results.set(id, page)
            }
          }),
        )
        return requests.map((r) => results.get(`${queryKey(r)}|${r.projectId}`) ?? { total: 0, rows: [] })
      },
      (r) => `${queryKey(r)}|${r.projectId}`,
    ),
    /** A ticket's SLAs by its sys_id: one statement for every ticket of the answer. */
    slas: new DataLoader<string, SlaRow[]>(async (sysIds) => manyByKey(sysIds, await store.slas(sysIds), (row) => row.task_sys_id)),
  }
}

export type SupportLoaders = ReturnType<typeof createSupportLoaders>
