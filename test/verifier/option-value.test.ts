import t from 'tap'
import { describe, describeList, hasUserinfo } from '../../src/verifier/option-value.js'

t.test('quotes a wrong string, cut at 40 characters, and names anything larger than a scalar', async (t) => {
  t.equal(describe('5000'), '"5000"', 'a string reads apart from a number')
  t.equal(describe(5000), '5000')
  t.equal(describe('x'.repeat(50)), `"${'x'.repeat(40)}…"`)
  t.equal(describe(['secret']), 'an array', 'an array is named, never printed')
  t.equal(describe({ password: 'secret' }), 'an object', 'so is an object')
  t.equal(describe(null), 'null')
  t.equal(describe(undefined), 'undefined')
  t.equal(describe(() => 'source'), 'a function', 'a function, never its source')
})

t.test('names the first wrong item of a list, or says the list is empty', async (t) => {
  const isWord = (item: unknown): boolean => typeof item === 'string' && /^\w+$/.test(item)
  t.equal(describeList(['ok', 'not ok', 7], isWord), '"not ok"')
  t.equal(describeList(['ok', 7], isWord), '7')
  t.equal(describeList([], isWord), 'an empty array')
  t.equal(describeList('not a list', isWord), '"not a list"')
})

t.test('a URL with a user name or password is told by its text, parsable or not', async (t) => {
  for (const url of ['https://svc:s3cret@idp.example.com/jwks.json\n', 'http://admin:pw@10.0.0.1:99999', 'https:\\\\u:p@h/', 'https://u@h']) t.equal(hasUserinfo(url), true, url)
  for (const url of ['https://idp.example.com/a@b', 'https://idp.example.com?x=a@b', 'https://idp.example.com#a@b', 'not a url', 7]) t.equal(hasUserinfo(url), false, String(url))
})
