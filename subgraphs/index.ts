/** The subgraphs of the graph: the one list the launcher and the compose step read. */
import { components } from './components/index.js'
import type { Db } from './kit/db.js'
import { OPS_MIGRATIONS, OPS_SCHEMA } from './kit/importLog.js'
import { migrate } from './kit/migrate.js'
import type { SubgraphDefinition } from './kit/subgraph.js'
import { participants } from './participants/index.js'
import { records } from './records/index.js'
import { subjects } from './subjects/index.js'
import { support } from './support/index.js'

export const SUBGRAPHS: readonly SubgraphDefinition<never>[] = [
  participants,
  records,
  subjects,
  components,
  support,
] as unknown as SubgraphDefinition<never>[]

export type SubgraphName = 'participants' | 'records' | 'subjects' | 'components' | 'support'

export function subgraphByName(name: string): SubgraphDefinition<never> {
  const found = SUBGRAPHS.find((s) => s.name === name)
  if (!found) throw new Error(`Unknown subgraph "${name}"; expected one of ${SUBGRAPHS.map((s) => s.name).join(', ')}`)
  return found
}


/** Applies the import log's and every subgraph's migrations. */
export async function migrateAll(db: Db, subgraphs: readonly SubgraphDefinition<never>[] = SUBGRAPHS): Promise<void> {
  await migrate(db, OPS_SCHEMA, OPS_MIGRATIONS)
  for (const subgraph of subgraphs) await migrate(db, subgraph.name, subgraph.migrationsDir)
}
