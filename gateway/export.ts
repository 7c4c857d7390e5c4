/**
 * CSV export of what a researcher reads: GET /export/projects/:id/<export>.csv
 * (export/exports.ts lists them). An export is not a second way into the
 * data: each page or chunk it writes is one of its fixed GraphQL operations
 * (export/documents.ts), sent to this gateway's own /graphql route in
 * process (fastify's inject) with the request's bearer token, language,
 * request id and client address. Each therefore meets every stage of that
 * route (rate limits, sign-in, memberships, the safelist and cost limits, the
 * response cache, the audit record under the export's request id) and is
 * answered by the same resolvers, scoped and suppressed as the API answers;
 * the export only writes the answer's rows.
 *
 * The first page is asked before anything is sent, so a refusal is an answer
 * with its status and a JSON body (refusal.ts): what the GraphQL route
 * refused, as it refused it (401, 429, …), 400 for a parameter that is wrong,
 * 404 for a project that does not exist or that the researcher may not see
 * (as `project(id)` answers null for both), 409 for a publication under
 * development, 503 for one temporarily unavailable. The rows then stream,
 * page by page, as each answer arrives. When a later page fails, the
 * connection is cut before the chunked body's end: no client takes a
 * truncated file for a whole one.
 */
import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply, FastifyRequest, LightMyRequestResponse } from 'fastify'
import { Kind, parse } from 'graphql'
import { REQUEST_ID_HEADER } from '../platform/headers.js'
import { csvRow, csvRows } from './csv.js'
import { EXPORT_DOCUMENTS, type Withheld } from './export/documents.js'
import { EXPORTS, type EnumValues, type ExportStream, type RunOperation } from './export/exports.js'
import { ExportRefusal, type ErrorBody } from './export/refusal.js'
import { languageOf, TEXTS, type ExportLanguage } from './export/texts.js'
import type { Stage } from './stages/stage.js'

export const EXPORT_PREFIX = '/export/projects'
const MAX_PROJECT_ID_CHARS = 200

/** What each export operation carries of the export's request: who asks, in which language, under which request id and trace. */
const FORWARDED_HEADERS = ['authorization', 'accept-language', 'user-agent', 'traceparent', 'tracestate'] as const

/** The values of each enum of the supergraph, for checking parameters before anything runs. */
function enumValuesOf(supergraphSdl: string): EnumValues {
  const enums = new Map<string, string[]>()
  for (const definition of parse(supergraphSdl, { noLocation: true }).definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION) {
      enums.set(
        definition.name.value,
        (definition.values ?? []).map((v) => v.name.value),
      )
    }
  }
  return (name) => enums.get(name) ?? []
}

/** The HTTP status of a GraphQL answer whose errors keep an export from being whole, by the first error's code. */
function statusOfCode(code: unknown): number {
  switch (code) {
    case 'BAD_USER_INPUT':
    case 'QUERY_TOO_COMPLEX':
    case 'ANSWER_TOO_LARGE':
      return 400
    case 'UNAUTHENTICATED':
      return 401
    case 'FORBIDDEN':
      return 403
    case 'SUBGRAPH_UNAVAILABLE':
    case 'SUBGRAPH_BAD_RESPONSE':
    case 'STORE_UNAVAILABLE':
    case 'SERVICE_UNAVAILABLE':
      return 503
    default:
      return 500
  }
}

interface GraphQLBody extends Partial<ErrorBody> {
  data?: { project?: ({ id: string; code: string } & Record<string, unknown>) | null } | null
}

/** One answer of the GraphQL route, as the page of one project's field, or the refusal it amounts to. */
function pageOf<T>(response: LightMyRequestResponse, field: string, projectId: string, language: ExportLanguage) {
  let body: GraphQLBody
  try {
    body = JSON.parse(response.body) as GraphQLBody
  } catch {
    const reason = `status ${response.statusCode}, not JSON`
    throw ExportRefusal.of(502, 'EXPORT_INCOMPLETE', TEXTS.incomplete[language]({ reason }))
  }
  const retryAfter = response.headers['retry-after']
  if (response.statusCode !== 200) {
    const errors = body.errors ?? [{ message: TEXTS.incomplete[language]({ reason: `status ${response.statusCode}` }) }]
    throw new ExportRefusal(response.statusCode, { errors }, retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) })
  }
  const project = body.data?.project
  const result = project?.[field] as (Withheld | { __typename: string }) | undefined
  if (result?.__typename === 'PublicationTemporarilyUnavailable') {
    const { publication, message, retryAfterSeconds } = result as Withheld
    const headers: Record<string, string> = retryAfterSeconds ? { 'retry-after': String(retryAfterSeconds) } : {}
    throw ExportRefusal.of(503, 'PUBLICATION_TEMPORARILY_UNAVAILABLE', message, { publication, retryAfterSeconds }, headers)
  }
  if (body.errors && body.errors.length > 0)
    throw new ExportRefusal(statusOfCode(body.errors[0]!.extensions?.code), { errors: body.errors })
  if (!project || !result) throw ExportRefusal.of(404, 'NOT_FOUND', TEXTS.projectNotFound[language]({ id: projectId }))
  if (result.__typename === 'PublicationUnderDevelopment') {
    const { publication, title, message, expectedAvailability } = result as Withheld
    throw ExportRefusal.of(409, 'PUBLICATION_UNDER_DEVELOPMENT', message, { publication, title, expectedAvailability })
  }
  return { project: { id: project.id, code: project.code }, data: result as T }
}

/** Runs the export's operations through /graphql, as the researcher who asked for the export. */
function operationRunner(app: FastifyInstance, request: FastifyRequest, language: ExportLanguage): RunOperation {
  const headers: Record<string, string> = { 'content-type': 'application/json', [REQUEST_ID_HEADER]: request.id }
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers[name]
    if (typeof value === 'string') headers[name] = value
  }
  return async <T>(operation: keyof typeof EXPORT_DOCUMENTS, field: string, variables: Record<string, unknown>) => {
    const response = await app.inject({
      method: 'POST',
      url: '/graphql',
      // The address the rate limit and the audit record take: the export's client's, as the gateway read it.
      remoteAddress: request.ip,
      headers,
      payload: JSON.stringify({ query: EXPORT_DOCUMENTS[operation], operationName: operation, variables }),
    })
    return pageOf<T>(response, field, variables.id as string, language)
  }
}

function sendRefusal(reply: FastifyReply, refusal: ExportRefusal): FastifyReply {
  for (const [name, value] of Object.entries(refusal.headers)) reply.header(name, value)
  return reply
    .code(refusal.status)
    .header('cache-control', 'private, no-store')
    .type('application/json; charset=utf-8')
    .send(JSON.stringify(refusal.body))
}

/** The CSV text of an export as its pages arrive; a page that fails ends the stream with an error, which cuts the connection. */
async function* csvOf(stream: ExportStream, onCut: (error: unknown) => void): AsyncGenerator<string> {
  yield csvRow(stream.header) + csvRows(stream.first)
  try {
    for await (const rows of stream.rest) if (rows.length > 0) yield csvRows(rows)
  } catch (error) {
    onCut(error)
    throw error
  }
}

export const csvExport: Stage = {
  name: 'csv export',
  register(app, { options, logger }) {
    const enums = enumValuesOf(options.supergraphSdl)
    for (const kind of EXPORTS) {
      app.get<{ Params: { id: string } }>(`${EXPORT_PREFIX}/:id/${kind.path}`, { exposeHeadRoute: false }, async (request, reply) => {
        const language = languageOf(request.headers['accept-language'])
        const projectId = request.params.id
        let stream: ExportStream
        try {
          if (projectId.length > MAX_PROJECT_ID_CHARS) {
            const message = TEXTS.tooLong[language]({ name: 'id', max: MAX_PROJECT_ID_CHARS })
            throw ExportRefusal.of(400, 'BAD_USER_INPUT', message, { parameter: 'id' })
          }
          const params = new URL(request.raw.url ?? '/', 'http://gateway').searchParams
          stream = await kind.start({ projectId, params, language }, operationRunner(app, request, language), enums)
        } catch (error) {
          if (error instanceof ExportRefusal) return sendRefusal(reply, error)
          throw error
        }
        const cut = (error: unknown) =>
          logger.warn(
            { requestId: request.id, err: error, export: kind.path },
            'csv export: a page failed after the first; the connection is cut',
          )
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="${stream.filename}"`)
          .header('cache-control', 'private, no-store')
          .header('x-content-type-options', 'nosniff')
          .send(Readable.from(csvOf(stream, cut)))
      })
    }
  },
}
