/**
 * Logging without credentials. Fastify's request log line includes the URL, so a client that
 * puts `?access_token=…` or `?client_secret=…` in it would have its credential written to the
 * log, even though the request is refused. These serializers log the same fields as Fastify's
 * default, with the values of credential-bearing parameters replaced.
 *
 * Names are read with the platform's form decoding (URLSearchParams), so `%63ode=`, `CODE=`,
 * `code[]=` and repeated names are all caught; a malformed escape never throws. Everything else
 * in the URL is kept byte for byte, as the client sent it.
 */

/** Query and fragment parameters whose values are credentials (RFC 6749, RFC 7636, RFC 6750 §2.3). */
export const CREDENTIAL_PARAMETERS: readonly string[] = Object.freeze([
  'access_token', 'client_secret', 'code', 'code_verifier', 'refresh_token', 'password',
  // The issuer's handle on a pending sign-in (`/login?request=…`), and OpenID request objects.
  'request'
])

const CREDENTIALS = new Set(CREDENTIAL_PARAMETERS)

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]'

function isCredential (rawName: string): boolean {
  const [entry] = new URLSearchParams(`${rawName}=`)
  // Array and index suffixes (`code[]`, `code[0]`), case and stray characters do not hide a name:
  // some query parsers read `code[]` as `code`, and redacting too much costs nothing.
  const name = (entry as [string, string])[0].toLowerCase().replace(/[^a-z_]/g, '')
  return CREDENTIALS.has(name)
}

function redactParameters (parameters: string): string {
  return parameters.split('&').map((pair) => {
    const eq = pair.indexOf('=')
    return eq === -1 || !isCredential(pair.slice(0, eq)) ? pair : `${pair.slice(0, eq + 1)}${REDACTED}`
  }).join('&')
}

/**
 * `url` with the values of `access_token`, `client_secret`, `code`, `code_verifier`,
 * `refresh_token`, `password` and `request` (the issuer's sign-in handle) replaced by `[REDACTED]`, in the query string and in the
 * fragment, and a password in the userinfo of an absolute URL replaced too.
 *
 * @example
 * ```ts
 * redactUrl('/oauth2/token?client_id=app&client_secret=s3cr3t')
 * // '/oauth2/token?client_id=app&client_secret=[REDACTED]'
 * ```
 */
export function redactUrl (url: string): string {
  const hash = url.indexOf('#')
  const beforeHash = hash === -1 ? url : url.slice(0, hash)
  const query = beforeHash.indexOf('?')
  let redacted = query === -1 ? beforeHash : `${beforeHash.slice(0, query + 1)}${redactParameters(beforeHash.slice(query + 1))}`
  if (hash !== -1) redacted += `#${redactParameters(url.slice(hash + 1))}`
  if (redacted.includes('@') && URL.canParse(redacted)) {
    const parsed = new URL(redacted)
    if (parsed.password !== '') {
      parsed.password = 'REDACTED'
      return parsed.href
    }
  }
  return redacted
}

/** The request members the serializer reads: a Fastify request, or a raw `IncomingMessage`. */
export interface LoggableRequest {
  method?: string
  url?: string
  headers?: Record<string, string | string[] | undefined>
  host?: string
  ip?: string
  socket?: { remoteAddress?: string, remotePort?: number }
}

/** A header repeated by the client arrives as a list; it is logged as one line, as sent. */
function headerText (value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value
}

/** The fields logged for a request: Fastify's default set, with the URL redacted. */
// A type, not an interface: Fastify's serializer type wants an index signature.
export type LoggedRequest = {
  method: string | undefined
  url: string | undefined
  version: string | undefined
  host: string | undefined
  remoteAddress: string | undefined
  remotePort: number | undefined
}

/**
 * Log serializers for Fastify (`logger: { serializers }`) or pino. `req` logs what Fastify's
 * default does (method, URL, accept-version, host, remote address and port), with
 * credential-bearing URL parameters redacted; `source`, the upstream URL that
 * @fastify/reply-from (and so @fastify/http-proxy) logs, is redacted the same way. Fastify keeps
 * its own `res` and `err`.
 *
 * @example
 * ```ts
 * import Fastify from 'fastify'
 * import { serializers } from 'fastify-resource-server'
 *
 * const app = Fastify({ logger: { serializers } })
 * ```
 */
export const serializers = Object.freeze({
  req (req: LoggableRequest): LoggedRequest {
    return {
      method: req.method,
      url: typeof req.url === 'string' ? redactUrl(req.url) : undefined,
      version: headerText(req.headers?.['accept-version']),
      host: req.host ?? headerText(req.headers?.host),
      remoteAddress: req.ip ?? req.socket?.remoteAddress,
      remotePort: req.socket?.remotePort
    }
  },
  source (source: unknown): unknown {
    return typeof source === 'string' ? redactUrl(source) : source
  }
})

/**
 * A pino `logMethod` hook that redacts URLs inside string messages, such as Fastify's
 * `Route GET:/x?code=… not found` line, which no serializer sees.
 *
 * @example
 * ```ts
 * const app = Fastify({ logger: { serializers, hooks: { logMethod: redactLogMessage } } })
 * ```
 */
export function redactLogMessage (this: unknown, args: unknown[], method: (...args: unknown[]) => void): void {
  method.apply(this, args.map((arg) => typeof arg === 'string' && /[?#@]/.test(arg)
    ? arg.split(' ').map((word) => /[?#@]/.test(word) ? redactUrl(word) : word).join(' ')
    : arg))
}
