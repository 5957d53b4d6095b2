/**
 * `npm start`: the whole demo stack on loopback, with the URLs, the demo clients and the curl
 * commands printed, until Ctrl-C.
 */
import { curlCommands } from './flow.js'
import { stackOptionsFromEnv } from './env.js'
import { DEMO_RATE_LIMIT, startDemoStack, type DemoStack } from './stack.js'

/** Starts the stack and prints how to use it. Returns the stack; signals close it. */
export async function start (env: NodeJS.ProcessEnv, print: (text: string) => void): Promise<DemoStack> {
  const stack = await startDemoStack(stackOptionsFromEnv(env))
  const { full, readOnly, monitoring } = stack.clients
  print([
    'fastify-resource-server demo stack is running:',
    '',
    `  issuer     ${stack.issuer}`,
    `  discovery  ${stack.discoveryUrl}`,
    `  token      ${stack.tokenEndpoint}`,
    `  upstream   ${stack.upstreamUrl}   (the transactions service, itself protected)`,
    `  gateway    ${stack.gatewayUrl}   (GET/HEAD need transactions/get, POST needs transactions/post)`,
    `             rate limits: ${DEMO_RATE_LIMIT.perClient.max} requests a minute per client, ${DEMO_RATE_LIMIT.unauthenticated.max} refusals a minute per address`,
    '',
    '  clients (secrets are shown once; they are stored hashed):',
    `    full       id ${full.clientId}  secret ${full.clientSecret}  scopes ${full.scopes.join(' ')}`,
    `    read-only  id ${readOnly.clientId}  secret ${readOnly.clientSecret}  scopes ${readOnly.scopes.join(' ')}`,
    `    monitoring id ${monitoring.clientId}  secret ${monitoring.clientSecret}  scopes ${monitoring.scopes.join(' ')}  (GET ${stack.gatewayUrl}/metrics)`,
    `    web        id ${stack.webClient.clientId}  secret ${stack.webClient.clientSecret}  (code flow, ES256 tokens, callback ${stack.webClient.callbackUrl})`,
    '',
    '  sign in as a person: open this URL in a browser',
    `    ${stack.loginUrl}`,
    `    user ${stack.user.username}  password ${stack.user.password}`,
    '  (the demo relying party at the callback exchanges the code, shows the decoded tokens and calls the gateway)',
    '',
    curlCommands(stack),
    '',
    'Press Ctrl-C to stop.'
  ].join('\n'))
  return stack
}
