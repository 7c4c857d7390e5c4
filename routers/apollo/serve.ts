/**
 * The coprocessor as its own process, beside Apollo Router (a sidecar):
 *
 *   PORT=8081 HD4RES_IDENTITY_SECRET=… HD4RES_OIDC_…=… HD4RES_SUBGRAPH_PARTICIPANTS_URL=… npx tsx routers/apollo/serve.ts
 *
 * Settings come from the environment, as for our gateway (docs/routers.md); a
 * start that lacks one says which on standard error and exits 1.
 */
import { SettingsProblem } from '../../launch/checks.js'
import { readSettings } from '../../platform/settings.js'
import { researcherSignInFrom } from '../researcher.js'
import { createCoprocessor } from './coprocessor.js'

try {
  const settings = readSettings()
  const app = createCoprocessor(await researcherSignInFrom(settings))
  const address = await app.listen({ port: settings.port, host: settings.host })
  process.stdout.write(`${JSON.stringify({ msg: 'coprocessor listening', address })}\n`)
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void app.close())
} catch (error) {
  const known = error instanceof SettingsProblem || (error instanceof Error && error.message.startsWith('Invalid settings'))
  process.stderr.write(`${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`)
  process.exit(1)
}
