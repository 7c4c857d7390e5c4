/**
 * npm run fixtures -- --out <dir> [--size small|default|large] [--seed N] [--end-date YYYY-MM-DD] [--days N]
 * Writes realistic collector source documents (HD4DevOps counts and
 * availability, ServiceNow extracts, awkward and corrupt files) drawn from the
 * demo platform. Same options, same files.
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { writeFixtures } from '../demo/sources.js'
import { DEMO_SIZES, yesterday, type DemoSizeName } from '../demo/platform.js'
import { isIsoDate } from '../subgraphs/kit/graphql/scalars.js'

const USAGE = 'usage: npm run fixtures -- --out <dir> [--size small|default|large] [--seed N] [--end-date YYYY-MM-DD] [--days N]'

function fail(message: string): never {
  console.error(`${message}\n${USAGE}`)
  process.exit(2)
}

let values: Record<string, string | boolean | undefined>
try {
  ;({ values } = parseArgs({
    options: {
      out: { type: 'string' },
      size: { type: 'string' },
      seed: { type: 'string' },
      'end-date': { type: 'string' },
      days: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  }))
} catch (error) {
  fail((error as Error).message)
}
if (values.help) {
  console.log(USAGE)
  process.exit(0)
}

const out = values.out as string | undefined
if (!out?.trim()) fail('--out is required: the folder to write the fixtures into')

const size = (values.size as string | undefined) ?? 'default'
if (!Object.hasOwn(DEMO_SIZES, size)) fail(`--size must be one of ${Object.keys(DEMO_SIZES).join(', ')}; got "${size}"`)

const seedText = values.seed as string | undefined
// The demo's random source keeps 32 bits of seed: a larger one would silently alias a smaller one.
if (seedText !== undefined && (!/^\d+$/.test(seedText) || Number(seedText) > 0xffff_ffff)) {
  fail(`--seed must be a whole number from 0 to 4294967295; got "${seedText}"`)
}
const seed = seedText === undefined ? undefined : Number(seedText)

const endDate = (values['end-date'] as string | undefined) ?? yesterday()
if (!isIsoDate(endDate)) fail(`--end-date must be a date written YYYY-MM-DD; got "${endDate}"`)

const maxDays = DEMO_SIZES[size as DemoSizeName].days
const daysText = values.days as string | undefined
if (daysText !== undefined && (!/^\d+$/.test(daysText) || Number(daysText) < 1 || Number(daysText) > maxDays)) {
  fail(`--days must be a whole number from 1 to ${maxDays} for the ${size} platform; got "${daysText}"`)
}
const days = daysText === undefined ? undefined : Number(daysText)

const started = Date.now()
try {
  const files = await writeFixtures(out, { size: size as DemoSizeName, seed, endDate, days })
  const perFolder = new Map<string, number>()
  for (const file of files) {
    const folder = path.relative(out, path.dirname(file)) || '.'
    perFolder.set(folder, (perFolder.get(folder) ?? 0) + 1)
  }
  console.log(
    `Wrote ${files.length} files into ${path.resolve(out)} in ${((Date.now() - started) / 1000).toFixed(1)} s ` +
      `(${size} platform, end date ${endDate}${seed === undefined ? '' : `, seed ${seed}`}):`,
  )
  for (const [folder, n] of perFolder) console.log(`  ${folder}: ${n}`)
} catch (error) {
  console.error(`Could not write the fixtures: ${(error as Error).message}`)
  process.exit(1)
}
