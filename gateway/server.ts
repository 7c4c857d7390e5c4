/**
 * The HTTP front door: Apollo Server with @apollo/gateway on fastify. It signs
 * researchers in, asks the registry which projects they may see, and forwards
 * each subgraph request with a signed identity header. It also serves
 * /healthz and GraphiQL.
 */
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway'
import { ApolloServer } from '@apollo/server'
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled'
import fastifyApollo, { fastifyApolloDrainPlugin } from '@as-integrations/fastify'
import Fastify, { type FastifyInstance } from 'fastify'
import { GraphQLError } from 'graphql'
import { signIdentity, IDENTITY_HEADER, type Identity } from '../subgraphs/kit/identity.js'
import { createAccessResolver } from './access.js'
import { AuthError, type Verifier } from './auth.js'
import { registerGraphiQL } from './graphiql.js'

export interface GatewayContext {
  identity: Identity
}

export interface GatewayOptions {
  supergraphSdl: string
  /** Each subgraph's GraphQL endpoint, by service name. */
  subgraphUrls: Record<string, string>
  identitySecret: string
  verifier: Verifier
  graphiql?: { enabled: boolean; token?: string }
  introspection?: boolean
}

class IdentityForwardingDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly secret: string,
  ) {
    super({ url })
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    // Health checks and schema loads run without a researcher; they never carry data.
    const identity = 'identity' in context && context.identity ? context.identity : undefined
    if (identity) request.http?.headers.set(IDENTITY_HEADER, signIdentity(identity, this.secret))
  }
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } })
}

export interface RunningGateway {
  app: FastifyInstance
  apollo: ApolloServer<GatewayContext>
}

export async function createGateway(options: GatewayOptions): Promise<RunningGateway> {
  const missing = ['participants', 'records', 'subjects', 'components', 'support'].filter((n) => !options.subgraphUrls[n])
  if (missing.length > 0) throw new Error(`No address configured for subgraph(s) ${missing.join(', ')}`)

  // @apollo/gateway otherwise reports usage metrics to Apollo and probes cloud
  // metadata addresses at start-up: a health-data portal sends nothing out.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true'
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name }) => {
      const url = options.subgraphUrls[name]
      if (!url) throw new Error(`No address configured for subgraph "${name}"`)
      return new IdentityForwardingDataSource(url, options.identitySecret)
    },
  })
  const access = createAccessResolver({ participantsUrl: options.subgraphUrls.participants!, secret: options.identitySecret })

  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 })
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    introspection: options.introspection ?? true,
    includeStacktraceInErrorResponses: false,
    plugins: [ApolloServerPluginLandingPageDisabled(), fastifyApolloDrainPlugin(app)],
  })
  await apollo.start()

  app.get('/healthz', async () => ({ status: 'ok' }))
  if (options.graphiql?.enabled) {
    registerGraphiQL(app, { endpoint: '/graphql', token: options.graphiql.token })
    app.get('/', async (_request, reply) => reply.redirect('/graphiql'))
  }

  await app.register(fastifyApollo(apollo), {
    path: '/graphql',
    context: async (request) => {
      let claims
      try {
        claims = await options.verifier.verify(request.headers.authorization)
      } catch (error) {
        if (error instanceof AuthError) throw unauthenticated(error.message)
        throw error
      }
      return { identity: await access.identityFor(claims) }
    },
  })
  return { app, apollo }
}
