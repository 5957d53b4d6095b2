import t from 'tap'
import { base64url } from 'jose'
import { acceptJwk, type Jwk } from '../../src/verifier/jwk.js'
import { checkingThreads, poolSlots, SignatureKey, threadpoolSize } from '../../src/verifier/signature.js'
import { makeKey, sign } from '../helpers/keys.js'

async function parts (alg: string): Promise<{ jwk: Jwk, signingInput: string, signature: Uint8Array }> {
  const key = await makeKey(alg)
  const token = await sign(key, { sub: 'client-abc' })
  const dot = token.lastIndexOf('.')
  return { jwk: acceptJwk(key.jwk) as Jwk, signingInput: token.slice(0, dot), signature: base64url.decode(token.slice(dot + 1)) }
}

t.test('imports each published key once, and remembers a key OpenSSL refuses', async (t) => {
  const { jwk } = await parts('ES256')
  t.equal(SignatureKey.of(jwk), SignatureKey.of(jwk), 'the same key object for the same JWK')
  const offCurve = { ...jwk, y: jwk.x }
  t.equal(SignatureKey.of(offCurve), null, 'a point off the curve does not import')
  t.equal(SignatureKey.of(offCurve), null, 'and is not retried')
})

t.test('verifies a genuine signature, again with the options it built the first time', async (t) => {
  const { jwk, signingInput, signature } = await parts('PS384')
  const key = SignatureKey.of(jwk) as SignatureKey
  t.equal(await key.verify('PS384', signingInput, signature), true)
  t.equal(await key.verify('PS384', signingInput, signature), true)
  t.equal(await key.verify('PS384', `${signingInput}x`, signature), false, 'another input')
})

t.test('rejects an ECDSA or EdDSA signature of the wrong length before OpenSSL sees it', async (t) => {
  for (const alg of ['ES256', 'ES384', 'ES512', 'EdDSA']) {
    const { jwk, signingInput, signature } = await parts(alg)
    const key = SignatureKey.of(jwk) as SignatureKey
    t.equal(await key.verify(alg as never, signingInput, signature), true, `${alg} genuine`)
    t.equal(await key.verify(alg as never, signingInput, signature.subarray(1)), false, `${alg} one byte short`)
    t.equal(await key.verify(alg as never, signingInput, Buffer.concat([signature, Buffer.alloc(1)])), false, `${alg} one byte long`)
  }
})

t.test('treats an error from OpenSSL as a bad signature, never a throw', async (t) => {
  const { jwk, signingInput, signature } = await parts('EdDSA')
  // Ed25519 takes no separate digest: OpenSSL refuses RS256's sha256 with an error.
  const key = SignatureKey.of(jwk) as SignatureKey
  t.equal(await key.verify('RS256', signingInput, signature), false)
  await new Promise((resolve) => setImmediate(resolve))
  const turn = [key.verifyShared('RS256', signingInput, signature), key.verifyShared('RS256', signingInput, signature)]
  t.ok(turn[1] instanceof Promise, 'the second of the turn waited for its end')
  t.same(await Promise.all(turn), [false, false], 'at once and at the end of the turn alike')
})

t.test('answers a check that node:crypto refuses at once with false, and still answers the rest of the turn', async (t) => {
  const crypto = await import('node:crypto')
  const refusing = {
    ...crypto,
    // The callback form throwing before it queues anything, as it does for arguments it cannot take.
    verify: (...args: unknown[]) => {
      if (typeof args.at(-1) === 'function' && args[1] instanceof Buffer && args[1].includes('refuse')) throw new TypeError('refused')
      return (crypto.verify as (...a: unknown[]) => unknown)(...args)
    }
  }
  const mocked = await t.mockImport<typeof import('../../src/verifier/signature.js')>('../../src/verifier/signature.js', { 'node:crypto': refusing })
  const { jwk, signingInput, signature } = await parts('RS256')
  const key = mocked.SignatureKey.of(jwk) as SignatureKey
  t.equal(await key.verify('RS256', `${signingInput}refuse`, signature), false)
  await new Promise((resolve) => setImmediate(resolve))
  const turn = [key.verifyShared('RS256', signingInput, signature), key.verifyShared('RS256', `${signingInput}refuse`, signature), key.verifyShared('RS256', signingInput, signature)]
  t.same(await Promise.all(turn), [true, false, true])
})

t.test('gives the same answers on the event loop as on the threadpool', async (t) => {
  for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA'] as const) {
    const { jwk, signingInput, signature } = await parts(alg)
    const key = SignatureKey.of(jwk) as SignatureKey
    for (const [label, input, sig] of [
      ['genuine', signingInput, signature],
      ['another input', `${signingInput}x`, signature],
      ['one byte short', signingInput, signature.subarray(1)]
    ] as const) {
      t.equal(key.verifySync(alg, input, sig), await key.verify(alg, input, sig), `${alg} ${label}`)
    }
  }
  const { jwk, signingInput, signature } = await parts('EdDSA')
  t.equal((SignatureKey.of(jwk) as SignatureKey).verifySync('RS256', signingInput, signature), false, "OpenSSL's error is a bad signature")
})

t.test('reads libuv\'s threadpool size as libuv does: UV_THREADPOOL_SIZE from 1 to 1024, else 4', async (t) => {
  t.equal(threadpoolSize({}), 4)
  for (const [value, size] of [['1', 1], ['8', 8], ['2000', 1024], ['0', 4], ['-2', 4], ['2.5', 4], ['many', 4], ['', 4]] as const) {
    t.equal(threadpoolSize({ UV_THREADPOOL_SIZE: value }), size, `UV_THREADPOOL_SIZE=${value}`)
  }
})

t.test('queues up to 64 checks per threadpool thread', async (t) => {
  t.equal(poolSlots(4), 256, 'libuv\'s default')
  t.equal(poolSlots(1), 64)
})

t.test('shares a turn\'s checks between the event loop and the pool threads that can run beside it', async (t) => {
  t.equal(checkingThreads(4, 2), 2, 'libuv\'s 4 threads on 2 cores: one pool thread runs beside the event loop')
  t.equal(checkingThreads(4, 4), 4)
  t.equal(checkingThreads(4, 5), 5)
  t.equal(checkingThreads(4, 64), 5, 'no more pool threads than the pool has')
  t.equal(checkingThreads(1, 8), 2)
  t.equal(checkingThreads(4, 1), 1, 'one core: the event loop checks them all')
  t.equal(checkingThreads(4, 0), 1)
})

const nextTurn = async (): Promise<void> => { await new Promise((resolve) => setImmediate(resolve)) }

t.test('sends a turn\'s checks to the pool but for the event loop\'s share, which it checks itself', async (t) => {
  const crypto = await import('node:crypto')
  const { jwk, signingInput, signature } = await parts('RS256')
  for (const cores of [2, 1, 8]) {
    const forms = { pool: 0, loop: 0 }
    const counting = {
      ...crypto,
      verify: (...args: unknown[]) => {
        forms[typeof args.at(-1) === 'function' ? 'pool' : 'loop']++
        return (crypto.verify as (...a: unknown[]) => unknown)(...args)
      }
    }
    const mocked = await t.mockImport<typeof import('../../src/verifier/signature.js')>('../../src/verifier/signature.js', { 'node:crypto': counting, 'node:os': { availableParallelism: () => cores } })
    const key = mocked.SignatureKey.of(jwk) as SignatureKey
    await nextTurn()
    t.equal(key.verifyShared('RS256', signingInput, signature), true, 'the first of the turn, with the pool idle, on the event loop')
    // Good and bad signatures alternate, so the pool's checks (the first) and the event loop's (the last) hold both.
    const turn = Array.from({ length: 12 }, (_, i) => key.verifyShared('RS256', i % 2 === 0 ? signingInput : `${signingInput}x`, signature))
    t.ok(turn.every((answer) => answer instanceof Promise), 'the rest wait for the end of the turn')
    t.same(await Promise.all(turn), turn.map((_, i) => i % 2 === 0))
    const kept = Math.ceil(12 / checkingThreads(threadpoolSize(), cores))
    t.same(forms, { pool: 12 - kept, loop: 1 + kept }, `${cores} core(s): ${kept} of the turn's 12 kept for the event loop`)
  }
})

t.test('checks the first token of a turn on the event loop while the pool is idle, the rest when the turn ends', async (t) => {
  const { jwk, signingInput, signature } = await parts('RS256')
  const key = SignatureKey.of(jwk) as SignatureKey
  await nextTurn()
  t.equal(key.verifyShared('RS256', signingInput, signature), true, 'one token at a time is answered at once')
  const second = key.verifyShared('RS256', signingInput, signature)
  t.ok(second instanceof Promise, 'a second in the same turn waits for its end')
  t.equal(await second, true)
  await nextTurn()
  t.equal(key.verifyShared('RS256', `${signingInput}x`, signature), false, 'a new turn with the pool idle: on the event loop again')
})

t.test('checks past the threadpool\'s slots on the event loop', async (t) => {
  const { jwk, signingInput, signature } = await parts('RS256')
  const key = SignatureKey.of(jwk) as SignatureKey
  const pooled = poolSlots(threadpoolSize())
  await nextTurn()
  const answers = Array.from({ length: pooled + 3 }, () => key.verifyShared('RS256', signingInput, signature))
  t.equal(answers[0], true, 'the first, with the pool idle, on the event loop')
  t.equal(answers.filter((a) => a instanceof Promise).length, pooled, 'the next ones take the pool\'s slots until the turn ends')
  t.same(answers.slice(pooled + 1), [true, true], 'the rest are answered at once, on the event loop')
  t.equal((await Promise.all(answers)).every((ok) => ok), true)
  await nextTurn()
  t.equal(key.verifyShared('RS256', `${signingInput}x`, signature), false, 'a bad signature on the event loop')
  const again = key.verifyShared('RS256', `${signingInput}x`, signature)
  t.ok(again instanceof Promise, 'once answered, the slots are free again')
  t.equal(await again, false, 'a bad signature at the end of the turn')
})
