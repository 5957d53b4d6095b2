import t from 'tap'
import { CODE_LIFETIME_MS, CodeStore, ExpiringMap, type CodeGrant } from '../../../src/issuer/flow/authorization-request.js'
import { manualClock } from '../../helpers/jwks-server.js'

const grant: CodeGrant = { clientId: 'c', redirectUri: 'https://a.example/cb', scopes: ['openid'], state: 's', nonce: undefined, codeChallenge: undefined, sub: 'u', username: 'jane', authTime: 1 }

t.test('a code is redeemed once; the second time is reported as a replay', async (t) => {
  const codes = new CodeStore(manualClock().now)
  const code = codes.issue(grant)
  t.match(code, /^[\w-]{43}$/, '256 random bits, base64url')
  const first = codes.redeem(code)
  t.same(first?.grant, grant)
  t.equal(first?.replayed, false)
  first!.outcome.familyId = 'f'
  const second = codes.redeem(code)
  t.equal(second?.replayed, true)
  t.equal(second?.outcome.familyId, 'f', 'the replay sees what the first use produced')
  t.equal(codes.redeem('unknown'), undefined)
})

t.test('a code lives 5 minutes', async (t) => {
  const clock = manualClock()
  const codes = new CodeStore(clock.now)
  const code = codes.issue(grant)
  t.equal(CODE_LIFETIME_MS, 300_000)
  clock.advance(CODE_LIFETIME_MS - 1)
  const late = codes.issue(grant)
  t.ok(codes.redeem(late))
  clock.advance(1)
  t.equal(codes.redeem(code), undefined, 'expired')
})

t.test('stays bounded: expired entries are swept, and the oldest goes when full', async (t) => {
  const clock = manualClock()
  const map = new ExpiringMap<number>(1000, clock.now, 2)
  const a = map.add(1)
  const b = map.add(2)
  const c = map.add(3)
  t.equal(map.get(a), undefined, 'the oldest made room')
  t.equal(map.get(b), 2)
  t.equal(map.get(c), 3)
  map.delete(b)
  t.equal(map.get(b), undefined)
  clock.advance(1000)
  const d = map.add(4)
  t.equal(map.get(c), undefined)
  t.equal(map.get(d), 4)
})

t.test('an owner holds at most its quota: past it, its own oldest entry goes, never another owner\'s', async (t) => {
  const map = new ExpiringMap<number>(1000, manualClock().now, 10, 2)
  const first = map.add(1, 'address-a')
  const other = map.add(2, 'address-b')
  const second = map.add(3, 'address-a')
  const third = map.add(4, 'address-a')
  t.equal(map.get(first), undefined, 'address-a\'s oldest made room')
  t.equal(map.get(other), 2, 'address-b\'s entry stays')
  t.same([map.get(second), map.get(third)], [3, 4])
  map.delete(second)
  const fourth = map.add(5, 'address-a')
  t.same([map.get(third), map.get(fourth)], [4, 5], 'a deleted entry no longer counts against its owner')
  map.delete(other)
  map.delete(other)
  t.equal(map.get(map.add(6, 'address-b')), 6, 'an owner whose entries are all gone starts afresh')
  t.equal(map.get(map.add(7)), 7, 'an entry without an owner counts against no one')
})
