/**
 * The production entry point's own schedules. The daily one, off unless a
 * cron expression is given: `collect all` for the day that just ended. The
 * availability collector's, every few minutes. Runs never overlap, and the
 * advisory locks keep two scheduling processes harmless.
 */
import { Cron } from 'croner'
import type { Db } from '../subgraphs/kit/store/db.js'
import { addDays, todayUtc } from '../subgraphs/kit/dates.js'
import { collectAll, describeOutcomes } from './all.js'
import { collectAvailability, configuredChecksDocument } from './availability.js'
import { loadCollectorsConfig } from './config.js'

export interface Schedule {
  nextRun(): Date | null
  stop(): void
}

export function startCollectSchedule(options: {
  db: Db
  configFile: string
  cron: string
  env: NodeJS.ProcessEnv
  log: (line: string) => void
}): Schedule {
  // Read now, so a bad file stops start-up rather than the first night's run.
  loadCollectorsConfig(options.configFile)
  let job: Cron
  try {
    job = new Cron(
      options.cron,
      { timezone: 'UTC', protect: true, catch: (error) => options.log(`collect all failed: ${(error as Error).message}`) },
      async () => {
        const day = addDays(todayUtc(), -1)
        options.log(`collect all for ${day}: starting`)
        const results = await collectAll(options.db, loadCollectorsConfig(options.configFile), options.env, [day], { wait: true })
        for (const r of results) options.log(`collect all for ${day}: ${r.source} ${r.ok ? 'ok' : 'FAILED'}\n  ${r.lines.join('\n  ')}`)
      },
    )
  } catch (error) {
    throw new Error(`HD4RES_COLLECT_SCHEDULE "${options.cron}" is not a cron expression: ${(error as Error).message}`)
  }
  return { nextRun: () => job.nextRun(), stop: () => job.stop() }
}

/**
 * The availability collector on its schedule (HD4RES_AVAILABILITY_SCHEDULE,
 * every 5 minutes by default): the current checks from the endpoint the
 * collectors configuration names (hd4devops.checks). Runs never overlap; a
 * run that fails is in the import log and the next one tries again.
 */
export function startAvailabilitySchedule(options: {
  db: Db
  configFile: string
  cron: string
  env: NodeJS.ProcessEnv
  log: (line: string) => void
}): Schedule {
  if (!configuredChecksDocument(loadCollectorsConfig(options.configFile), options.env)) {
    throw new Error(
      `${options.configFile} names no hd4devops.checks endpoint for HD4RES_AVAILABILITY_SCHEDULE (set it, or the schedule to off)`,
    )
  }
  let job: Cron
  try {
    job = new Cron(
      options.cron,
      { timezone: 'UTC', protect: true, catch: (error) => options.log(`collect availability failed: ${(error as Error).message}`) },
      async () => {
        const document = configuredChecksDocument(loadCollectorsConfig(options.configFile), options.env)
        if (!document) return options.log('collect availability: the collectors configuration names no hd4devops.checks endpoint')
        // A run still going elsewhere (another scheduling process) is left to finish: this one is skipped.
        const [line] = describeOutcomes([await collectAvailability(options.db, document)])
        options.log(`collect availability: ${line}`)
      },
    )
  } catch (error) {
    throw new Error(`HD4RES_AVAILABILITY_SCHEDULE "${options.cron}" is not a cron expression: ${(error as Error).message}`)
  }
  return { nextRun: () => job.nextRun(), stop: () => job.stop() }
}
