/**
 * A minimal typed GraphQL client for frontends and tests: pass a generated
 * TypedDocumentNode, get its result type back.
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core'
import { print } from 'graphql'

export class GraphQLRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errors: { message: string; extensions?: Record<string, unknown> }[],
  ) {
    super(errors.map((e) => e.message).join('; ') || `HTTP ${status}`)
    this.name = 'GraphQLRequestError'
  }
}

export async function request<Result, Variables>(
  endpoint: string,
  token: string,
  document: TypedDocumentNode<Result, Variables>,
  ...[variables]: Variables extends Record<string, never> ? [] : [Variables]
): Promise<Result> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(document), variables }),
  })
  const body = (await response.json()) as { data?: Result; errors?: { message: string }[] }
  if (body.errors?.length || !body.data) throw new GraphQLRequestError(response.status, body.errors ?? [])
  return body.data
}
