// Constant-time equality: crypto.subtle.timingSafeEqual in Workers, and the XOR-fold fallback Node scripts get, both
// telling equal from different strings and bytes.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bytesEqual, stringsEqual } from '../../src/tokens/constant-time';

describe('constant-time equality', () => {
  afterEach(() => vi.restoreAllMocks());

  it('tells equal from different strings and byte arrays', () => {
    expect(stringsEqual('abc', 'abc')).toBe(true);
    expect(stringsEqual('abc', 'abd')).toBe(false);
    expect(stringsEqual('abc', 'abcd')).toBe(false);
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2]))).toBe(true);
  });

  it('uses crypto.subtle.timingSafeEqual in Workers', () => {
    const spy = vi.spyOn(crypto.subtle, 'timingSafeEqual');
    stringsEqual('secret', 'secret');
    expect(spy).toHaveBeenCalledOnce();
  });

  it('falls back to a full XOR fold where the runtime has no timingSafeEqual (Node scripts)', () => {
    const original = crypto.subtle.timingSafeEqual;
    Object.defineProperty(crypto.subtle, 'timingSafeEqual', { value: undefined, configurable: true });
    try {
      expect(stringsEqual('secret', 'secret')).toBe(true);
      expect(stringsEqual('secret', 'secreT')).toBe(false);
    } finally {
      Object.defineProperty(crypto.subtle, 'timingSafeEqual', { value: original, configurable: true });
    }
  });
});
