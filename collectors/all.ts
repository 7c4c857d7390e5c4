/**
 * `collect all`: every configured source for the given days, one after the
 * other, each in its own runs, so one failing source does not stop the others.
 */
import { COMPONENTS } from '../subgraphs/kit/catalogue/components.js'
import type { Db } from '../subgraphs/kit/store/db.js'
import { internalCountsConfig, serviceNowAuth, type CollectorsConfig } from './config.js'
import { collectHd4devopsAvailability, collectHd4devopsCounts, type DocumentOutcome } from './hd4devops.js'
import { folderDocuments, urlDocuments, type SourceDocument } from './input.js'
import { collectInternalCounts } from './internal.js'
import type { RunOptions } from './run.js'
import { collectServiceNow } from './servicenow/collect.js'

export interface SourceOutcome {
  source: string
  ok: boolean
  lines: string[]
}

export function describeOutcomes(outcomes: readonly DocumentOutcome[]): string[] {
  return outcomes.map((o) =>
    o.status === 'imported'
      ? `${o.name}: ${o.result.rows} rows, ${o.result.outcome}${o.result.warnings.map((w) => `\n    warning: ${w}`).join('')}`
      : o.status === 'skipped'
        ? `${o.name}: skipped (${o.reason})`
        : `${o.name}: REFUSED ${o.error.message}`,
  )
}

async function documentsAt(
  location: string,
  components: readonly string[],
  days: readonly string[],
  token?: string,
): Promise<SourceDocument[]> {
  if (/^https?:\/\//.test(location)) {
    return urlDocuments(location, components, days, { headers: token ? { authorization: `Bearer ${token}` } : {} })
  }
  return folderDocuments(location)
}

export async function collectAll(
  db: Db,
  config: CollectorsConfig,
  env: NodeJS.ProcessEnv,
  days: readonly string[],
  options: RunOptions = {},
): Promise<SourceOutcome[]> {
  const results: SourceOutcome[] = []
  const attempt = async (source: string, work: () => Promise<string[] | { ok: boolean; lines: string[] }>) => {
    try {
      const out = await work()
      results.push(Array.isArray(out) ? { source, ok: true, lines: out } : { source, ...out })
    } catch (error) {
      results.push({ source, ok: false, lines: [`FAILED ${(error as Error).message}`] })
    }
  }
  const hd = config.hd4devops
  const token = hd?.tokenEnv ? env[hd.tokenEnv] : undefined
  const daySet = new Set(days)
  const collectOptions = { ...options, days: daySet, dropWarningShare: config.dropWarningShare }
  if (hd?.counts) {
    const external = COMPONENTS.filter((c) => c.location === 'EXTERNAL').map((c) => c.id)
    await attempt('hd4devops-counts', async () => {
      const outcomes = await collectHd4devopsCounts(db, await documentsAt(hd.counts!, external, days, token), collectOptions)
      return { ok: outcomes.every((o) => o.status !== 'refused'), lines: describeOutcomes(outcomes) }
    })
  }
  if (hd?.availability) {
    await attempt('hd4devops-availability', async () => {
      const outcomes = await collectHd4devopsAvailability(
        db,
        await documentsAt(
          hd.availability!,
          COMPONENTS.map((c) => c.id),
          days,
          token,
        ),
        collectOptions,
      )
      return { ok: outcomes.every((o) => o.status !== 'refused'), lines: describeOutcomes(outcomes) }
    })
  }
  if (config.internal) {
    await attempt('internal-counts', async () =>
      (await collectInternalCounts(db, internalCountsConfig(config, env), days, options)).map(
        (r) => `${r.day}: ${r.rows} rows, ${r.outcome}${r.warnings.map((w) => `\n    warning: ${w}`).join('')}`,
      ),
    )
  }
  const sn = config.servicenow
  if (sn) {
    await attempt('servicenow', async () => {
      const auth = serviceNowAuth(sn, env)
      const r = await collectServiceNow(
        db,
        sn.tables.map((table) => ({
          kind: 'pull' as const,
          table,
          baseUrl: sn.baseUrl,
          pageSize: sn.pageSize,
          auth,
          http: { timeoutMs: sn.timeoutSeconds * 1000 },
        })),
        { ...options, projectField: sn.projectField },
      )
      return [`${r.rows} tickets, ${r.outcome}${r.warnings.map((w) => `\n    warning: ${w}`).join('')}`]
    })
  }
  return results
}
