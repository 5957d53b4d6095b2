// Requests that carry every credential-bearing parameter, in every spelling the redaction must
// catch, for the log-capture tests of the plugin, the gateway and the issuer.
export const SECRETS = Array.from({ length: 14 }, (_, i) => `SECRET${i}x`)

/** URLs under `prefix` (a protected path), plus a path nothing serves and the token endpoint. */
export function credentialUrls (prefix = '/transactions'): string[] {
  return [
    `${prefix}?access_token=${SECRETS[0]}`,
    `${prefix}?client_secret=${SECRETS[1]}&code=${SECRETS[2]}&code_verifier=${SECRETS[3]}&refresh_token=${SECRETS[4]}&password=${SECRETS[5]}`,
    `${prefix}?%63ode=${SECRETS[6]}&Client_Secret=${SECRETS[7]}&code[]=${SECRETS[8]}`,
    `${prefix}?code=${SECRETS[9]}&code=${SECRETS[10]}&x=%zz`,
    `/nowhere?code=${SECRETS[11]}&%ff=1`,
    `/oauth2/token?client_id=app&client_secret=${SECRETS[12]}`,
    `${prefix}?password=${SECRETS[13]}%`
  ]
}

/** The log lines that hold any of {@link SECRETS}. */
export function leakedLines (lines: readonly string[]): string[] {
  return lines.filter((line) => SECRETS.some((secret) => line.includes(secret)))
}
