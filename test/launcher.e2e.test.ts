/**
 * The one-command graph: on-disk embedded store that survives a restart, the
 * development issuer's key kept beside it, and GraphiQL served from local files.
 */
import { mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readSettings } from '../platform/settings.js'
import { startEmbeddedGraph, type EmbeddedGraph } from '../launch/embedded.js'

const dataDir = mkdtempSync(path.join(tmpdir(), 'hd4res-start-'))
const settings = () => readSettings({ PORT: '0', HD4RES_DATA_DIR: dataDir, HD4RES_DEMO_SIZE: 'small' })
const demo = { endDate: '2026-11-21', seed: 42 }

async function ask(graph: EmbeddedGraph, query: string, token: string) {
  const response = await fetch(graph.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  })
  return (await response.json()) as { data: any; errors?: unknown[] }
}

describe('npm start’s graph', () => {
  let graph: EmbeddedGraph | undefined
  afterAll(async () => {
    await graph?.close()
  })

  it('keeps its data and its issuer key across a restart, without filling the store twice', async () => {
    graph = await startEmbeddedGraph({ settings: settings(), demo })
    const token = await graph.token()
    // The store, the issuer's key, and the gateway's audit spool.
    expect(readdirSync(dataDir).sort()).toEqual(['audit', 'dev-issuer.json', 'pglite'])
    await graph.db.query(`UPDATE participants.projects SET name = 'Renamed before restart' WHERE id = 'prj-0001'`)
    const before = (await graph.db.query<{ n: number }>('SELECT count(*)::int AS n FROM support.tickets'))[0]!.n
    await graph.close()

    graph = await startEmbeddedGraph({ settings: settings(), demo })
    // A token from before the restart still verifies: the key was kept.
    const res = await ask(graph, '{ project(id: "prj-0001") { name } }', token)
    expect(res.data.project.name).toBe('Renamed before restart')
    const after = (await graph.db.query<{ n: number }>('SELECT count(*)::int AS n FROM support.tickets'))[0]!.n
    expect(after).toBe(before)
  })

  it('serves GraphiQL from local files, with the demo token filled in', async () => {
    const page = await fetch(`${graph!.url}/graphiql`)
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('Authorization')
    expect(html).toMatch(/Bearer ey[\w-]+\.[\w-]+\.[\w-]+/)
    // Nothing is loaded from elsewhere: every script and stylesheet is served here.
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!)
    expect(sources.length).toBe(4)
    for (const source of sources) {
      expect(source.startsWith('/graphiql/assets/')).toBe(true)
      const asset = await fetch(`${graph!.url}${source}`)
      expect(asset.status).toBe(200)
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(1000)
    }
    expect(html).not.toMatch(/https?:\/\//)
    expect((await fetch(`${graph!.url}/graphiql/assets/nothing.js`)).status).toBe(404)
  })
})
