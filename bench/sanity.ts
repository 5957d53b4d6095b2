/**
 * Before a row is timed, its server must refuse a forged token: a verifier that let everything
 * through would look fast. The forgery is the bench token with one signature character changed.
 */
import { ROUTE } from './identity.js'

export function forge (token: string): string {
  const i = token.lastIndexOf('.') + 10
  const c = token[i] === 'A' ? 'B' : 'A'
  return token.slice(0, i) + c + token.slice(i + 1)
}

/** The status a forged token gets; a 2xx means the server under test verifies nothing. */
export async function forgedStatus (origin: string, token: string): Promise<number> {
  const res = await fetch(`${origin}${ROUTE}`, { headers: { authorization: `Bearer ${forge(token)}` } })
  await res.arrayBuffer()
  return res.status
}
