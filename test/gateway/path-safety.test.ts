import t from 'tap'
import { unsafePathReason } from '../../src/gateway/path-safety.js'

t.test('clean paths pass', async (t) => {
  for (const p of ['/', '/transactions', '/transactions/', '/transactions/abc-123?x=%2e&y=1', '/a/b.json', '/a/.well-known', '/compare/v1..v2', '/a/b?next=/../c']) {
    t.equal(unsafePathReason(p), undefined, p)
  }
})

t.test('each trick is named', async (t) => {
  t.match(unsafePathReason('x'), /absolute path/)
  t.match(unsafePathReason('/a/\u00e9'), /printable ASCII/)
  t.match(unsafePathReason('/a\\b'), /backslash/)
  t.match(unsafePathReason('/a/%2E'), /encoded dot/)
  t.match(unsafePathReason('/a?b=\u00e9'), /query/)
  t.match(unsafePathReason('/a?b=%2500'), /NUL/)
  t.match(unsafePathReason('/a/..;x/b'), /dot segment/)
  t.match(unsafePathReason('/a//b'), /empty segment/)
  t.match(unsafePathReason('/a/b#/c'), /fragment/)
  t.match(unsafePathReason('/a/b?c=d#e'), /fragment/)
})

t.test('a segment that begins or ends with two dots is refused, with or without parameters', async (t) => {
  for (const p of ['/a/.../b', '/a/..b/c', '/a/b../c', '/a/b..', '/a/b;../c', '/a/b..;x/c']) {
    t.match(unsafePathReason(p), /begins or ends with two dots/, p)
  }
})
