/**
 * The user's sign-in, end to end, without a browser: the demo relying party starts it, the
 * issuer's authorization endpoint and login page take the user's password, the relying party's
 * callback exchanges the code and calls the gateway with the access token. `npm run demo` runs it
 * after the client_credentials steps; the browser test runs the same path in Chromium.
 */
import type { DemoStack } from './stack.js'

/** One step's outcome (the same shape as flow.ts's). */
export interface SignInStep { readonly name: string, readonly expected: number, readonly status: number, readonly ok: boolean }

async function get (url: string): Promise<Response> {
  return await fetch(url, { redirect: 'manual' })
}

/** The value of a hidden form field of the login page; throws when the page has none. */
function field (html: string, name: string): string {
  return (new RegExp(`name="${name}" value="([^"]*)"`).exec(html) as RegExpExecArray)[1] as string
}

/**
 * Runs the sign-in; calls `step` after each request. Never throws: a request that cannot be made
 * (the previous step went wrong) ends the run as one more failed step.
 */
export async function runSignIn (stack: DemoStack, step: (name: string, expected: number, status: number) => void): Promise<void> {
  try {
    const start = await get(stack.loginUrl)
    step('the relying party sends the browser to /oauth2/authorize (code, PKCE S256, state, nonce)', 302, start.status)
    const authorize = await get(start.headers.get('location') as string)
    step('the authorization endpoint sends it on to the login page', 302, authorize.status)
    const loginUrl = authorize.headers.get('location') as string
    const page = await get(loginUrl)
    step('the login page shows the client and its scopes, with a CSRF token', 200, page.status)
    const html = await page.text()
    const cookie = String(page.headers.get('set-cookie')).split(';')[0] as string
    const submit = async (password: string): Promise<Response> => await fetch(new URL('/login', loginUrl), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ _csrf: field(html, '_csrf'), request: field(html, 'request'), username: stack.user.username, password }).toString()
    })
    step('a wrong password gets the generic failure message', 401, (await submit('not-the-password')).status)
    const login = await submit(stack.user.password)
    step('the right password redirects to the callback with a code and the state', 302, login.status)
    const callback = await get(login.headers.get('location') as string)
    step('the callback exchanges the code and verifies the ID token', 200, callback.status)
    const gateway = Number((/id="gateway-status">(\d+)</.exec(await callback.text()) as RegExpExecArray)[1])
    step('the relying party calls GET /transactions through the gateway with the user\'s access token', 200, gateway)
  } catch (err) {
    step(`the sign-in could not go on (${(err as Error).message})`, 200, 0)
  }
}
