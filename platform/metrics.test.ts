/**
 * /metrics as a gateway worker serves it: what the cluster's primary gathers,
 * behind the same scrape token, and a clear 503 when the gathering fails, so a
 * scrape is seen to fail rather than to count less.
 */
import Fastify from 'fastify'
import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import { registerMetricsRoute } from './metrics.js'

const TOKEN = 'a-scrape-token-of-some-length'

async function serve(collect: () => Promise<string>) {
  const app = Fastify()
  let asked = 0
  registerMetricsRoute(app, new Registry(), { token: TOKEN, production: true }, () => {
    asked++
    return collect()
  })
  await app.ready()
  return { app, asked: () => asked }
}

describe('/metrics gathered from elsewhere', () => {
  it('answers what is gathered, and asks for it only once the scrape token is right', async () => {
    const { app, asked } = await serve(async () => 'hd4res_gateway_requests_total{operation="A",outcome="ok"} 12\n')
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(401)
    expect(asked()).toBe(0)
    const ok = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })
    expect(ok.statusCode).toBe(200)
    expect(ok.headers['content-type']).toMatch(/^text\/plain/)
    expect(ok.body).toBe('hd4res_gateway_requests_total{operation="A",outcome="ok"} 12\n')
    expect(asked()).toBe(1)
    await app.close()
  })

  it('answers 503 saying what went wrong when the gathering fails', async () => {
    const { app } = await serve(async () => {
      throw new Error("the gateway's primary process gave no answer within 3000 ms")
    })
    const failed = await app.inject({ url: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } })
    expect(failed.statusCode).toBe(503)
    expect(failed.json()).toEqual({
      error: "The metrics could not be gathered: the gateway's primary process gave no answer within 3000 ms; scrape again",
    })
    await app.close()
  })
})
