/**
 * The production entry point's own daily schedule, off unless a cron
 * expression is given: `collect all` for the day that just ended. Runs never
 * overlap, and the advisory locks keep two scheduling processes harmless.
 */
import { Cron } from 'croner'
import type { Db } from '../subgraphs/kit/store/db.js'
import { addDays, todayUtc } from '../subgraphs/kit/dates.js'
import { collectAll } from './all.js'
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
