/**
 * Apollo Client as a frontend runs it against the gateway (an HttpLink over
 * fetch, optionally behind the PersistedQueryLink), with a fetch that notes
 * what each request sent, so a test can see the persisted-query protocol.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client'
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries'
import { buildSchema, isAbstractType } from 'graphql'

/** What one request carried: its method, its text, its persisted-query hash. */
export interface SentRequest {
  method: string
  query?: string
  sha256Hash?: string
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

function noted(input: string | URL | Request, init: RequestInit | undefined): SentRequest {
  const method = init?.method ?? 'GET'
  if (typeof init?.body === 'string') {
    const body = JSON.parse(init.body) as { query?: string; extensions?: { persistedQuery?: { sha256Hash?: string } } }
    return { method, query: body.query, sha256Hash: body.extensions?.persistedQuery?.sha256Hash }
  }
  const params = new URL(String(input instanceof Request ? input.url : input)).searchParams
  const extensions = params.get('extensions')
  const hash = extensions ? (JSON.parse(extensions) as { persistedQuery?: { sha256Hash?: string } }).persistedQuery?.sha256Hash : undefined
  return { method, query: params.get('query') ?? undefined, sha256Hash: hash }
}

/** The API's unions and interfaces with their members, as a frontend gives its cache (codegen's fragment-matcher output would do). */
let possibleTypes: Record<string, string[]> | undefined
function possibleTypesOfApi(): Record<string, string[]> {
  if (possibleTypes) return possibleTypes
  const schema = buildSchema(readFileSync('schema/api.graphql', 'utf8'))
  const abstract = Object.values(schema.getTypeMap()).filter(isAbstractType)
  possibleTypes = Object.fromEntries(abstract.map((type) => [type.name, schema.getPossibleTypes(type).map((member) => member.name)]))
  return possibleTypes
}

export interface NotedClient {
  client: ApolloClient
  /** Every request the client sent, in order. */
  sent: SentRequest[]
}

/** A fresh client (its own cache, its own hash memo); `persisted` puts the PersistedQueryLink in front, hashing with node:crypto unless told. */
export function apolloClient(
  uri: string,
  token: string,
  persisted?: Partial<ConstructorParameters<typeof PersistedQueryLink>[0]> | true,
): NotedClient {
  const sent: SentRequest[] = []
  const http = new HttpLink({
    uri,
    headers: { authorization: `Bearer ${token}` },
    fetch: async (input, init) => {
      sent.push(noted(input, init))
      return fetch(input, init)
    },
  })
  const options = persisted === true ? {} : persisted
  const link = options
    ? ApolloLink.from([new PersistedQueryLink({ sha256, ...options } as ConstructorParameters<typeof PersistedQueryLink>[0]), http])
    : http
  return { client: new ApolloClient({ cache: new InMemoryCache({ possibleTypes: possibleTypesOfApi() }), link }), sent }
}
