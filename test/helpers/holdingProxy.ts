/** In front of a subgraph: holds each call a moment, so a request is still in flight when a test sends SIGTERM. */
import { once } from 'node:events'
import http from 'node:http'

export async function startHoldingProxy(target: URL, holdMs: number, onHeld: () => void): Promise<http.Server> {
  const proxy = http.createServer((request, response) => {
    onHeld()
    setTimeout(() => {
      const forwarded = http.request(
        { host: target.hostname, port: target.port, path: request.url, method: request.method, headers: request.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(response)
        },
      )
      request.pipe(forwarded)
    }, holdMs)
  })
  proxy.listen(0, '127.0.0.1')
  await once(proxy, 'listening')
  return proxy
}
