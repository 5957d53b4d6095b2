/**
 * Where the pages' links point. The issuer serves the login page at `/login` and its stylesheet
 * at `/login.css`, but behind a proxy that routes by a path prefix (an `issuerUrl` such as
 * `https://auth.example.com/tenants/local-1_X`) the browser reaches them under the prefix, which
 * the proxy strips before the issuer sees the request. So the form's target, the stylesheet link
 * and the CSRF cookie's path come from the public URL of the login page, never from the path the
 * issuer sees. They are paths, not URLs: the page's own origin serves them (CSP `'self'`), also
 * when the browser names the host differently from the issuer URL.
 */

/** The login page's path, as the issuer serves it (Cognito's hosted UI path). */
export const LOGIN_PATH = '/login'

/** The stylesheet's path, as the issuer serves it, beside the login page. */
export const STYLESHEET_PATH = '/login.css'

/** The paths a page links to, as the browser sees them. */
export interface PageLinks {
  /** The login page: the form's target and the CSRF cookie's path, e.g. `/tenants/login`. */
  readonly loginPage: string
  /** The stylesheet, e.g. `/tenants/login.css`. */
  readonly stylesheet: string
}

/**
 * The links of the pages, from the public URL of the login page (`urls.loginPage`).
 *
 * @example
 * ```ts
 * pageLinks('https://auth.example.com/tenants/login') // { loginPage: '/tenants/login', stylesheet: '/tenants/login.css' }
 * ```
 */
export function pageLinks (loginPageUrl: string): PageLinks {
  const { pathname } = new URL(loginPageUrl)
  const prefix = pathname.slice(0, pathname.length - LOGIN_PATH.length)
  return { loginPage: pathname, stylesheet: `${prefix}${STYLESHEET_PATH}` }
}
