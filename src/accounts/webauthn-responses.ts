// Verifying a browser's WebAuthn responses (Level 3 §7.1 registration, §7.2 authentication). @oslojs/webauthn parses
// the binary structures (client data, authenticator data, COSE keys); every check the specification asks of a relying
// party is made here, and signatures are verified by WebCrypto. Attestation statements are not verified: we ask for
// attestation conveyance `none` (§5.4.7: not interested in attestation) and trust no authenticator's make, so only
// the attestation object's authenticator data is read.
import { decodeCBORToNativeValue, decodeCBORToNativeValueNoLeftoverBytes } from '@oslojs/cbor';
import {
  COSEKeyType,
  COSEPublicKey,
  ClientDataType,
  coseAlgorithmEdDSA,
  coseAlgorithmES256,
  coseAlgorithmRS256,
  coseEllipticCurveEd25519,
  coseEllipticCurveP256,
  createAssertionSignatureMessage,
  parseAuthenticatorData,
  parseClientDataJSON,
} from '@oslojs/webauthn';
import { base64url } from 'jose';
import type { RelyingParty } from './webauthn-relying-party';

/** The public-key algorithms offered in pubKeyCredParams, in order of preference (§5.4 `pubKeyCredParams`). */
export const SUPPORTED_ALGORITHMS = [coseAlgorithmEdDSA, coseAlgorithmES256, coseAlgorithmRS256];

/** What a response is checked against: the ceremony's challenge test and this relying party. */
export interface Expected {
  challenge: (challenge: string) => Promise<boolean>;
  relyingParty: RelyingParty;
}

/** The response fields both ceremonies read, base64url as in PublicKeyCredential.toJSON (§5.1). */
interface ResponseJson {
  id: string;
  response: { clientDataJSON: string; attestationObject?: unknown; authenticatorData?: unknown; signature?: unknown };
}

export interface VerifiedRegistration {
  /** The credential id, base64url. */
  id: string;
  /** The credential's COSE public key as the authenticator encoded it. */
  publicKey: Uint8Array;
  counter: number;
  backupEligible: boolean;
  backedUp: boolean;
}

/** §6.1 flags BE and BS, which @oslojs/webauthn does not expose. */
const FLAG_BACKUP_ELIGIBLE = 0x08;
const FLAG_BACKED_UP = 0x10;
/** §7.1: credential ids longer than this are refused. */
const MAX_CREDENTIAL_ID_BYTES = 1023;

/** Verifies a new credential (§7.1, `none` attestation); throws on any failure. */
export async function verifyRegistrationResponse(
  json: ResponseJson,
  expected: Expected,
): Promise<VerifiedRegistration> {
  await verifyClientData(json, ClientDataType.Create, expected);
  const attestation = decodeCBORToNativeValueNoLeftoverBytes(bytesOf(json.response.attestationObject), 4);
  const rawAuthData = (attestation as { authData?: unknown } | null)?.authData;
  if (!(rawAuthData instanceof Uint8Array)) throw new Error('attestationObject has no authData');
  const authData = verifyAuthenticatorData(rawAuthData, expected.relyingParty);
  const credential = authData.credential;
  if (!credential) throw new Error('no attested credential data');
  if (credential.id.length > MAX_CREDENTIAL_ID_BYTES) throw new Error('credential id too long');
  const id = base64url.encode(credential.id);
  if (id !== json.id) throw new Error('the credential id is not the attested one');
  // The COSE key follows the 16-byte AAGUID, the 2-byte id length and the id (§6.5.2); stored as the authenticator
  // encoded it, once it is known to be a key of an algorithm we offered (§7.1) that WebCrypto imports.
  const keyStart = 37 + 16 + 2 + credential.id.length;
  const [, keyLength] = decodeCBORToNativeValue(rawAuthData.subarray(keyStart), 4);
  const publicKey = rawAuthData.slice(keyStart, keyStart + keyLength);
  await importCoseKey(publicKey);
  return {
    id,
    publicKey,
    counter: authData.signatureCounter,
    backupEligible: (rawAuthData[32]! & FLAG_BACKUP_ELIGIBLE) !== 0,
    backedUp: (rawAuthData[32]! & FLAG_BACKED_UP) !== 0,
  };
}

/**
 * Verifies an assertion by a stored credential (§7.2 steps 11–22); returns the new signature counter and backup
 * state. A counter that did not grow is refused unless both are 0 (step 22: the authenticator may be cloned).
 */
export async function verifyAuthenticationResponse(
  json: ResponseJson,
  expected: Expected & { publicKey: Uint8Array; counter: number },
): Promise<{ counter: number; backedUp: boolean }> {
  const clientDataJSON = await verifyClientData(json, ClientDataType.Get, expected);
  const rawAuthData = bytesOf(json.response.authenticatorData);
  const authData = verifyAuthenticatorData(rawAuthData, expected.relyingParty);
  const { key, algorithm } = await importCoseKey(expected.publicKey);
  const message = createAssertionSignatureMessage(rawAuthData, clientDataJSON);
  let signature: Uint8Array<ArrayBuffer> = bytesOf(json.response.signature);
  // §6.5.6: ES256 assertion signatures are DER (RFC 3279); WebCrypto verifies r‖s (IEEE P1363).
  if (algorithm.name === 'ECDSA') signature = p1363Of(signature);
  if (!(await crypto.subtle.verify(algorithm, key, signature, message))) throw new Error('bad signature'); // step 21
  const counter = authData.signatureCounter;
  if ((counter !== 0 || expected.counter !== 0) && counter <= expected.counter) {
    throw new Error('signature counter did not grow');
  }
  return { counter, backedUp: (rawAuthData[32]! & FLAG_BACKED_UP) !== 0 };
}

/** §7.1 steps 7–10, §7.2 steps 11–14: the client data's type, challenge and origin; returns its bytes. */
async function verifyClientData(json: ResponseJson, type: ClientDataType, expected: Expected): Promise<Uint8Array> {
  const bytes = bytesOf(json.response.clientDataJSON);
  const clientData = parseClientDataJSON(bytes);
  if (clientData.type !== type) throw new Error('wrong client data type');
  if (!(await expected.challenge(base64url.encode(clientData.challenge)))) throw new Error('wrong challenge');
  if (clientData.origin !== expected.relyingParty.origin) throw new Error('wrong origin');
  // Our pages are never framed (frame-ancestors 'none'), so a cross-origin ceremony is not ours.
  if (clientData.crossOrigin === true) throw new Error('cross-origin ceremony');
  return bytes;
}

/** §7.1 steps 13–15, §7.2 steps 15–17: the RP ID hash, user presence and user verification (always required). */
function verifyAuthenticatorData(bytes: Uint8Array, relyingParty: RelyingParty) {
  const authData = parseAuthenticatorData(bytes);
  if (!authData.verifyRelyingPartyIdHash(relyingParty.id)) throw new Error('wrong RP ID');
  if (!authData.userPresent) throw new Error('user not present');
  if (!authData.userVerified) throw new Error('user not verified');
  return authData;
}

type VerifyAlgorithm = Exclude<Parameters<SubtleCrypto['verify']>[0], string>;

/** A stored COSE key as a WebCrypto key, for the algorithms offered (ES256 on P-256, EdDSA on Ed25519, RS256). */
async function importCoseKey(cose: Uint8Array): Promise<{ key: CryptoKey; algorithm: VerifyAlgorithm }> {
  const decoded = decodeCBORToNativeValueNoLeftoverBytes(cose, 4);
  if (typeof decoded !== 'object' || decoded === null) throw new Error('the public key is not a COSE map');
  const coseKey = new COSEPublicKey(decoded);
  const algorithm = coseKey.algorithm();
  const type = coseKey.type();
  if (algorithm === coseAlgorithmES256 && type === COSEKeyType.EC2) return importEc2(coseKey);
  if (algorithm === coseAlgorithmEdDSA && type === COSEKeyType.OKP) {
    const { curve, x } = coseKey.okp();
    if (curve !== coseEllipticCurveEd25519) throw new Error('unsupported OKP curve');
    const key = await crypto.subtle.importKey('raw', x, { name: 'Ed25519' }, false, ['verify']);
    return { key, algorithm: { name: 'Ed25519' } };
  }
  if (algorithm === coseAlgorithmRS256 && type === COSEKeyType.RSA) {
    const { n, e } = coseKey.rsa();
    const jwk = { kty: 'RSA', n: base64urlOf(n), e: base64urlOf(e) };
    const imported = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const key = await crypto.subtle.importKey('jwk', jwk, imported, false, ['verify']);
    return { key, algorithm: imported };
  }
  throw new Error(`unsupported public key algorithm ${algorithm}`);
}

async function importEc2(coseKey: COSEPublicKey): Promise<{ key: CryptoKey; algorithm: VerifyAlgorithm }> {
  const { curve, x, y } = coseKey.ec2();
  if (curve !== coseEllipticCurveP256) throw new Error('unsupported EC2 curve');
  const jwk = { kty: 'EC', crv: 'P-256', x: base64urlOf(x, 32), y: base64urlOf(y, 32) };
  const key = await crypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  return { key, algorithm: { name: 'ECDSA', hash: 'SHA-256' } };
}

/** A big-endian unsigned integer as base64url, left-padded to `length` bytes (JWK coordinates are fixed-length). */
function base64urlOf(value: bigint, length = 0): string {
  const hex = value.toString(16);
  const padded = hex.padStart(Math.max(length * 2, hex.length + (hex.length % 2)), '0');
  return base64url.encode(Uint8Array.from(padded.match(/../g) ?? [], (pair) => Number.parseInt(pair, 16)));
}

/**
 * A DER ECDSA signature (RFC 3279 Ecdsa-Sig-Value: SEQUENCE of INTEGER r, INTEGER s) as P-256's r‖s, 32 bytes each.
 * Written here rather than imported: @oslojs/crypto's decoder brings a whole ASN.1 library (about 5 KiB gzip).
 * DER integers drop leading zero bytes and add one before a set top bit, so each is 1 to 33 bytes long.
 */
export function p1363Of(der: Uint8Array): Uint8Array<ArrayBuffer> {
  // A P-256 signature is at most 72 bytes, so every length is in DER's one-byte short form.
  if (der[0] !== 0x30 || der[1] !== der.length - 2) throw new Error('not a DER ECDSA signature');
  const raw = new Uint8Array(64);
  let offset = 2;
  for (const at of [0, 32]) {
    const length = der[offset + 1] ?? 0;
    if (der[offset] !== 0x02 || length < 1 || offset + 2 + length > der.length) throw new Error('bad DER integer');
    let value = der.subarray(offset + 2, offset + 2 + length);
    if (value.length === 33 && value[0] === 0) value = value.subarray(1);
    if (value.length > 32) throw new Error('DER integer too long for P-256');
    raw.set(value, at + 32 - value.length);
    offset += 2 + length;
  }
  if (offset !== der.length) throw new Error('bytes after the DER signature');
  return raw;
}

function bytesOf(value: unknown): Uint8Array<ArrayBuffer> {
  if (typeof value !== 'string') throw new Error('missing base64url field');
  return new Uint8Array(base64url.decode(value));
}
