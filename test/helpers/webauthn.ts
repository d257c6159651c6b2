// A software WebAuthn authenticator for the workers tests: a key pair per credential (ES256 unless told EdDSA or
// RS256), `none` attestation, and
// the registration and assertion responses a browser would post (WebAuthn Level 3 §6.1 authenticator data, §6.5.4
// attestation object, §5.8.1 client data), with every field the server checks open to being got wrong on purpose.
import { isoCBOR } from '@simplewebauthn/server/helpers';
import { base64url } from 'jose';
import { TEST_ISSUER } from './constants';

const FLAG_USER_PRESENT = 0x01;
const FLAG_USER_VERIFIED = 0x04;
const FLAG_BACKUP_ELIGIBLE = 0x08;
const FLAG_BACKED_UP = 0x10;
const FLAG_ATTESTED_CREDENTIAL = 0x40;

export interface ResponseOverrides {
  /** clientDataJSON.origin; default the test issuer's. */
  origin?: string;
  /** The challenge answered; default the one in the options. */
  challenge?: string;
  /** The RP ID whose hash starts the authenticator data; default the test issuer's host. */
  rpId?: string;
  /** The UV flag; default set. */
  userVerified?: boolean;
  /** The signature counter to report; default one more than the last. */
  counter?: number;
}

/** The COSE algorithms (§5.8.5) this authenticator can make keys for. */
export type Algorithm = 'ES256' | 'EdDSA' | 'RS256';

const KEY_PARAMS = {
  ES256: { name: 'ECDSA', namedCurve: 'P-256' },
  EdDSA: { name: 'Ed25519' },
  RS256: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
} as const;

const SIGN_PARAMS = {
  ES256: { name: 'ECDSA', hash: 'SHA-256' },
  EdDSA: { name: 'Ed25519' },
  RS256: { name: 'RSASSA-PKCS1-v1_5' },
} as const;

/** The credential public key as COSE_Key (RFC 9053 §7.1, RFC 8230 §4: EC2, OKP, RSA). */
function coseKeyOf(algorithm: Algorithm, jwk: JsonWebKey): Map<number, number | Uint8Array> {
  const bytes = (value: string | undefined): Uint8Array => base64url.decode(value!);
  const entries: Array<[number, number | Uint8Array]> =
    algorithm === 'EdDSA'
      ? [
          [1, 1],
          [3, -8],
          [-1, 6],
          [-2, bytes(jwk.x)],
        ]
      : algorithm === 'RS256'
        ? [
            [1, 3],
            [3, -257],
            [-1, bytes(jwk.n)],
            [-2, bytes(jwk.e)],
          ]
        : [
            [1, 2],
            [3, -7],
            [-1, 1],
            [-2, bytes(jwk.x)],
            [-3, bytes(jwk.y)],
          ];
  return new Map(entries);
}

interface Credential {
  id: Uint8Array;
  keys: CryptoKeyPair;
  userHandle: string;
  counter: number;
}

export class SoftwareAuthenticator {
  private readonly credentials: Credential[] = [];

  constructor(private readonly algorithm: Algorithm = 'ES256') {}

  /** The credential ids this authenticator holds, base64url. */
  get credentialIds(): string[] {
    return this.credentials.map((credential) => base64url.encode(credential.id));
  }

  /** Answers creation options (PublicKeyCredentialCreationOptionsJSON) with a new discoverable credential. */
  async register(options: { challenge: string; user: { id: string } }, overrides: ResponseOverrides = {}) {
    const keys = (await crypto.subtle.generateKey(KEY_PARAMS[this.algorithm], true, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
    const credential: Credential = {
      id: crypto.getRandomValues(new Uint8Array(32)),
      keys,
      userHandle: options.user.id,
      counter: 0,
    };
    this.credentials.push(credential);
    const jwk = (await crypto.subtle.exportKey('jwk', keys.publicKey)) as JsonWebKey;
    const coseKey = coseKeyOf(this.algorithm, jwk);
    const attested = concat(
      new Uint8Array(16),
      new Uint8Array([credential.id.length >> 8, credential.id.length & 0xff]),
      credential.id,
      isoCBOR.encode(coseKey as never),
    );
    const authData = await authenticatorData(overrides, FLAG_ATTESTED_CREDENTIAL, 0, attested);
    const attestationObject = isoCBOR.encode(
      new Map<string, unknown>([
        ['fmt', 'none'],
        ['attStmt', new Map()],
        ['authData', authData],
      ]) as never,
    );
    const id = base64url.encode(credential.id);
    return {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON: clientData('webauthn.create', options.challenge, overrides),
        attestationObject: base64url.encode(attestationObject),
        transports: ['internal'],
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }

  /** Answers request options with an assertion by the given credential (default the first). */
  async assert(options: { challenge: string }, overrides: ResponseOverrides & { credentialId?: string } = {}) {
    const credential = overrides.credentialId
      ? this.credentials.find((held) => base64url.encode(held.id) === overrides.credentialId)
      : this.credentials[0];
    if (!credential) throw new Error('the authenticator holds no such credential');
    credential.counter = overrides.counter ?? credential.counter + 1;
    const authData = await authenticatorData(overrides, 0, credential.counter);
    const clientDataJSON = clientData('webauthn.get', options.challenge, overrides);
    const signed = concat(authData, new Uint8Array(await sha256(base64url.decode(clientDataJSON))));
    const signature = new Uint8Array(
      await crypto.subtle.sign(SIGN_PARAMS[this.algorithm], credential.keys.privateKey, signed),
    );
    const id = base64url.encode(credential.id);
    return {
      id,
      rawId: id,
      type: 'public-key',
      response: {
        clientDataJSON,
        authenticatorData: base64url.encode(authData),
        // §6.5.6: only ECDSA signatures are DER-wrapped; EdDSA and RSASSA-PKCS1-v1_5 ones are sent as they are.
        signature: base64url.encode(this.algorithm === 'ES256' ? derSignature(signature) : signature),
        userHandle: credential.userHandle,
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'platform',
    };
  }
}

function clientData(type: string, challenge: string, overrides: ResponseOverrides): string {
  const origin = overrides.origin ?? new URL(TEST_ISSUER).origin;
  const json = JSON.stringify({ type, challenge: overrides.challenge ?? challenge, origin, crossOrigin: false });
  return base64url.encode(new TextEncoder().encode(json));
}

async function authenticatorData(
  overrides: ResponseOverrides,
  extraFlags: number,
  counter: number,
  attested = new Uint8Array(),
): Promise<Uint8Array> {
  const rpIdHash = new Uint8Array(
    await sha256(new TextEncoder().encode(overrides.rpId ?? new URL(TEST_ISSUER).hostname)),
  );
  const verified = overrides.userVerified === false ? 0 : FLAG_USER_VERIFIED;
  const flags = FLAG_USER_PRESENT | verified | FLAG_BACKUP_ELIGIBLE | FLAG_BACKED_UP | extraFlags;
  const count = new Uint8Array(4);
  new DataView(count.buffer).setUint32(0, counter);
  return concat(rpIdHash, new Uint8Array([flags]), count, attested);
}

/** WebCrypto signs ECDSA as r‖s (IEEE P1363); WebAuthn carries it DER-encoded (§6.5.6, RFC 3279 Ecdsa-Sig-Value). */
function derSignature(raw: Uint8Array): Uint8Array {
  const integer = (bytes: Uint8Array) => {
    let start = 0;
    while (start < bytes.length - 1 && bytes[start] === 0) start++;
    const trimmed = bytes.slice(start);
    const body = trimmed[0]! & 0x80 ? concat(new Uint8Array([0]), trimmed) : trimmed;
    return concat(new Uint8Array([0x02, body.length]), body);
  };
  const sequence = concat(integer(raw.slice(0, 32)), integer(raw.slice(32)));
  return concat(new Uint8Array([0x30, sequence.length]), sequence);
}

function sha256(data: Uint8Array): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-256', new Uint8Array(data));
}

function concat(...parts: Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((length, part) => length + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
