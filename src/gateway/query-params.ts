/**
 * Removing method-override parameters (`?_method=DELETE`) from the query string the upstream
 * sees: frameworks such as Rails, Laravel and Express's method-override read them, which would
 * let a request authorised as GET or POST run as DELETE behind the gateway.
 */

/** Query parameters removed by default, compared case-insensitively after decoding. */
export const METHOD_OVERRIDE_QUERY_PARAMS: readonly string[] = Object.freeze(['_method', 'x-http-method-override', 'x-http-method', 'x-method-override'])

/**
 * The names a parameter may be read as. PHP (Laravel, Symfony on PHP) drops leading spaces, turns
 * `.`, space and an unclosed `[` into `_`, and reads `name[...]` as `name`, so ` _method`,
 * `.method` and `_method[]` are all `_method` there.
 */
function spellings (name: string): string[] {
  const lower = name.toLowerCase().trimStart()
  return [lower, lower.replace(/[ .[]/g, '_'), lower.split('[')[0] as string]
}

/**
 * Builds the filter for @fastify/reply-from's `queryString` option: it takes the request target
 * (`/path?a=1&_method=DELETE`) and returns its query without the leading `?` and without the
 * removed parameters, the others exactly as the client sent them.
 *
 * @example
 * ```ts
 * queryParamFilter(['debug'])('/t?a=1&_method=DELETE&Debug=1') // 'a=1'
 * ```
 */
export function queryParamFilter (extra: readonly string[] = []): (target: string) => string {
  const removed = new Set([...METHOD_OVERRIDE_QUERY_PARAMS, ...extra].map((name) => name.toLowerCase()))
  return (target) => {
    const start = target.indexOf('?')
    if (start === -1) return ''
    const query = target.slice(start + 1)
    const kept: string[] = []
    for (const pair of query.split('&')) {
      // Some parsers also split on `;`, so a pair goes if any `;` part of it names a removed
      // parameter. URLSearchParams decodes each name (%5F, +) as the upstream's parser will.
      const names = pair.split(';').map((part) => new URLSearchParams(part).keys().next().value)
      if (!names.some((name) => name !== undefined && spellings(name).some((spelling) => removed.has(spelling)))) kept.push(pair)
    }
    return kept.join('&')
  }
}
