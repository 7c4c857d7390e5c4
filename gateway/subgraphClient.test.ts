/**
 * The gateway's subgraph client: kept-alive connections are reused; with
 * keep-alive off every call opens its own, and both answer the same. The data
 * source signs the identity once per request, passes a subgraph's cache hint
 * on, and turns a refusal or a silent subgraph into a named error.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { IDENTITY_HEADER, verifyIdentity } from '../platform/identity.js'
import { cacheHintOf, subgraphAgent, subgraphCaller, SubgraphDataSource, type SubgraphCallContext } from './subgraphClient.js'

const SECRET = 's'.repeat(40)

describe('the subgraph client', () => {
  let server: http.Server
  let url: string
  let connections = 0
  const seen: http.IncomingHttpHeaders[] = []
  beforeAll(async () => {
    server = http.createServer((request, response) => {
      seen.push(request.headers)
      request.resume()
      request.on('end', () => {
        if (request.url === '/refuse')
          return response.writeHead(403, { 'content-type': 'application/json' }).end('{"errors":[{"message":"no"}]}')
        if (request.url === '/silent') return // never answers
        if (request.url === '/garbled') return response.setHeader('content-type', 'application/json').end('{"data": {')
        if (request.url === '/public') response.setHeader('cache-control', 'public, max-age=60')
        response.setHeader('content-type', 'application/json').end('{"data":{"ok":true}}')
      })
    })
    server.on('connection', () => connections++)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  async function fiveCalls(keepAlive: boolean) {
    const agent = subgraphAgent({ connections: 4, keepAliveMs: 30_000 })
    const call = subgraphCaller(agent, 2000, keepAlive)
    connections = 0
    const answers = []
    for (let i = 0; i < 5; i++) {
      const answer = await call('records', `${url}/graphql`, '{"query":"{ ok }"}', { 'content-type': 'application/json' })
      answers.push({ status: answer.status, body: answer.body })
    }
    await agent.close()
    return { answers, connections }
  }

  it('reuses kept-alive connections for calls one after another', async () => {
    const { answers, connections } = await fiveCalls(true)
    // A connection goes back to the pool just after its answer is read: a second may open meanwhile.
    expect(connections).toBeLessThanOrEqual(2)
    expect(answers).toEqual(Array(5).fill({ status: 200, body: { data: { ok: true } } }))
  })

  it('opens a connection per call with keep-alive off, and answers the same', async () => {
    const { answers, connections } = await fiveCalls(false)
    expect(connections).toBe(5)
    expect(answers).toEqual(Array(5).fill({ status: 200, body: { data: { ok: true } } }))
  })

  describe('the data source', () => {
    const agent = subgraphAgent({ connections: 4, keepAliveMs: 30_000 })
    afterAll(() => agent.close())
    const source = (path: string, timeoutMs = 2000) =>
      new SubgraphDataSource('records', `${url}${path}`, SECRET, subgraphCaller(agent, timeoutMs))
    const restricted: unknown[] = []
    const options = (context: SubgraphCallContext) =>
      ({
        kind: 'incoming operation',
        request: { query: '{ ok }', variables: { a: 1 } },
        context,
        incomingRequestContext: { overallCachePolicy: { restrict: (hint: unknown) => restricted.push(hint) } },
      }) as unknown as GraphQLDataSourceProcessOptions<SubgraphCallContext>

    it('signs the identity once for all of a request’s calls, and sends the request id', async () => {
      const context: SubgraphCallContext = {
        identity: { sub: 'r-1', name: 'R', roles: ['researcher'], projects: ['p-1'] },
        requestId: 'req-12345678',
      }
      seen.length = 0
      expect(await source('/graphql').process(options(context))).toEqual({ data: { ok: true } })
      await source('/graphql').process(options(context))
      expect(seen.map((h) => h[IDENTITY_HEADER])).toEqual([context.signedIdentity, context.signedIdentity])
      expect(verifyIdentity(context.signedIdentity, SECRET).projects).toEqual(['p-1'])
      expect(seen[0]!['x-request-id']).toBe('req-12345678')
    })

    it('passes the subgraph’s cache hint on to the operation’s policy', async () => {
      restricted.length = 0
      await source('/public').process(options({}))
      await source('/graphql').process(options({}))
      expect(restricted).toEqual([{ maxAge: 60, scope: 'PUBLIC' }, { maxAge: 0 }])
      expect(cacheHintOf('private, max-age=5')).toEqual({ maxAge: 5, scope: 'PRIVATE' })
    })

    it('turns a refusal into an error with the status, a garbled body into SUBGRAPH_BAD_RESPONSE, and silence into SUBGRAPH_UNAVAILABLE', async () => {
      await expect(source('/refuse').process(options({}))).rejects.toMatchObject({
        message: '403: Forbidden',
        extensions: { code: 'FORBIDDEN' },
      })
      await expect(source('/silent', 300).process(options({}))).rejects.toMatchObject({
        message: expect.stringMatching(/^The records service did not answer in time/),
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'records' },
      })
      await expect(source('/garbled').process(options({}))).rejects.toMatchObject({
        message: expect.stringMatching(/^The records service answered with a body that is not valid JSON/),
        extensions: { code: 'SUBGRAPH_BAD_RESPONSE', serviceName: 'records' },
      })
      await expect(
        new SubgraphDataSource('records', 'http://127.0.0.1:1/graphql', SECRET, subgraphCaller(agent, 500)).process(options({})),
      ).rejects.toMatchObject({
        message: expect.stringMatching(/^The records service could not be reached/),
      })
    })
  })
})
