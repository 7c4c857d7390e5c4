/**
 * GraphiQL in a real browser: headless Chromium opens the page the gateway
 * serves, runs a query typed into the editor with the demo researcher's token,
 * browses the docs, and never reaches past the graph's own origin.
 */
import { existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from '../helpers/browser.js'
import { startTestGraph, type TestGraph } from '../helpers/graph.js'

const SCREENSHOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test-artifacts/graphiql.png')

const QUERY = `query DemoProjectIncidents {
  projects {
    code
    name
    incidents(first: 0) {
      ... on IncidentConnection {
        totalCount
      }
    }
  }
}`

/** What a reader of the pane sees, without the layout: no whitespace at all. */
const squeeze = (text: string) => text.replace(/[\s\u200b]+/g, '')

describe('GraphiQL in a browser', { timeout: 120_000 }, () => {
  let t: TestGraph
  let browser: Browser | undefined
  let page: Page
  /** Every URL the browser asked for, page loads, scripts, fetches and sockets alike. */
  const requested: string[] = []
  const pageErrors: string[] = []

  beforeAll(async () => {
    t = await startTestGraph({ env: { HD4RES_GRAPHIQL: 'on' } })
    const origin = new URL(t.graph.url).origin
    browser = await launchChromium()
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
    context.on('request', (request) => requested.push(request.url()))
    // Anything bound elsewhere is recorded above and stopped here, so the test never leaks either.
    await context.route('**/*', (route) =>
      new URL(route.request().url()).origin === origin ? route.continue() : route.abort('blockedbyclient'),
    )
    page = await context.newPage()
    page.on('websocket', (socket) => requested.push(socket.url()))
    page.on('pageerror', (error) => pageErrors.push(error.message))
    await page.goto(`${t.graph.url}/graphiql`)
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor()
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('runs a query typed into the editor and shows the answer the API gives', async () => {
    const expected = await t.query(QUERY)
    expect(expected.body.errors).toBeUndefined()
    expect(expected.body.data!.projects.length).toBeGreaterThan(0)

    await page.locator('.graphiql-query-editor .CodeMirror').click()
    await page.keyboard.press('Control+A')
    await page.keyboard.insertText(QUERY)
    expect(squeeze((await page.locator('.graphiql-query-editor .CodeMirror-line').allInnerTexts()).join('\n'))).toBe(squeeze(QUERY))

    // GraphiQL reads the editor after a short debounce; run too early and it sends the old operation name.
    await page.waitForFunction(`localStorage.getItem('graphiql:operationName') === 'DemoProjectIncidents'`)
    await page.getByRole('button', { name: /^Execute query/ }).click()
    const result = page.locator('.graphiql-response .CodeMirror-code')
    await result.filter({ hasText: 'totalCount' }).waitFor({ timeout: 30_000 })
    const shown = (await result.locator('.CodeMirror-line').allInnerTexts()).join('\n')
    // The demo token was filled in, so the pane holds the researcher's own projects, as the API answers them.
    expect(squeeze(shown)).toBe(squeeze(JSON.stringify({ data: expected.body.data })))

    mkdirSync(path.dirname(SCREENSHOT), { recursive: true })
    await page.screenshot({ path: SCREENSHOT })
    expect(existsSync(SCREENSHOT)).toBe(true)
  })

  it('lists the fields of the Query type in the docs explorer', async () => {
    const introspected = await t.query('{ __type(name: "Query") { fields { name } } }')
    const fieldNames: string[] = introspected.body.data!.__type.fields.map((f: { name: string }) => f.name)
    expect(fieldNames).toContain('projects')

    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click()
    const explorer = page.locator('.graphiql-doc-explorer')
    await explorer.waitFor()
    // Root Types reads "query: Query"; the type name is the link.
    await explorer.locator('div:has(> .graphiql-doc-explorer-root-type) > a', { hasText: /^Query$/ }).click()
    await explorer.locator('.graphiql-doc-explorer-title').getByText('Query', { exact: true }).waitFor()
    const listed = await explorer.locator('.graphiql-doc-explorer-field-name').allInnerTexts()
    expect(listed.sort()).toEqual([...fieldNames].sort())
  })

  it('asks nothing of any other origin, and raises no script errors', async () => {
    const origin = new URL(t.graph.url).origin
    // The recorder saw the page, its assets and the queries: an empty list would prove nothing.
    expect(requested).toContain(`${origin}/graphiql`)
    expect(requested).toContain(`${origin}/graphiql/assets/graphiql.js`)
    expect(requested).toContain(`${origin}/graphql`)
    const elsewhere = requested.filter((url) => !/^(data|blob|about):/.test(url) && new URL(url).origin !== origin)
    expect(elsewhere, `GraphiQL asked other origins for:\n${elsewhere.join('\n')}`).toEqual([])
    expect(pageErrors).toEqual([])
  })
})
