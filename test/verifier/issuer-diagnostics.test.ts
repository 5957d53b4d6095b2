import t from 'tap'
import { loggableIss, NearMisses } from '../../src/verifier/issuer-diagnostics.js'

t.test('makes an iss safe for a log line: control characters and separators escaped, 256 characters at most', async (t) => {
  t.equal(loggableIss('https://issuer.example.com/pool'), 'https://issuer.example.com/pool')
  t.equal(loggableIss('a\nb\r\u0000\u001b[31m\u2028\u0085\\'), 'a\\u000ab\\u000d\\u0000\\u001b[31m\\u2028\\u0085\\\\')
  const long = loggableIss(`https://x/${'a'.repeat(1000)}`)
  t.equal(long.length, 257)
  t.ok(long.endsWith('…'))
})

t.test('names the near miss of a trusted issuer: a trailing slash, letter case, http against https', async (t) => {
  const misses = new NearMisses()
  misses.add('https://issuer.example.com/pool')
  misses.add('https://tenant.auth0.com/')
  misses.add('http://127.0.0.1:9229/local')
  t.equal(misses.of('https://issuer.example.com/pool/'), 'a trailing slash')
  t.equal(misses.of('https://tenant.auth0.com'), 'a missing trailing slash')
  t.equal(misses.of('https://Issuer.Example.com/Pool'), 'letter case')
  t.equal(misses.of('http://issuer.example.com/pool'), 'http where https is expected')
  t.equal(misses.of('https://127.0.0.1:9229/local'), 'https where http is expected')
  t.equal(misses.of('https://other.example.com/pool'), undefined)
})
