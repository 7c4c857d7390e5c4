/**
 * GraphiQL, where the settings switch it on, served from the installed npm
 * packages (React 18 and GraphiQL 3's UMD builds): it works with no internet
 * access. In embedded mode the page is opened with the demo researcher's
 * token already in the headers; the site's root leads to it.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import type { Stage } from './stage.js'

const require = createRequire(import.meta.url)
const packageFile = (pkg: string, file: string) => path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file)

const ASSETS: Record<string, { file: string; type: string }> = {
  'react.js': { file: packageFile('react', 'umd/react.production.min.js'), type: 'text/javascript' },
  'react-dom.js': { file: packageFile('react-dom', 'umd/react-dom.production.min.js'), type: 'text/javascript' },
  'graphiql.js': { file: packageFile('graphiql', 'graphiql.min.js'), type: 'text/javascript' },
  'graphiql.css': { file: packageFile('graphiql', 'graphiql.min.css'), type: 'text/css' },
}

const escapeScript = (json: string) => json.replace(/</g, '\\u003c')

function page(options: { endpoint: string; token?: string }): string {
  const config = escapeScript(
    JSON.stringify({
      endpoint: options.endpoint,
      headers: options.token ? JSON.stringify({ Authorization: `Bearer ${options.token}` }, null, 2) : undefined,
      query: EXAMPLE_QUERY,
    }),
  )
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>HD4RES v2 researcher graph</title>
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <link rel="stylesheet" href="/graphiql/assets/graphiql.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/assets/react.js"></script>
  <script src="/graphiql/assets/react-dom.js"></script>
  <script src="/graphiql/assets/graphiql.js"></script>
  <script>
    const config = ${config};
    const fetcher = GraphiQL.createFetcher({ url: config.endpoint });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, {
        fetcher,
        defaultQuery: config.query,
        defaultHeaders: config.headers,
        shouldPersistHeaders: false,
      }),
    );
  </script>
</body>
</html>`
}

// The example frontend's overview operation, which the typed client is generated from too.
const EXAMPLE_QUERY = `# Your research projects, with what HD4RES v2 publishes about each.
# Press the run button (or Ctrl-Enter); the Docs panel lists every field.
${readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../operations/ProjectOverview.graphql'), 'utf8')
  .split('\n')
  .filter((line) => !line.startsWith('#'))
  .join('\n')}`

function registerGraphiQL(app: FastifyInstance, options: { endpoint: string; token?: string }): void {
  const html = page(options)
  const assets = new Map(Object.entries(ASSETS).map(([name, a]) => [name, { body: readFileSync(a.file), type: a.type }]))
  app.get('/graphiql', async (_request, reply) => reply.type('text/html; charset=utf-8').send(html))
  app.get<{ Params: { name: string } }>('/graphiql/assets/:name', async (request, reply) => {
    const asset = assets.get(request.params.name)
    if (!asset) return reply.code(404).send({ error: 'no such asset' })
    return reply.type(asset.type).header('cache-control', 'public, max-age=86400').send(asset.body)
  })
}

export const graphiql: Stage = {
  name: 'graphiql',
  register(app, { options }) {
    if (!options.graphiql?.enabled) return
    registerGraphiQL(app, { endpoint: '/graphql', token: options.graphiql.token })
    app.get('/', async (_request, reply) => reply.redirect('/graphiql'))
  },
}
