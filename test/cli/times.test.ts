import t from 'tap'
import { describeTimes, humanDuration } from '../../src/cli/times.js'

t.test('durations read in the largest unit that keeps them short', async (t) => {
  t.equal(humanDuration(0), '0 s')
  t.equal(humanDuration(-119), '119 s')
  t.equal(humanDuration(180), '3 min')
  t.equal(humanDuration(3599), '59 min')
  t.equal(humanDuration(-7260), '2 h')
  t.equal(humanDuration(172_799), '47 h')
  t.equal(humanDuration(172_800), '2 d')
})

t.test('each time claim reads as a sentence, in the future or in the past', async (t) => {
  const now = 1_800_000_000
  t.same(describeTimes({ exp: now + 180, nbf: now - 60, iat: now + 7200 }, now).map((x) => x.human), ['expires in 3 min', 'valid since 60 s ago', 'issued 2 h in the future'])
  t.same(describeTimes({ exp: now - 7200, nbf: now + 30, iat: now - 5 }, now).map((x) => x.human), ['expired 2 h ago', 'valid in 30 s', 'issued 5 s ago'])
})

t.test('claims that are no finite number are left to the time check', async (t) => {
  t.same(describeTimes({ exp: '1800000000', nbf: Number.NaN, iat: null }, 0), [])
  t.same(describeTimes(undefined, 0), [])
})
