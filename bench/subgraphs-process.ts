/**
 * The five subgraphs in one process, for the gateway benchmark: every gateway
 * under test talks to these same servers. Prints one JSON line with their
 * addresses once they listen.
 *
 *   tsx bench/subgraphs-process.ts <databaseUrl|''> <size> <secret>
 */
import 'reflect-metadata'
import { fillDemo, isEmpty } from '../demo/fill.js'
import type { DemoSizeName } from '../demo/platform.js'
import { migrateAll, SUBGRAPHS } from '../subgraphs/index.js'
import { openDb } from '../subgraphs/kit/db.js'
import { loadPublicationRegistry } from '../subgraphs/kit/publications.js'
import { createSubgraphServer } from '../subgraphs/kit/subgraph.js'

const [databaseUrl, size, secret] = process.argv.slice(2)
const db = await openDb({ databaseUrl: databaseUrl || undefined, poolSize: 20 })
await migrateAll(db)
if (await isEmpty(db)) await fillDemo(db, { size: size as DemoSizeName, seed: 11, endDate: '2026-11-21' })
const registry = loadPublicationRegistry({ available: 'ALL' })
const urls: Record<string, string> = {}
for (const definition of SUBGRAPHS) {
  const app = await createSubgraphServer(definition, { db, registry, settings: { identitySecret: secret!, suppressionThreshold: 5, production: true } })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  urls[definition.name] = `${address}/graphql`
}
console.log(JSON.stringify({ urls }))
