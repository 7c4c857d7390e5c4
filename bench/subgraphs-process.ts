/**
 * Subgraphs for the gateway benchmark: every gateway under test talks to these
 * same servers. With names, only those subgraphs (one process each on
 * PostgreSQL); without, all five. Prints one JSON line with their addresses
 * once they listen. With --fill-only, fills an empty store with the demo
 * platform and exits.
 *
 *   tsx bench/subgraphs-process.ts <databaseUrl> <size> <secret> [--fill-only | name...]
 *
 * HD4RES_SUBGRAPH_CACHE_MB=0 turns the subgraphs' result cache off.
 */
import 'reflect-metadata'
import { fillDemo, isEmpty } from '../demo/fill.js'
import type { DemoSizeName } from '../demo/platform.js'
import { migrateAll, SUBGRAPHS } from '../subgraphs/index.js'
import { openDb } from '../subgraphs/kit/store/db.js'
import { loadPublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import { createSubgraphServer } from '../subgraphs/kit/server/subgraph.js'

const [databaseUrl, size, secret, ...rest] = process.argv.slice(2)
const fillOnly = rest.includes('--fill-only')
const chosen = rest.length > 0 && !fillOnly ? SUBGRAPHS.filter((s) => rest.includes(s.name)) : SUBGRAPHS
const db = await openDb({ databaseUrl: databaseUrl || undefined, poolSize: fillOnly ? 5 : 10 })
if (fillOnly) {
  await migrateAll(db)
  if (await isEmpty(db)) await fillDemo(db, { size: size as DemoSizeName, seed: 11, endDate: '2026-11-21' })
  await db.close()
  console.log('filled')
  process.exit(0)
}
const registry = loadPublicationRegistry({ available: 'ALL' })
const resultCache = { maxMegabytes: Number(process.env.HD4RES_SUBGRAPH_CACHE_MB ?? 64), ttlSeconds: 300, versionTrustMs: 1000 }
const urls: Record<string, string> = {}
for (const definition of chosen) {
  const app = await createSubgraphServer(definition, {
    db,
    registry,
    settings: { identitySecret: secret!, suppressionThreshold: 5, production: true, resultCache },
  })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  urls[definition.name] = `${address}/graphql`
}
console.log(JSON.stringify({ urls }))
