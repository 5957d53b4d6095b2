/**
 * The request headers a client may never send through the gateway, because an upstream could
 * take them as identity or as the method: the gateway's own identity headers, the well-known
 * identity headers other proxies set (oauth2-proxy, AWS ALB, nginx auth_request, Apache,
 * Kubernetes' front proxy), method overrides, and whatever the configuration adds.
 *
 * Names are compared lower-cased with `_` read as `-`: many servers (CGI, PHP, WSGI, nginx with
 * `underscores_in_headers`) fold `X_Forwarded_User` into the same variable as `X-Forwarded-User`.
 */

/** Well-known identity header names, stripped by default. */
export const WELL_KNOWN_IDENTITY_HEADERS: readonly string[] = Object.freeze([
  // oauth2-proxy --pass-user-headers / --pass-access-token
  'x-forwarded-user', 'x-forwarded-email', 'x-forwarded-preferred-username', 'x-forwarded-groups', 'x-forwarded-access-token',
  // oauth2-proxy request signing, and the names nginx auth_request examples forward
  'gap-auth', 'gap-signature', 'x-user', 'x-email',
  // Apache mod_auth_*, CGI REMOTE_USER, Kubernetes' authenticating front proxy
  'remote-user', 'x-remote-user', 'x-remote-group',
  // Kong (key-auth, jwt, oauth2 … plugins), Kong's and APISIX's OpenID Connect plugins
  'x-authenticated-userid', 'x-authenticated-scope', 'x-credential-identifier', 'x-credential-username', 'x-anonymous-consumer',
  'x-userinfo', 'x-id-token', 'x-access-token',
  // Google IAP, Cloudflare Access
  'x-goog-iap-jwt-assertion',
  // mTLS identity: Envoy and Istio (XFCC), nginx set-ups forwarding the client certificate
  'x-forwarded-client-cert', 'ssl-client-cert', 'ssl-client-verify', 'x-client-cert', 'x-client-verify', 'x-client-dn'
])

/** Well-known identity header prefixes, stripped by default. */
export const WELL_KNOWN_IDENTITY_PREFIXES: readonly string[] = Object.freeze([
  'x-auth-request-', // oauth2-proxy --set-xauthrequest
  'x-amzn-oidc-', // AWS Application Load Balancer (x-amzn-oidc-data, -identity, -accesstoken)
  'x-remote-extra-', // Kubernetes' front proxy
  'x-consumer-', // Kong (x-consumer-id, -username, -custom-id, -groups)
  'x-ms-client-principal', // Azure App Service authentication (-name, -id, -idp, and the bare name)
  'x-goog-authenticated-user-', // Google Identity-Aware Proxy
  'cf-access-', // Cloudflare Access (cf-access-authenticated-user-email, cf-access-jwt-assertion)
  'x-pomerium-', // Pomerium (x-pomerium-jwt-assertion, x-pomerium-claim-*)
  'x-ssl-client-' // nginx and HAProxy set-ups forwarding the client certificate (-verify, -dn, -cert)
])

/** Method overrides some frameworks honour; stripped so an authorised GET never becomes a DELETE. */
export const METHOD_OVERRIDE_HEADERS: readonly string[] = Object.freeze(['x-http-method-override', 'x-http-method', 'x-method-override'])

/**
 * Path overrides some frameworks and servers honour (Symfony and Zend before their fixes, IIS URL
 * Rewrite): stripped so the upstream never serves a path other than the one authorised.
 */
export const PATH_OVERRIDE_HEADERS: readonly string[] = Object.freeze(['x-original-url', 'x-rewrite-url'])

/**
 * Where the request came from, as proxies tell it. A client can write any of these, so they are
 * dropped and the gateway sets `X-Forwarded-For`, `-Proto` and `-Host` itself, from what it
 * determined (its `trustProxy` says which proxies in front of it to believe).
 */
export const FORWARDED_HEADERS: readonly string[] = Object.freeze([
  'forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'x-forwarded-prefix',
  // Rack and Spring read these before X-Forwarded-Proto to decide the request was HTTPS
  'x-forwarded-ssl', 'x-forwarded-scheme', 'x-url-scheme', 'front-end-https', 'x-forwarded-server',
  'x-real-ip', 'x-client-ip', 'true-client-ip', 'client-ip', 'x-cluster-client-ip', 'cf-connecting-ip', 'cf-connecting-ipv6', 'fastly-client-ip',
  'x-original-forwarded-for', 'x-envoy-external-address', 'x-envoy-internal'
])

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) that @fastify/reply-from leaves in place and a proxy must
 * not forward. The upstream client refuses `Keep-Alive`, `Upgrade` and `Expect` outright, so
 * forwarded they turned an authorised request into a 502 with a healthy upstream. `Expect:
 * 100-continue` is already answered by Node's server before the body is read.
 */
export const HOP_BY_HOP_HEADERS: readonly string[] = Object.freeze(['keep-alive', 'upgrade', 'expect', 'proxy-connection', 'te'])

/** A header name as servers that fold `_` into `-` and ignore case see it. */
export function canonicalHeaderName (name: string): string {
  return name.toLowerCase().replaceAll('_', '-')
}

/** A predicate telling whether a client-sent header name must be dropped. */
/** How many distinct header names a matcher remembers its answer for. */
export const DECISIONS_KEPT = 1024

export function strippedHeaderMatcher (names: Iterable<string>, prefixes: Iterable<string>): (name: string) => boolean {
  const exact = new Set([...names, ...WELL_KNOWN_IDENTITY_HEADERS, ...METHOD_OVERRIDE_HEADERS, ...PATH_OVERRIDE_HEADERS, ...HOP_BY_HOP_HEADERS, ...FORWARDED_HEADERS].map(canonicalHeaderName))
  const starts = [...prefixes, ...WELL_KNOWN_IDENTITY_PREFIXES].map(canonicalHeaderName)
  const decide = (name: string): boolean => {
    const canonical = canonicalHeaderName(name)
    if (exact.has(canonical)) return true
    for (const prefix of starts) if (canonical.startsWith(prefix)) return true
    return false
  }
  // Clients send the same few header names again and again: remember the answer for the first
  // DECISIONS_KEPT names seen, so a flood of made-up names cannot grow the memory.
  const decided = new Map<string, boolean>()
  return (name) => {
    let strip = decided.get(name)
    if (strip === undefined) {
      strip = decide(name)
      if (decided.size < DECISIONS_KEPT) decided.set(name, strip)
    }
    return strip
  }
}
