/**
 * One gateway under test, in its own process, on a given port:
 *   ours   the project's gateway as deployed (sign-in, limits, response cache as configured)
 *   stock  a plain @apollo/gateway + @apollo/server with default settings; it forwards the
 *          signed identity header the load generator sends, since the subgraphs require one
 *   ceiling a bare node:http server that answers the same bytes to every request
 * Prints "ready" once listening; on SIGTERM prints its peak RSS in MB.
 *
 *   tsx bench/gateway-process.ts <ours|stock|ceiling> <port> <json config>
 */
import 'reflect-metadata'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway'
import { ApolloServer } from '@apollo/server'
import { startStandaloneServer } from '@apollo/server/standalone'
import { createLocalJWKSet, type JWK } from 'jose'
import { createVerifier, DEV_AUDIENCE, DEV_ISSUER } from '../gateway/auth.js'
import { readSettings } from '../gateway/config.js'
import { createGateway, gatewayOptionsFrom } from '../gateway/server.js'
import { readCommittedSupergraph } from '../gateway/supergraph.js'
import { IDENTITY_HEADER } from '../subgraphs/kit/identity.js'

const [kind, portText, configText] = process.argv.slice(2)
const port = Number(portText)
const config = JSON.parse(configText!) as { urls: Record<string, string>; secret: string; publicJwk: JWK; cache: boolean; ceilingBodyFile?: string }

const peakRssMb = () => {
  const status = readFileSync('/proc/self/status', 'utf8')
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return kb / 1024
}
process.on('SIGTERM', () => {
  console.log(JSON.stringify({ peakRssMb: peakRssMb() }))
  process.exit(0)
})

if (kind === 'ours') {
  const settings = readSettings({
    PORT: String(port),
    NODE_ENV: 'production',
    LOG_LEVEL: 'silent',
    HD4RES_RESPONSE_CACHE: config.cache ? 'on' : 'off',
    HD4RES_RATE_PER_RESEARCHER: '100000000',
    HD4RES_RATE_PER_ADDRESS: '100000000',
    ...(process.env.REDIS_URL && config.cache ? { REDIS_URL: process.env.REDIS_URL } : {}),
  })
  const { graphiqlEnabled: _unused, ...fromSettings } = gatewayOptionsFrom(settings)
  void _unused
  const { app } = await createGateway({
    ...fromSettings,
    supergraphSdl: readCommittedSupergraph(),
    subgraphUrls: config.urls,
    identitySecret: config.secret,
    verifier: createVerifier({ issuer: DEV_ISSUER, audience: DEV_AUDIENCE, keys: createLocalJWKSet({ keys: [config.publicJwk] }), algorithms: ['ES256'] }),
  })
  await app.listen({ port, host: '127.0.0.1' })
} else if (kind === 'stock') {
  class Forwarding extends RemoteGraphQLDataSource<{ identity?: string }> {
    override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<{ identity?: string }>) {
      if (context.identity) request.http?.headers.set(IDENTITY_HEADER, context.identity)
    }
  }
  process.env.APOLLO_TELEMETRY_DISABLED = 'true'
  const gateway = new ApolloGateway({ supergraphSdl: readCommittedSupergraph(), buildService: ({ name }) => new Forwarding({ url: config.urls[name]! }) })
  const server = new ApolloServer({ gateway })
  await startStandaloneServer(server, {
    listen: { port, host: '127.0.0.1' },
    context: async ({ req }) => ({ identity: req.headers[IDENTITY_HEADER] as string | undefined }),
  })
} else if (kind === 'ceiling') {
  const body = readFileSync(config.ceilingBodyFile!)
  await new Promise<void>((resolve) =>
    http
      .createServer((req, res) => {
        req.resume()
        req.on('end', () => {
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length })
          res.end(body)
        })
      })
      .listen(port, '127.0.0.1', resolve),
  )
} else {
  console.error(`unknown gateway kind ${kind}`)
  process.exit(2)
}
console.log('ready')
