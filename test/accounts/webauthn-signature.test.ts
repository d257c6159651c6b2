// The DER-to-r‖s conversion of ES256 assertion signatures (WebAuthn Level 3 §6.5.6, RFC 3279): short and
// sign-padded integers both land right-aligned in 32 bytes, and anything that is not one DER signature is refused.
import { describe, expect, it } from 'vitest';
import { p1363Of } from '../../src/accounts/webauthn-responses';

const integer = (bytes: number[]) => [0x02, bytes.length, ...bytes];
const sequence = (...parts: number[][]) => new Uint8Array([0x30, parts.flat().length, ...parts.flat()]);

describe('p1363Of', () => {
  it('right-aligns a short r and drops the sign byte of an s with its top bit set', () => {
    const r = Array.from({ length: 31 }, (_, i) => i + 1);
    const s = [0x00, 0x80, ...Array.from({ length: 31 }, () => 0xab)];
    const raw = p1363Of(sequence(integer(r), integer(s)));
    expect(raw).toHaveLength(64);
    expect([...raw.subarray(0, 32)]).toEqual([0, ...r]);
    expect([...raw.subarray(32)]).toEqual(s.slice(1));
  });

  it('refuses what is not exactly one DER signature of two P-256 integers', () => {
    const ok = integer(Array.from({ length: 32 }, () => 1));
    const refused = [
      new Uint8Array(),
      new Uint8Array([0x31, 2, 0x02, 0]),
      sequence(ok),
      sequence(ok, [0x04, 1, 1]),
      sequence(ok, integer(Array.from({ length: 33 }, () => 1))),
      new Uint8Array([...sequence(ok, ok), 0]),
      new Uint8Array([0x30, 6, 0x02, 9, 1, 0x02, 1, 1]),
    ];
    for (const der of refused) expect(() => p1363Of(der), String([...der])).toThrow();
  });
});
