/**
 * The issuer's URLs. Without an explicit `issuerUrl` they are built from the socket the server
 * really listens on, never from the request's Host header: an attacker chooses the Host header,
 * and a discovery document that echoed it would point clients at the attacker's token endpoint.
 */
import type { Server } from 'node:http'
import { IssuerNotListeningError } from '../errors.js'

/** Every URL the issuer advertises. */
export interface IssuerUrls {
  /** The `iss` of every token, e.g. `http://127.0.0.1:3000/local-1_AbCdEf123`. */
  readonly issuer: string
  readonly jwksUri: string
  readonly tokenEndpoint: string
  readonly discoveryUrl: string
  /** `GET /oauth2/authorize`, beside the token endpoint. */
  readonly authorizationEndpoint: string
  /** `GET`/`POST /oauth2/userInfo`. */
  readonly userInfoEndpoint: string
  /** `POST /oauth2/revoke` (RFC 7009). */
  readonly revocationEndpoint: string
  /** `GET /logout`, as Cognito's. */
  readonly logoutEndpoint: string
  /** The login page, `/login`, as Cognito's hosted UI. */
  readonly loginPage: string
}

const UNSPECIFIED = new Set(['0.0.0.0', '::'])

function fromIssuer (issuer: string, poolId: string): IssuerUrls {
  const base = issuer.slice(0, issuer.length - poolId.length - 1)
  return {
    issuer,
    jwksUri: `${issuer}/.well-known/jwks.json`,
    tokenEndpoint: `${base}/oauth2/token`,
    discoveryUrl: `${issuer}/.well-known/openid-configuration`,
    authorizationEndpoint: `${base}/oauth2/authorize`,
    userInfoEndpoint: `${base}/oauth2/userInfo`,
    revocationEndpoint: `${base}/oauth2/revoke`,
    logoutEndpoint: `${base}/logout`,
    loginPage: `${base}/login`
  }
}

/**
 * The URLs of an issuer serving `poolId` on `server`, or under `explicit` when given.
 *
 * @throws {IssuerNotListeningError} when there is no explicit URL and the server is not listening on TCP.
 */
export function issuerUrls (server: Server, poolId: string, explicit: URL | undefined): IssuerUrls {
  if (explicit !== undefined) return fromIssuer(explicit.href, poolId)
  const address = server.address()
  if (address === null || typeof address === 'string') throw new IssuerNotListeningError()
  const host = UNSPECIFIED.has(address.address)
    ? '127.0.0.1'
    : address.family === 'IPv6' ? `[${address.address}]` : address.address
  return fromIssuer(`http://${host}:${address.port}/${poolId}`, poolId)
}
