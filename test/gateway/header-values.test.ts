import t from 'tap'
import { decodeIdentityList, decodeIdentityValue, encodeIdentityList, encodeIdentityValue } from '../../src/gateway/header-values.js'

t.test('visible ASCII passes except % and ,; everything else is percent-encoded as UTF-8', async (t) => {
  t.equal(encodeIdentityValue('transactions/get'), 'transactions/get')
  t.equal(encodeIdentityValue('a b,c%d\r\n\t\0é😀'), 'a%20b%2Cc%25d%0D%0A%09%00%C3%A9%F0%9F%98%80')
  t.equal(encodeIdentityValue('lone \ud800 and \udc00'), 'lone%20%EF%BF%BD%20and%20%EF%BF%BD', 'lone surrogates become U+FFFD, never an exception')
})

t.test('a list is its encoded items joined with commas, empty items left out', async (t) => {
  t.equal(encodeIdentityList(['a', 'x,y', '', 'b c']), 'a,x%2Cy,b%20c')
  t.equal(encodeIdentityList([]), '')
})

t.test('the decoders undo the encoding, for one value and for lists', async (t) => {
  const items = ['x,transactions/post', '100%', 'zoë', 'a b', '\r\n']
  t.same(decodeIdentityList(encodeIdentityList(items)), items)
  t.same(decodeIdentityList(' a , b ,,'), ['a', 'b'], 'optional whitespace and empty items are ignored')
  t.same(decodeIdentityList(['a,b', 'c']), ['a', 'b', 'c'], 'repeated headers join as one list')
  t.same(decodeIdentityList(undefined), [])
  t.equal(decodeIdentityValue(encodeIdentityValue('zoë, %41')), 'zoë, %41')
  t.equal(decodeIdentityValue(['a', 'b']), 'a,b')
  t.equal(decodeIdentityValue(undefined), undefined)
  t.throws(() => decodeIdentityList('%E0%A4%A'), URIError)
})
