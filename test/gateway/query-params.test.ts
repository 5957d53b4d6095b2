import t from 'tap'
import { queryParamFilter } from '../../src/gateway/query-params.js'

t.test('method overrides go in every spelling; other parameters stay exactly as sent', async (t) => {
  const filter = queryParamFilter(['Debug'])
  t.equal(filter('/t?a=%20x&_method=DELETE&%5Fmethod=PUT&_Method=PATCH&debug=1&b=1;_method=DELETE&X-HTTP-Method-Override=DELETE&c&&d='), 'a=%20x&c&&d=')
  t.equal(filter('/t'), '')
  t.equal(filter('/t?'), '')
  t.equal(filter('/t?_method=GET'), '')
})

t.test('method overrides go in the spellings PHP reads as _method too', async (t) => {
  const filter = queryParamFilter()
  for (const name of ['.method', '+_method', '%20_method', '_method[]', '_method[x]', '_method[', ' .method']) {
    t.equal(filter(`/t?a=1&${name}=DELETE&b=2`), 'a=1&b=2', name)
  }
  t.equal(filter('/t?x.method=1&method=2&a[_method]=3'), 'x.method=1&method=2&a[_method]=3', 'look-alikes stay')
})
