/**
 * Hive Gateway in place of our gateway, every setting from the environment
 * (docs/routers.md):
 *
 *   HD4RES_IDENTITY_SECRET=… HD4RES_OIDC_ISSUER=… HD4RES_OIDC_AUDIENCE=… HD4RES_OIDC_JWKS_URL=… \
 *   HD4RES_SUBGRAPH_PARTICIPANTS_URL=http://participants:4000/graphql …(one per subgraph) \
 *   npx tsx node_modules/.bin/hive-gateway supergraph schema/supergraph.graphql -c routers/hive/gateway.config.ts
 */
import { defineConfig } from '@graphql-hive/gateway'
import { readSettings } from '../../platform/settings.js'
import { hd4resGatewayConfig } from './config.js'

const settings = readSettings()

export const gatewayConfig = defineConfig({
  port: settings.port,
  host: settings.host,
  ...(await hd4resGatewayConfig(settings)),
})
