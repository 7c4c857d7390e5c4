/**
 * npm run seed -- [--size small|default|large] [--seed N] [--end-date YYYY-MM-DD]
 * Migrates the store and fills it with the demo platform, if it is empty.
 * Against DATABASE_URL, or the embedded store in the data folder.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fillDemo, isEmpty } from '../demo/fill.js'
import { DEMO_SIZES, type DemoSizeName } from '../demo/platform.js'
import { readSettings } from '../platform/settings.js'
import { migrateAll } from '../subgraphs/index.js'
import { openDb } from '../subgraphs/kit/store/db.js'
import { isIsoDate } from '../subgraphs/kit/graphql/scalars.js'

const { values } = parseArgs({
  options: { size: { type: 'string' }, seed: { type: 'string' }, 'end-date': { type: 'string' } },
})
const settings = readSettings()
const size = (values.size ?? settings.demoSize) as DemoSizeName
if (!(size in DEMO_SIZES)) {
  console.error(`--size must be one of ${Object.keys(DEMO_SIZES).join(', ')}; got "${size}"`)
  process.exit(2)
}
const seed = values.seed === undefined ? undefined : Number(values.seed)
if (seed !== undefined && !Number.isInteger(seed)) {
  console.error(`--seed must be a whole number; got "${values.seed}"`)
  process.exit(2)
}
const endDate = values['end-date']
if (endDate !== undefined && !isIsoDate(endDate)) {
  console.error(`--end-date must be a date written YYYY-MM-DD; got "${endDate}"`)
  process.exit(2)
}

const db = await openDb({ databaseUrl: settings.databaseUrl, dataDir: path.join(settings.dataDir, 'pglite') })
try {
  await migrateAll(db)
  if (!(await isEmpty(db))) {
    console.log('The store already holds projects: nothing written. Seed an empty database.')
  } else {
    const started = Date.now()
    const { rows } = await fillDemo(db, { size, seed, endDate })
    console.log(`Filled the ${size} demo platform in ${((Date.now() - started) / 1000).toFixed(1)} s:`, rows)
  }
} finally {
  await db.close()
}
