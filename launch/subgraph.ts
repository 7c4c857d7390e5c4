/**
 * A subgraph part as the entry points put it together from the settings:
 * `npm start` (embedded.ts) serves every subgraph on one store, and
 * `npm run serve -- <subgraph>` (bin/serve.ts) one of them on PostgreSQL.
 */
import { subgraphSettingsFrom, type Settings } from '../platform/settings.js'
import type { Db } from '../subgraphs/kit/store/db.js'
import { loadPublicationRegistry, type PublicationRegistry } from '../subgraphs/kit/catalogue/publications.js'
import type { SubgraphDeps } from '../subgraphs/kit/server/subgraph.js'

/** The publication registry the settings describe: the committed one, with HD4RES_PUBLICATIONS_FILE and _AVAILABLE applied. */
export function registryFrom(settings: Settings): PublicationRegistry {
  return loadPublicationRegistry({ overrideFile: settings.publicationsFile, available: settings.publicationsAvailable })
}

/** What every subgraph server is given: the store, the registry and its share of the settings. */
export function subgraphDepsFrom(
  settings: Settings,
  db: Db,
  identitySecret: string,
  registry: PublicationRegistry = registryFrom(settings),
): SubgraphDeps {
  return { db, registry, settings: subgraphSettingsFrom(settings, identitySecret) }
}
