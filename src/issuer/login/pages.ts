/**
 * The server-rendered pages: the login form and the error page. Every value that comes from a
 * config or a request goes through html-escaper's `escape`, never through hand-written escaping:
 * local Cognito emulators have shipped XSS in exactly this form. The pages carry no script at all,
 * and the headers (see page-headers.ts) forbid inline script and framing.
 */
import { escape } from 'html-escaper'
import type { PageLinks } from './page-links.js'

/** What the login page shows. */
export interface LoginPageInput {
  /** The client's name, or its id when it has none. */
  readonly clientName: string
  readonly scopes: readonly string[]
  readonly csrfToken: string
  /** The pending authorization request's handle. */
  readonly request: string
  /** Where the form posts and the stylesheet is, as the browser sees them. */
  readonly links: PageLinks
  /** The last username typed, kept after a failure. */
  readonly username?: string
  /** The one generic failure message, when the last attempt failed. */
  readonly error?: string
}

const STYLE = 'body{font-family:system-ui,sans-serif;max-width:24rem;margin:3rem auto;padding:0 1rem}' +
  'label,input,button{display:block;width:100%;box-sizing:border-box;margin:.25rem 0 .75rem}' +
  'input,button{padding:.5rem;font-size:1rem}.error{color:#a00}code{background:#eee;padding:0 .2rem}'

function layout (title: string, body: string, stylesheet: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<link rel="stylesheet" href="${escape(stylesheet)}">
</head>
<body>
${body}
</body>
</html>
`
}

/** The stylesheet, served beside the login page (CSP `style-src 'self'`: no inline style either). */
export const LOGIN_CSS = STYLE

/**
 * The login form: the client's name and the requested scopes, each escaped.
 *
 * @example
 * ```ts
 * reply.type('text/html').send(loginPage({ clientName: 'demo', scopes: ['openid'], csrfToken, request, links: pageLinks(urls.loginPage) }))
 * ```
 */
export function loginPage (input: LoginPageInput): string {
  const scopes = input.scopes.map((s) => `<li><code>${escape(s)}</code></li>`).join('')
  const error = input.error === undefined ? '' : `<p class="error" role="alert">${escape(input.error)}</p>\n`
  return layout('Sign in', `<h1>Sign in</h1>
<p><strong>${escape(input.clientName)}</strong> asks for:</p>
<ul>${scopes}</ul>
${error}<form method="post" action="${escape(input.links.loginPage)}">
<input type="hidden" name="_csrf" value="${escape(input.csrfToken)}">
<input type="hidden" name="request" value="${escape(input.request)}">
<label for="username">Username</label>
<input id="username" name="username" autocomplete="username" required value="${escape(input.username ?? '')}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`, input.links.stylesheet)
}

/**
 * An error page: shown instead of a redirect when the redirect target cannot be trusted (an
 * unknown client, an unregistered redirect_uri), or when the login form cannot be processed.
 *
 * @example
 * ```ts
 * reply.code(400).type('text/html').send(errorPage('invalid_request', 'The redirect_uri is not registered for this client.', pageLinks(urls.loginPage)))
 * ```
 */
export function errorPage (error: string, description: string, links: PageLinks): string {
  return layout('Sign-in error', `<h1>Sign-in error</h1>
<p><code>${escape(error)}</code></p>
<p>${escape(description)}</p>`, links.stylesheet)
}
