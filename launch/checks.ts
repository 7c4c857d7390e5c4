/**
 * What a part of the graph needs of the settings before it starts, checked
 * before it writes anything: no store is filled, no spool opened and no port
 * taken by a start that is bound to fail. Each problem names the setting that
 * mends it; a start with problems stops with all of them at once.
 */
import { secretsOf } from '../platform/identity.js'
import type { Settings } from '../platform/settings.js'

/** The graph in one process (`npm start`), or one part of it (`npm run serve -- <part>`). */
export type Part = 'embedded' | 'gateway' | 'subgraph' | 'collector'

/** A start refused for its settings: the message lists what to set, and no stack is worth showing. */
export class SettingsProblem extends Error {
  constructor(readonly problems: string[]) {
    super(problems.length === 1 ? problems[0] : `The settings are not enough to start:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
    this.name = 'SettingsProblem'
  }
}

const SECRET =
  'Set HD4RES_IDENTITY_SECRET (at least 32 characters; during a rotation "new,old"), the same for the gateway and every subgraph'

/** What is missing for the part, each with the setting to set; empty when it may start. */
export function settingsProblems(settings: Settings, part: Part): string[] {
  const problems: string[] = []
  const secrets = settings.identitySecret ? secretsOf(settings.identitySecret) : []
  const secretNeeded = part === 'gateway' || part === 'subgraph' || (part === 'embedded' && settings.production)
  if ((secretNeeded || secrets.length > 0) && (secrets.length === 0 || secrets.some((s) => s.length < 32))) problems.push(SECRET)
  if (part === 'gateway' && settings.production && !settings.oidc) {
    problems.push('In production the gateway needs an OIDC provider: set HD4RES_OIDC_ISSUER, HD4RES_OIDC_AUDIENCE and HD4RES_OIDC_JWKS_URL')
  }
  if (part === 'subgraph' && !settings.databaseUrl) {
    problems.push(
      'A subgraph in its own process needs PostgreSQL: set DATABASE_URL (the embedded store serves one process only; use npm start)',
    )
  }
  return problems
}

/** Throws a SettingsProblem unless the part may start. */
export function checkSettings(settings: Settings, part: Part): void {
  const problems = settingsProblems(settings, part)
  if (problems.length > 0) throw new SettingsProblem(problems)
}
