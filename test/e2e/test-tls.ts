// TLS for https servers the end-to-end tests run on a loopback origin: a certificate authority and a server
// certificate for localhost and 127.0.0.1, made at test time (node-forge: node:crypto cannot issue X.509) and valid
// for a day. workerd trusts the authority through NODE_EXTRA_CA_CERTS, which Miniflare reads when it is loaded
// (global-setup.ts sets it before any test process starts), so a Worker's fetch() verifies the server as usual.
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';

export interface LoopbackTls {
  /** PEM: the authority, the only one that vouches for `cert`. */
  ca: string;
  /** PEM: the server certificate, for localhost and 127.0.0.1. */
  cert: string;
  /** PEM (PKCS #8): the server certificate's key. */
  key: string;
}

const DAY_MS = 24 * 3600 * 1000;

function rsaKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKey: forge.pki.publicKeyFromPem(publicKey) };
}

function certificate(
  commonName: string,
  publicKey: forge.pki.PublicKey,
  issuer: forge.pki.CertificateField[],
  extensions: object[],
) {
  const cert = forge.pki.createCertificate();
  cert.publicKey = publicKey;
  cert.serialNumber = `01${forge.util.bytesToHex(forge.random.getBytesSync(8))}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + DAY_MS);
  cert.setSubject([{ name: 'commonName', value: commonName }]);
  cert.setIssuer(issuer);
  cert.setExtensions(extensions);
  return cert;
}

export function loopbackTls(): LoopbackTls {
  const authorityKeys = rsaKeyPair();
  const authorityName = [{ name: 'commonName', value: 'Portcullis test authority' }];
  const authority = certificate('Portcullis test authority', authorityKeys.publicKey, authorityName, [
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
  ]);
  const authorityPrivateKey = forge.pki.privateKeyFromPem(authorityKeys.privateKeyPem);
  authority.sign(authorityPrivateKey, forge.md.sha256.create());

  const serverKeys = rsaKeyPair();
  const server = certificate('localhost', serverKeys.publicKey, authorityName, [
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: [
        { type: 2, value: 'localhost' },
        { type: 7, ip: '127.0.0.1' },
      ],
    },
  ]);
  server.sign(authorityPrivateKey, forge.md.sha256.create());
  return {
    ca: forge.pki.certificateToPem(authority),
    cert: forge.pki.certificateToPem(server),
    key: serverKeys.privateKeyPem,
  };
}
