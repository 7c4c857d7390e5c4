/**
 * HTTP for the collectors: undici with a retrying agent (429 and 5xx, honouring
 * Retry-After, exponential backoff) and a timeout on every request.
 */
import { Agent, RetryAgent, request } from 'undici'

export interface HttpOptions {
  headers?: Record<string, string>
  /** Per request, headers and body included. */
  timeoutMs?: number
  maxRetries?: number
  /** First backoff; doubles each retry. */
  minBackoffMs?: number
}

const agents = new Map<string, RetryAgent>()
function agentFor(options: HttpOptions): RetryAgent {
  const key = `${options.timeoutMs}|${options.maxRetries}|${options.minBackoffMs}`
  let agent = agents.get(key)
  if (!agent) {
    const timeout = options.timeoutMs ?? 30_000
    agent = new RetryAgent(new Agent({ headersTimeout: timeout, bodyTimeout: timeout, connectTimeout: Math.min(timeout, 10_000) }), {
      maxRetries: options.maxRetries ?? 5,
      minTimeout: options.minBackoffMs ?? 500,
      maxTimeout: 30_000,
      timeoutFactor: 2,
      retryAfter: true,
      statusCodes: [429, 500, 502, 503, 504],
      // A page that is too slow is asked for again, like a page that failed.
      errorCodes: [
        'ECONNRESET',
        'ECONNREFUSED',
        'ENOTFOUND',
        'ENETDOWN',
        'ENETUNREACH',
        'EHOSTDOWN',
        'EHOSTUNREACH',
        'EPIPE',
        'UND_ERR_HEADERS_TIMEOUT',
        'UND_ERR_BODY_TIMEOUT',
        'UND_ERR_SOCKET',
      ],
    })
    agents.set(key, agent)
  }
  return agent
}

export class HttpError extends Error {
  constructor(
    readonly url: string,
    readonly status: number,
    body: string,
  ) {
    super(`GET ${redact(url)} answered ${status}${body ? `: ${body.slice(0, 300)}` : ''}`)
    this.name = 'HttpError'
  }
}

/** Hides credentials written into a URL. */
export function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return url
  }
}

export interface HttpResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: NodeJS.ReadableStream & AsyncIterable<Uint8Array>
  text(): Promise<string>
}

/** GET with retries; throws HttpError for an answer that is not 2xx after the retries. */
export async function httpGet(url: string, options: HttpOptions = {}): Promise<HttpResponse> {
  const response = await request(url, {
    method: 'GET',
    headers: { accept: 'application/json', ...options.headers },
    dispatcher: agentFor(options),
    signal: AbortSignal.timeout((options.timeoutMs ?? 30_000) * ((options.maxRetries ?? 5) + 1) + 60_000),
  })
  if (response.statusCode < 200 || response.statusCode >= 300) {
    throw new HttpError(url, response.statusCode, await response.body.text().catch(() => ''))
  }
  return {
    status: response.statusCode,
    headers: response.headers,
    body: response.body as unknown as HttpResponse['body'],
    text: () => response.body.text(),
  }
}
