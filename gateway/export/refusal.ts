/**
 * An export that cannot be given: its HTTP status, its headers (Retry-After)
 * and its body, in the GraphQL error shape every refusal of the gateway has
 * ({"errors": [{"message", "extensions": {"code", …}}]}), never CSV. Before
 * the first row has left it is the answer; after, the connection is cut
 * (export.ts), so that no file looks complete that is not.
 */

export type ExportErrorCode =
  'BAD_USER_INPUT' | 'NOT_FOUND' | 'PUBLICATION_UNDER_DEVELOPMENT' | 'PUBLICATION_TEMPORARILY_UNAVAILABLE' | 'EXPORT_INCOMPLETE'

export interface ErrorBody {
  errors: { message: string; extensions?: Record<string, unknown> }[]
}

export class ExportRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(body.errors.map((e) => e.message).join('; '))
  }

  /** A refusal of the export's own, with one error. */
  static of(
    status: number,
    code: ExportErrorCode,
    message: string,
    extensions: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): ExportRefusal {
    return new ExportRefusal(status, { errors: [{ message, extensions: { ...extensions, code } }] }, headers)
  }
}
