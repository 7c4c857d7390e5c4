/**
 * The subgraphs of the graph: the one list the launcher, the production entry
 * point and the compose step read (the gateway reads the composed supergraph). Adding a subgraph means
 * adding it here (`npm run new:subgraph` does); everything else derives from it.
 */
import { components } from './components/index.js'
import type { Db } from './kit/store/db.js'
import { OPS_MIGRATIONS, OPS_SCHEMA } from './kit/store/ops.js'
import { migrate } from './kit/store/migrate.js'
import type { SubgraphDefinition } from './kit/server/subgraph.js'
import { participants } from './participants/index.js'
import { records } from './records/index.js'
import { subjects } from './subjects/index.js'
import { support } from './support/index.js'

/**
 * Every subgraph by its name (the service name in the supergraph and the
 * database schema's name), in the order they start.
 */
const REGISTERED = {
  participants,
  records,
  subjects,
  components,
  support,
} satisfies Record<string, SubgraphDefinition<unknown>>

export type SubgraphName = keyof typeof REGISTERED

for (const [key, definition] of Object.entries(REGISTERED)) {
  if (definition.name !== key) {
    throw new Error(
      `subgraphs/index.ts: the entry "${key}" holds the subgraph named "${definition.name}"; an entry's key must be its subgraph's name`,
    )
  }
}

export const SUBGRAPHS: readonly SubgraphDefinition<never>[] = Object.values(REGISTERED) as unknown as SubgraphDefinition<never>[]

export const SUBGRAPH_NAMES = Object.keys(REGISTERED) as SubgraphName[]

export function subgraphByName(name: string): SubgraphDefinition<never> {
  const found = SUBGRAPHS.find((s) => s.name === name)
  if (!found) throw new Error(`Unknown subgraph "${name}"; expected one of ${SUBGRAPH_NAMES.join(', ')}`)
  return found
}

/** Applies the ops schema's (import log, data version, audit trail) and every subgraph's migrations. */
export async function migrateAll(db: Db, subgraphs: readonly SubgraphDefinition<never>[] = SUBGRAPHS): Promise<void> {
  await migrate(db, OPS_SCHEMA, OPS_MIGRATIONS)
  for (const subgraph of subgraphs) await migrate(db, subgraph.name, subgraph.migrationsDir)
}
