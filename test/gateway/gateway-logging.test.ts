import t from 'tap'
import { credentialUrls, leakedLines, SECRETS } from '../helpers/credential-urls.js'
import { gatewayFixture } from '../helpers/gateway-fixture.js'

async function loggedGateway (t: Parameters<typeof gatewayFixture>[0]): Promise<{ lines: string[], s: Awaited<ReturnType<typeof gatewayFixture>> }> {
  const lines: string[] = []
  const s = await gatewayFixture(t, {}, {}, { logger: { level: 'trace', stream: { write: (line: string) => { lines.push(line) } } } })
  return { lines, s }
}

t.test('no credential a client puts in the URL reaches the gateway log, upstream URL included', async (t) => {
  const { lines, s } = await loggedGateway(t)
  const token = await s.token()
  const statuses: number[] = []
  for (const url of credentialUrls()) {
    for (const tk of [undefined, token]) statuses.push((await s.call('GET', url, tk)).status)
  }
  t.ok(statuses.includes(200), 'some requests were proxied')
  t.ok(statuses.some((status) => status >= 400 && status < 500), 'some were refused')
  t.ok(lines.length >= 20, `${lines.length} log lines captured`)
  t.same(leakedLines(lines), [], 'no log line holds any of the credentials')
  t.ok(lines.some((line) => line.includes('[REDACTED]')), 'the redacted URLs are logged')
  t.ok(SECRETS.some((secret) => s.upstream.received.some((r) => r.url.includes(secret))), 'the upstream still receives the query it was sent')
})

t.test('a logger instance of the caller\'s own gets the redacting serializers too', async (t) => {
  const { pino } = await import('pino')
  const lines: string[] = []
  const loggerInstance = pino({ level: 'trace' }, { write: (line: string) => { lines.push(line) } })
  const s = await gatewayFixture(t, {}, {}, { loggerInstance })
  const token = await s.token()
  for (const url of credentialUrls().filter((u) => u.startsWith('/transactions'))) {
    for (const tk of [undefined, token]) await s.call('GET', url, tk)
  }
  t.ok(lines.length >= 10, `${lines.length} log lines captured`)
  t.same(leakedLines(lines), [], 'no request line or upstream URL holds a credential')
  t.ok(lines.some((line) => line.includes('[REDACTED]')), 'the redacted URLs are logged')
})
