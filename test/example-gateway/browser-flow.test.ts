// A real browser (Debian's Chromium, driven by playwright-core) signs the demo user in: the relying
// party sends it to /oauth2/authorize, the issuer's login page takes the password, the browser
// lands on the callback with a code and the state, the relying party exchanges the code and calls
// the gateway with the access token. Skipped, with one line saying how to run it, without Chromium.
import t from 'tap'
import { chromium as playwright } from 'playwright-core'
import { startDemoStack } from '../../example-gateway/stack.js'
import { chromium, missingTool } from '../helpers/system-tools.js'

t.test('a browser signs in on the login page, and the access token passes the gateway', { skip: missingTool(chromium) }, async (t) => {
  const stack = await startDemoStack({ issuerPort: 0, upstreamPort: 0, gatewayPort: 0, relyingPartyPort: 0 })
  t.teardown(stack.close)
  // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
  const browser = await playwright.launch({ executablePath: chromium.path, args: ['--no-sandbox'] })
  t.teardown(() => browser.close())
  const page = await browser.newPage()
  const visited: string[] = []
  page.on('request', (request) => { if (request.isNavigationRequest()) visited.push(request.url()) })

  await page.goto(stack.relyingPartyUrl)
  await page.click('#sign-in')
  await page.waitForURL(/\/login\?request=/)
  t.match(await page.textContent('body'), /demo-web/, 'the login page names the client')
  t.ok(visited.some((url) => url.startsWith(stack.issuer.replace(/\/[^/]+$/, '/oauth2/authorize'))), 'the browser went through /oauth2/authorize')

  await page.fill('#username', stack.user.username)
  await page.fill('#password', 'not-the-password')
  await page.click('button[type=submit]')
  t.match(await page.textContent('[role=alert]'), /Incorrect username or password/, 'a wrong password shows the generic message')

  await page.fill('#password', stack.user.password)
  await page.click('button[type=submit]')
  await page.waitForURL(/\/callback\?/)
  const callback = new URL(visited.find((url) => url.includes('/callback?')) as string)
  t.match(callback.searchParams.get('code'), /^[\w-]{43}$/, 'the browser arrived with a code')
  t.ok(callback.searchParams.get('state'), 'and the state')
  t.match(await page.textContent('h1'), /Signed in as demo/, 'the relying party exchanged the code and verified the ID token')
  t.equal(await page.textContent('#gateway-status'), '200', 'the access token passed the gateway')
  t.match(await page.textContent('#gateway-body'), /transactions/)
})
