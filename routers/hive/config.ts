/**
 * Hive Gateway's configuration for our supergraph, from our settings: each
 * subgraph's address (HD4RES_SUBGRAPH_<NAME>_URL) in place of the placeholder
 * the committed supergraph carries, and the identity plugin. gateway.config.ts
 * is this, for the `hive-gateway` command.
 */
import type { GatewayConfigSupergraph } from '@graphql-hive/gateway'
import { SettingsProblem } from '../../launch/checks.js'
import { subgraphUrlVariable, type Settings } from '../../platform/settings.js'
import { readCommittedSupergraph, subgraphNamesIn } from '../../platform/supergraphFile.js'
import { researcherSignInFrom, type ResearcherSignIn } from '../researcher.js'
import { useHd4resIdentity } from './plugin.js'

type Hd4resGatewayConfig = Required<Pick<GatewayConfigSupergraph, 'transportEntries' | 'plugins' | 'requestId'>>

/** Every subgraph the supergraph joins at the address its setting gives; all missing settings named at once. */
export function transportEntriesFrom(
  settings: Pick<Settings, 'subgraphUrls'>,
  supergraphSdl: string,
): Hd4resGatewayConfig['transportEntries'] {
  const names = subgraphNamesIn(supergraphSdl)
  const missing = names.filter((name) => !settings.subgraphUrls[name])
  if (missing.length > 0) {
    throw new SettingsProblem(missing.map((name) => `Set ${subgraphUrlVariable(name)}: the supergraph joins the "${name}" subgraph`))
  }
  return Object.fromEntries(names.map((name) => [name, { location: settings.subgraphUrls[name] }]))
}

/** The parts of the configuration our graph needs; `signIn` is made from the settings unless given. */
export async function hd4resGatewayConfig(
  settings: Settings,
  options: { supergraphSdl?: string; signIn?: ResearcherSignIn } = {},
): Promise<Hd4resGatewayConfig> {
  const transportEntries = transportEntriesFrom(settings, options.supergraphSdl ?? readCommittedSupergraph())
  const signIn = options.signIn ?? (await researcherSignInFrom(settings))
  return {
    transportEntries,
    // The plugin owns the request id, with our gateway's rule for a caller's own.
    requestId: false,
    plugins: () => [useHd4resIdentity(signIn)],
  }
}
