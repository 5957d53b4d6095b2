import t from 'tap'
import { memoryStore, type RateLimitStore, type StoreCount } from '../../src/gateway/rate-limit-stores.js'

// LocalStore answers at once: the callback has run before incr returns.
function count (store: RateLimitStore, key: string): StoreCount {
  let counted: StoreCount | null = null
  store.incr(key, (_err, result) => { counted = result }, 60_000, 10)
  if (counted === null) throw new Error('the in-memory store answered later')
  return counted
}

t.test('the in-memory store counts each key within its window, synchronously', async (t) => {
  const store = memoryStore(10)
  t.same([count(store, 'a').current, count(store, 'a').current, count(store, 'b').current], [1, 2, 1])
  t.ok(count(store, 'a').ttl <= 60_000)
})

t.test('the in-memory store forgets its least recently used key beyond the number it keeps', async (t) => {
  const store = memoryStore(2)
  count(store, 'a')
  count(store, 'a')
  count(store, 'b')
  count(store, 'c')
  t.equal(count(store, 'a').current, 1, 'a was pushed out and starts again')
  t.equal(count(store, 'c').current, 2)
})
