import t from 'tap'
import { decodeCompactJws } from '../../src/verifier/compact-jws.js'
import { TokenMalformedError, TokenTooLargeError } from '../../src/verifier/errors.js'
import { throwsWith, type Asserts } from '../helpers/assert.js'
import { rawToken, segment } from '../helpers/keys.js'

const HEADER = { alg: 'RS256', kid: 'k1' }
const PAYLOAD = { sub: 'client-abc', exp: 1_800_003_600 }
const good = rawToken(HEADER, PAYLOAD, 'c2ln')

const malformed = (t: Asserts, token: string, label: string): TokenMalformedError =>
  throwsWith(t, () => decodeCompactJws(token, 8192), TokenMalformedError, 'ERR_TOKEN_MALFORMED', label)

/** The same segment with one unused low bit set in its last character. */
function withTrailingBit (seg: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const last = alphabet.indexOf(seg.slice(-1))
  return seg.slice(0, -1) + (alphabet[last + 1] as string)
}

t.test('decodes a well-formed compact JWS into its header and payload', async (t) => {
  const decoded = decodeCompactJws(good, 8192)
  t.same(decoded.header, HEADER)
  t.same(decoded.payload, PAYLOAD)
})

t.test('rejects a token over maxBytes before decoding any of it', async (t) => {
  const limit = good.length
  t.same(decodeCompactJws(good, limit).header, HEADER, 'exactly maxBytes is accepted')
  throwsWith(t, () => decodeCompactJws(good, limit - 1), TokenTooLargeError, 'ERR_TOKEN_TOO_LARGE', 'one byte over')
  // Garbage that would be malformed is reported as too large: the cap comes first.
  throwsWith(t, () => decodeCompactJws('!'.repeat(300), 256), TokenTooLargeError, 'ERR_TOKEN_TOO_LARGE', 'garbage over the cap')
  malformed(t, '!'.repeat(256), 'garbage at the cap is only malformed')
})

t.test('requires exactly three dot-separated segments', async (t) => {
  const [h, p, s] = good.split('.') as [string, string, string]
  for (const token of ['abc', `${h}.${p}`, `${h}.${p}.${s}.${s}`, `${h}.${p}.${s}.${s}.${s}`, `${h}${p}${s}`, '..', '...']) {
    malformed(t, token, JSON.stringify(token))
  }
})

t.test('rejects an empty segment, including the unsigned form of alg none', async (t) => {
  const [h, p, s] = good.split('.') as [string, string, string]
  malformed(t, `${h}.${p}.`, 'empty signature')
  malformed(t, `${h}..${s}`, 'empty payload')
  malformed(t, `.${p}.${s}`, 'empty header')
})

t.test('rejects padding, the base64 alphabet, whitespace and non-ASCII in any segment', async (t) => {
  const [h, p, s] = good.split('.') as [string, string, string]
  for (const bad of ['c2ln=', 'c2l+', 'c2l/', 'c2 ln', 'c2lé', 'c2ln\n']) {
    malformed(t, `${h}.${p}.${bad}`, `signature ${JSON.stringify(bad)}`)
    malformed(t, `${h}.${bad}.${s}`, `payload ${JSON.stringify(bad)}`)
    malformed(t, `${bad}.${p}.${s}`, `header ${JSON.stringify(bad)}`)
  }
})

t.test('rejects a segment whose length no base64url encoding has', async (t) => {
  const [h, p] = good.split('.') as [string, string, string]
  malformed(t, `${h}.${p}.c2lnA`, 'length 5')
  malformed(t, `${h}.${p}.A`, 'length 1')
})

t.test('rejects non-zero trailing bits, so one token has one spelling', async (t) => {
  // 'c2ln' (4n), 'c2k' (3 mod 4: 2 unused bits), 'cw' (2 mod 4: 4 unused bits)
  const [h, p] = good.split('.') as [string, string, string]
  t.same(decodeCompactJws(`${h}.${p}.c2k`, 8192).header, HEADER, 'canonical 3-mod-4 signature')
  t.same(decodeCompactJws(`${h}.${p}.cw`, 8192).header, HEADER, 'canonical 2-mod-4 signature')
  malformed(t, `${h}.${p}.c2l`, '"c2l": the last character carries a set unused bit')
  malformed(t, `${h}.${p}.cx`, '"cx": the last character carries a set unused bit')
  malformed(t, `${h}.${p}.${withTrailingBit('c2k')}`, 'signature with a trailing bit')
  // Header and payload too: pick JSON whose encoding leaves unused bits.
  const h2 = segment('{"alg":"RS256","kid":"k"}')
  const p2 = segment('{"sub":"abc"}')
  t.not(h2.length % 4, 0)
  t.not(p2.length % 4, 0)
  t.same(decodeCompactJws(`${h2}.${p2}.c2ln`, 8192).payload, { sub: 'abc' })
  malformed(t, `${withTrailingBit(h2)}.${p2}.c2ln`, 'header with a trailing bit')
  malformed(t, `${h2}.${withTrailingBit(p2)}.c2ln`, 'payload with a trailing bit')
})

t.test('judges the last character across the whole base64url alphabet', async (t) => {
  const [h, p] = good.split('.') as [string, string, string]
  // 2 unused bits (length 3 mod 4): the value must be a multiple of 4.
  for (const [last, ok] of [['A', true], ['B', false], ['g', true], ['h', false], ['0', true], ['1', false], ['8', true], ['-', false], ['_', false]] as const) {
    const token = `${h}.${p}.AA${last}`
    if (ok) t.same(decodeCompactJws(token, 8192).header, HEADER, `"${last}" is canonical`)
    else malformed(t, token, `"${last}" is not canonical`)
  }
  // 4 unused bits (length 2 mod 4): the value must be a multiple of 16.
  for (const [last, ok] of [['A', true], ['Q', true], ['g', true], ['w', true], ['R', false], ['0', false], ['-', false], ['_', false]] as const) {
    const token = `${h}.${p}.A${last}`
    if (ok) t.same(decodeCompactJws(token, 8192).header, HEADER, `"${last}" is canonical`)
    else malformed(t, token, `"${last}" is not canonical`)
  }
})

t.test('rejects a header or payload that is not JSON', async (t) => {
  malformed(t, rawToken(segment('{"alg":'), PAYLOAD), 'truncated header')
  malformed(t, rawToken(HEADER, segment('not json')), 'payload text')
  malformed(t, rawToken(HEADER, segment("{'sub':'a'}")), 'single quotes')
})

t.test('rejects invalid UTF-8 instead of replacing it', async (t) => {
  const bytes = (text: string, bad: number[]): Uint8Array => new Uint8Array([...Buffer.from(text), ...bad, ...Buffer.from('"}')])
  malformed(t, rawToken(segment(bytes('{"alg":"RS256","kid":"', [0xff])), PAYLOAD), 'header with 0xff')
  malformed(t, rawToken(HEADER, segment(bytes('{"sub":"', [0xc3]))), 'payload with a truncated sequence')
  malformed(t, rawToken(HEADER, segment(bytes('{"sub":"', [0xed, 0xa0, 0x80]))), 'payload with an encoded surrogate')
  t.same(decodeCompactJws(rawToken(HEADER, segment(bytes('{"sub":"', [0xc3, 0xa9]))), 8192).payload, { sub: 'é' }, 'valid UTF-8 passes')
})

t.test('requires the header and payload to be JSON objects', async (t) => {
  for (const value of [[], [HEADER], 'RS256', 42, null, true]) {
    const json = segment(JSON.stringify(value))
    const err = malformed(t, rawToken(json, PAYLOAD), `header ${JSON.stringify(value)}`)
    t.match(err.message, /header must be a JSON object/)
    malformed(t, rawToken(HEADER, json), `payload ${JSON.stringify(value)}`)
  }
})

t.test('rejects __proto__ members at any depth, however they are spelled', async (t) => {
  for (const json of [
    '{"sub":"a","__proto__":{"admin":true}}',
    '{"sub":"a","nested":{"__proto__":{"admin":true}}}',
    '{"sub":"a","list":[{"__proto__":{}}]}',
    '{"sub":"a","\\u005f_proto__":{"admin":true}}',
    '{"sub":"a","__proto__" :null}'
  ]) {
    malformed(t, rawToken(HEADER, segment(json)), `payload ${json}`)
    malformed(t, rawToken(segment(json), PAYLOAD), `header ${json}`)
  }
  t.equal(({} as Record<string, unknown>).admin, undefined, 'Object.prototype is untouched')
})

t.test('rejects constructor.prototype members but not a plain constructor claim', async (t) => {
  malformed(t, rawToken(HEADER, segment('{"sub":"a","constructor":{"prototype":{"admin":true}}}')), 'constructor.prototype')
  malformed(t, rawToken(HEADER, segment('{"sub":"a","x":{"constructor":{"prototype":{}}}}')), 'nested constructor.prototype')
  t.same(decodeCompactJws(rawToken(HEADER, segment('{"sub":"a","constructor":"x"}')), 8192).payload, { sub: 'a', constructor: 'x' })
})

t.test('rejects a UTF-8 byte-order mark before the header or payload JSON', async (t) => {
  const bom = (json: string): string => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]).toString('base64url')
  malformed(t, rawToken(bom(JSON.stringify(HEADER)), PAYLOAD), 'header after a BOM')
  malformed(t, rawToken(HEADER, bom(JSON.stringify(PAYLOAD))), 'payload after a BOM')
  t.same(decodeCompactJws(rawToken(HEADER, segment(Buffer.from(JSON.stringify({ sub: '\ufeff' })))), 8192).payload, { sub: '\ufeff' }, 'a U+FEFF inside a string is just a character')
})
