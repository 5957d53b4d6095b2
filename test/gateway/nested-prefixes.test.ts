import t from 'tap'
import { lenientPath, nestedPrefixCheck } from '../../src/gateway/nested-prefixes.js'

t.test('a path is read as the most lenient upstream reads it', async (t) => {
  t.equal(lenientPath('/Transactions/ADMIN;jsessionid=1/%61b/x.%20/y. . '), '/transactions/admin/ab/x/y')
  t.equal(lenientPath('/a/%zz'), '/a/%zz', 'a malformed escape is left as it is')
})

t.test('a route with no prefix nested under it needs no check', async (t) => {
  t.equal(nestedPrefixCheck('/transactions', ['/transactions', '/accounts', '/transactionsX']), undefined)
  t.equal(nestedPrefixCheck('/transactions/admin', ['/transactions', '/transactions/admin']), undefined)
})

t.test('the outer route refuses what may reach a nested prefix, and only that', async (t) => {
  const reachesNested = nestedPrefixCheck('/transactions', ['/transactions', '/transactions/admin']) as (target: string) => boolean
  for (const target of ['/transactions/ADMIN', '/transactions/Admin/users?x=1', '/transactions/admin;x/users', '/transactions/%61dmin/users', '/transactions/admin./users', '/transactions/admin%09/users']) {
    t.equal(reachesNested(target), true, target)
  }
  for (const target of ['/transactions', '/transactions/42', '/transactions/administrators', '/transactions/42?next=/transactions/admin']) {
    t.equal(reachesNested(target), false, target)
  }
})
