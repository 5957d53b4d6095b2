import t from 'tap'
import { lenientPath, nestedPrefixCheck } from '../../src/gateway/nested-prefixes.js'

t.test('a path is read as the most lenient upstream reads it', async (t) => {
  t.equal(lenientPath('/Transactions/ADMIN;jsessionid=1/%61b/x.%20/y. . '), '/transactions/admin/ab/x/y')
  t.equal(lenientPath('/a/%zz'), '/a/%zz', 'a malformed escape is left as it is')
  t.equal(lenientPath('/a%zz%09/b%zz%20./c%zz%41'), '/a%zz/b%zz/c%zz%41', 'then encoded white space is trimmed as it stands')
  t.equal(lenientPath('/adm%C4%B1n/%C5%BFecret'), '/admin/secret', 'dotless i and long s fold as some platforms upper-case them')
  t.equal(lenientPath('/a/b/c/d', 2), '/a/b', 'only the segments asked for')
  const dots = '.'.repeat(100_000)
  t.equal(lenientPath(`/a${dots}b/c${dots}`), `/a${dots}b/c`, 'a long run of dots is read once (the trim is linear)')
})

t.test('a route with no prefix nested under it needs no check', async (t) => {
  t.equal(nestedPrefixCheck('/transactions', ['/transactions', '/accounts', '/transactionsX']), undefined)
  t.equal(nestedPrefixCheck('/transactions/admin', ['/transactions', '/transactions/admin']), undefined)
})

t.test('the outer route refuses what may reach a nested prefix, and only that', async (t) => {
  const reachesNested = nestedPrefixCheck('/transactions', ['/transactions', '/transactions/admin']) as (target: string) => boolean
  for (const target of ['/transactions/ADMIN', '/transactions/Admin/users?x=1', '/transactions/admin;x/users', '/transactions/%61dmin/users', '/transactions/admin./users', '/transactions/admin%09/users', '/transactions/adm%C4%B1n/users', '/transactions/admin%20.%20/users']) {
    t.equal(reachesNested(target), true, target)
  }
  for (const target of ['/transactions', '/transactions/42', '/transactions/administrators', '/transactions/42?next=/transactions/admin']) {
    t.equal(reachesNested(target), false, target)
  }
})
