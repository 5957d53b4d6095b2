/**
 * The client address that per-address counts and quotas key on, shared by the gateway's refusal
 * limit and the issuer's login throttle and pending-login quota. An IPv6 client counts by its /64
 * (@fastify/rate-limit's `normalizeIP`), the block one host is given: otherwise each of its 2^64
 * addresses would count apart. A client that has hung up has no address any more (`request.ip`
 * is undefined); those share one key instead of throwing, which would answer a 500.
 */
import { normalizeIP } from '@fastify/rate-limit'
import type { FastifyRequest } from 'fastify'

/**
 * `request.ip` as a counting key.
 *
 * @example
 * ```ts
 * clientAddress(request) // '2001:db8:1:2::' for 2001:db8:1:2:aa:bb:cc:dd; 'unknown' after a hang-up
 * ```
 */
export function clientAddress (request: FastifyRequest): string {
  return request.ip === undefined ? 'unknown' : normalizeIP(request.ip)
}
