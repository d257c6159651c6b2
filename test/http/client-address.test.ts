// clientAddress: the one reader of the client's address (CF-Connecting-IP only, never X-Forwarded-For), as the unit
// limits count by: an IPv4 address alone, an IPv6 one by its canonical /64.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { addressBlock, clientAddress } from '../../src/http/client-address';

describe('addressBlock', () => {
  it.each([
    ['198.51.100.7', '198.51.100.7'],
    ['2001:db8:aa:bb:1:2:3:4', '2001:db8:aa:bb::/64'],
    ['2001:0db8:00aa:00bb::1', '2001:db8:aa:bb::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['2001:DB8:AA:BB::', '2001:db8:aa:bb::/64'],
  ])('counts %s as %s', (address, expected) => {
    expect(addressBlock(address)).toBe(expected);
  });
});

describe('clientAddress', () => {
  const app = new Hono().get('/', (c) => c.text(String(clientAddress(c))));
  const addressOf = async (headers: Record<string, string>) => (await app.request('/', { headers })).text();

  it('reads CF-Connecting-IP and nothing else', async () => {
    expect(await addressOf({ 'CF-Connecting-IP': '198.51.100.7', 'X-Forwarded-For': '192.0.2.1' })).toBe(
      '198.51.100.7',
    );
    expect(await addressOf({ 'X-Forwarded-For': '192.0.2.1', 'X-Real-IP': '192.0.2.2' })).toBe('undefined');
  });

  it('answers an IPv6 client by its /64', async () => {
    expect(await addressOf({ 'CF-Connecting-IP': '2001:db8:aa:bb:1:2:3:4' })).toBe('2001:db8:aa:bb::/64');
  });
});
