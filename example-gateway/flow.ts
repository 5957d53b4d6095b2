/**
 * The client_credentials flow, end to end through the gateway, then a user's sign-in through the
 * demo relying party: what `npm run demo` runs and what `npm start` prints as curl commands.
 */
import { runSignIn } from './sign-in-flow.js'
import type { DemoClient, DemoStack } from './stack.js'

/** One step's outcome. */
export interface StepResult { readonly name: string, readonly expected: number, readonly status: number, readonly ok: boolean }

async function tokenFor (stack: DemoStack, client: DemoClient, secret = client.clientSecret): Promise<{ status: number, token: string | undefined }> {
  const res = await fetch(stack.tokenEndpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded'
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: client.scopes.join(' ') }).toString()
  })
  const body = await res.json() as { access_token?: string }
  return { status: res.status, token: body.access_token }
}

async function call (url: string, method: string, token: string | undefined, body?: unknown): Promise<{ status: number, json: Record<string, unknown> }> {
  const headers: Record<string, string> = {}
  if (token !== undefined) headers.authorization = `Bearer ${token}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  // /metrics answers Prometheus text; everything else here answers JSON.
  const json = String(res.headers.get('content-type')).includes('json') ? await res.json() as Record<string, unknown> : { text: await res.text() }
  return { status: res.status, json }
}

/**
 * Runs every step, calling `report` after each, and returns all results. Never throws for an
 * unexpected status: that is a failed step.
 */
export async function runFlow (stack: DemoStack, report: (step: StepResult) => void = () => {}): Promise<StepResult[]> {
  const results: StepResult[] = []
  const step = (name: string, expected: number, status: number): void => {
    const result = { name, expected, status, ok: status === expected }
    results.push(result)
    report(result)
  }
  const tx = `${stack.gatewayUrl}/transactions`

  const full = await tokenFor(stack, stack.clients.full)
  step('token for the full client (client_credentials, HTTP Basic)', 200, full.status)
  const wrong = await tokenFor(stack, stack.clients.full, 'not-the-secret')
  step('token with a wrong secret is refused (invalid_client)', 401, wrong.status)
  step('GET /transactions without a token', 401, (await call(tx, 'GET', undefined)).status)
  step('GET /transactions with the full token', 200, (await call(tx, 'GET', full.token)).status)
  const created = await call(tx, 'POST', full.token, { amount: 12.5, currency: 'EUR', description: 'coffee' })
  step('POST /transactions with the full token', 201, created.status)
  step('GET /transactions/:id with the full token', 200, (await call(`${tx}/${String(created.json.id)}`, 'GET', full.token)).status)
  step('POST /transactions with a bad body', 400, (await call(tx, 'POST', full.token, { amount: -1, currency: 'EUR' })).status)
  const readOnly = await tokenFor(stack, stack.clients.readOnly)
  step('token for the read-only client', 200, readOnly.status)
  step('GET /transactions with the read-only token', 200, (await call(tx, 'GET', readOnly.token)).status)
  step('POST /transactions with the read-only token (insufficient_scope)', 403, (await call(tx, 'POST', readOnly.token, { amount: 1, currency: 'EUR' })).status)
  const monitoring = await tokenFor(stack, stack.clients.monitoring)
  step('GET /metrics without a token', 401, (await call(`${stack.gatewayUrl}/metrics`, 'GET', undefined)).status)
  step('GET /metrics with the monitoring token (refusals by code, JWKS fetches)', 200, (await call(`${stack.gatewayUrl}/metrics`, 'GET', monitoring.token)).status)
  await runSignIn(stack, (name, expected, status) => { step(`sign-in: ${name}`, expected, status) })
  return results
}

/** The copy-paste shell commands for the same flow, with real values filled in. */
export function curlCommands (stack: DemoStack): string {
  const { full, readOnly } = stack.clients
  const extract = 'node -pe \'JSON.parse(require("fs").readFileSync(0, "utf8")).access_token\''
  const token = (c: DemoClient): string =>
    `curl -s -u '${c.clientId}:${c.clientSecret}' -d grant_type=client_credentials --data-urlencode 'scope=${c.scopes.join(' ')}' ${stack.tokenEndpoint} | ${extract}`
  return [
    '# 1. Get a token for the full client (HTTP Basic, client_credentials):',
    `TOKEN=$(${token(full)})`,
    '',
    '# 2. List and create transactions through the gateway:',
    `curl -si -H "authorization: Bearer $TOKEN" ${stack.gatewayUrl}/transactions`,
    `curl -si -X POST -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"amount":12.5,"currency":"EUR","description":"coffee"}' ${stack.gatewayUrl}/transactions`,
    '',
    '# 3. The read-only client may read, but a POST gets 403 insufficient_scope:',
    `RO_TOKEN=$(${token(readOnly)})`,
    `curl -si -H "authorization: Bearer $RO_TOKEN" ${stack.gatewayUrl}/transactions`,
    `curl -si -X POST -H "authorization: Bearer $RO_TOKEN" -H 'content-type: application/json' -d '{"amount":1,"currency":"EUR"}' ${stack.gatewayUrl}/transactions`,
    '',
    '# Decode the token\'s claims:',
    'node -pe \'JSON.parse(Buffer.from(process.argv[1].split(".")[1], "base64url"))\' "$TOKEN"'
  ].join('\n')
}
