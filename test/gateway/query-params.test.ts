import t from 'tap'
import { queryParamFilter } from '../../src/gateway/query-params.js'

t.test('method overrides go in every spelling; other parameters stay exactly as sent', async (t) => {
  const filter = queryParamFilter(['Debug'])
  t.equal(filter('/t?a=%20x&_method=DELETE&%5Fmethod=PUT&_Method=PATCH&debug=1&b=1;_method=DELETE&X-HTTP-Method-Override=DELETE&c&&d='), 'a=%20x&c&&d=')
  t.equal(filter('/t'), '')
  t.equal(filter('/t?'), '')
  t.equal(filter('/t?_method=GET'), '')
})
