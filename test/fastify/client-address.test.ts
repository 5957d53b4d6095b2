import t from 'tap'
import type { FastifyRequest } from 'fastify'
import { clientAddress } from '../../src/fastify/client-address.js'

const from = (ip: string | undefined): FastifyRequest => ({ ip }) as unknown as FastifyRequest

t.test('an IPv4 client counts by its address, an IPv6 client by its /64', async (t) => {
  t.equal(clientAddress(from('203.0.113.7')), '203.0.113.7')
  t.equal(clientAddress(from('2001:db8:1:2:aa:bb:cc:dd')), clientAddress(from('2001:db8:1:2::1')), 'one /64, one key')
  t.not(clientAddress(from('2001:db8:1:2::1')), clientAddress(from('2001:db8:1:3::1')), 'another /64, another key')
  t.equal(clientAddress(from('::ffff:203.0.113.7')), '203.0.113.7', 'an IPv4-mapped address is its IPv4 address')
})

t.test('a client that has hung up has no address: one shared key, never a throw', async (t) => {
  t.equal(clientAddress(from(undefined)), 'unknown')
})
