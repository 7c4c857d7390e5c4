/** npm run token -- <researcher-id> [--name "Display Name"] [--roles researcher,operator] [--lifetime 12h] */
import { parseArgs } from 'node:util'
import { loadDevIssuer } from '../gateway/auth.js'
import { readSettings } from '../platform/settings.js'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { name: { type: 'string' }, roles: { type: 'string' }, lifetime: { type: 'string' } },
})
const sub = positionals[0]
if (!sub) {
  console.error('Usage: npm run token -- <researcher-id> [--name "An Peeters"] [--roles researcher] [--lifetime 12h]')
  process.exit(2)
}
const settings = readSettings()
if (settings.oidc) {
  console.error('An OIDC provider is configured (HD4RES_OIDC_ISSUER): ask it for tokens.')
  process.exit(2)
}
const issuer = await loadDevIssuer(settings.dataDir)
console.log(
  await issuer.sign(
    {
      sub,
      name: values.name,
      roles: values.roles
        ?.split(',')
        .map((r) => r.trim())
        .filter(Boolean),
    },
    values.lifetime,
  ),
)
