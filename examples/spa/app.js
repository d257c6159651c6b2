// The example single-page app: a public OAuth client of Portcullis in the browser, with oauth4webapi and no build
// step. Authorization code + PKCE (RFC 7636) with the token exchange made cross-origin (CORS), the ID Token and
// userinfo, calls to the sample API with the access token, refresh, revocation (RFC 7009) and RP-initiated logout.
// Every token is DPoP-bound (RFC 9449) to a non-extractable WebCrypto key kept in IndexedDB, so a copied token is
// useless without this browser's key. Tokens live in this page's memory only; the PKCE verifier, state and nonce in
// sessionStorage for the redirect.
import * as oauth from 'oauth4webapi';

const config = await (await fetch('/config.json')).json();
const issuer = new URL(config.issuer);
const client = { client_id: config.clientId };
const clientAuth = oauth.None();
const redirectUri = `${location.origin}/callback`;
// oauth4webapi refuses plain http; a local issuer on http://127.0.0.1 is the one exception this example makes.
const options = issuer.protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {};

const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, options));
let tokens;

/**
 * The DPoP key pair: generated once with `extractable: false`, so script can sign with it but never read the private
 * key, and stored in IndexedDB (which keeps a CryptoKey as it is) so it survives the redirect to the issuer.
 */
async function dpopKeyPair() {
  const db = await new Promise((resolve, reject) => {
    const opening = indexedDB.open('portcullis-spa', 1);
    opening.onupgradeneeded = () => opening.result.createObjectStore('keys');
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
  const inStore = (mode, operation) =>
    new Promise((resolve, reject) => {
      const request = operation(db.transaction('keys', mode).objectStore('keys'));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  let keyPair = await inStore('readonly', (store) => store.get('dpop'));
  if (!keyPair) {
    keyPair = await oauth.generateKeyPair('ES256', { extractable: false });
    await inStore('readwrite', (store) => store.put(keyPair, 'dpop'));
  }
  return keyPair;
}
const DPoP = oauth.DPoP(client, await dpopKeyPair());
const dpopOptions = { ...options, DPoP };

const $ = (id) => document.getElementById(id);
function log(line) {
  $('log').textContent += `${line}\n`;
}
function show(signedIn, status) {
  $('signed-in').hidden = !signedIn;
  $('signed-out').hidden = signedIn;
  $('status').textContent = status;
}

async function signIn() {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  sessionStorage.setItem('pending', JSON.stringify({ codeVerifier, state, nonce }));
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: redirectUri,
    scope: 'openid profile offline_access read write',
    state,
    nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    // RFC 9449 §10: the code is bound to this key too, so only this browser can redeem it.
    dpop_jkt: await DPoP.calculateThumbprint(),
  }).toString();
  location.assign(url);
}

async function completeSignIn() {
  const pending = JSON.parse(sessionStorage.getItem('pending') ?? 'null');
  sessionStorage.removeItem('pending');
  if (!pending) throw new Error('no sign-in is pending');
  const params = oauth.validateAuthResponse(as, client, new URL(location.href), pending.state);
  const response = await oauth.authorizationCodeGrantRequest(
    as,
    client,
    clientAuth,
    params,
    redirectUri,
    pending.codeVerifier,
    dpopOptions,
  );
  tokens = await oauth.processAuthorizationCodeResponse(as, client, response, {
    expectedNonce: pending.nonce,
    requireIdToken: true,
  });
  history.replaceState(null, '', '/');
  log(`signed in; token exchange answered ${tokens.token_type} token with scope "${tokens.scope}"`);
  const { sub } = oauth.getValidatedIdTokenClaims(tokens);
  const userinfo = await oauth.processUserInfoResponse(
    as,
    client,
    sub,
    await oauth.userInfoRequest(as, client, tokens.access_token, dpopOptions),
  );
  $('user').textContent = userinfo.preferred_username ?? userinfo.sub;
  show(true, 'Signed in');
  await listUnicorns();
}

async function api(method, path, body) {
  // `Authorization: DPoP` with a fresh proof of this key for this method and URL (RFC 9449 §7).
  const response = await oauth.protectedResourceRequest(
    tokens.access_token,
    method,
    new URL(`${config.api}${path}`),
    new Headers(body ? { 'Content-Type': 'application/json' } : {}),
    body ? JSON.stringify(body) : undefined,
    dpopOptions,
  );
  if (!response.ok) {
    // Readable cross-origin because the API exposes it (Access-Control-Expose-Headers: WWW-Authenticate).
    throw new Error(`${method} ${path}: ${response.status} ${response.headers.get('www-authenticate') ?? ''}`);
  }
  return response.json();
}

async function listUnicorns() {
  const { unicorns } = await api('GET', '/unicorns');
  $('unicorns').replaceChildren(
    ...unicorns.map((unicorn) => {
      const item = document.createElement('li');
      item.textContent = `${unicorn.name}, ${unicorn.age}`;
      return item;
    }),
  );
  log(`listed ${unicorns.length} unicorn(s)`);
}

async function addUnicorn(event) {
  event.preventDefault();
  const form = new FormData(event.target);
  const created = await api('POST', '/unicorns', { name: form.get('name'), age: Number(form.get('age')) });
  log(`created ${created.name}`);
  event.target.reset();
  await listUnicorns();
}

async function refresh() {
  const response = await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token, dpopOptions);
  tokens = { ...tokens, ...(await oauth.processRefreshTokenResponse(as, client, response)) };
  log('refreshed: new access and refresh tokens');
}

async function revoke() {
  // Revoking the refresh token ends its whole family at Portcullis: no new access token can follow.
  await oauth.processRevocationResponse(
    await oauth.revocationRequest(as, client, clientAuth, tokens.refresh_token, options),
  );
  log('revoked the refresh token');
}

function signOut() {
  const url = new URL(as.end_session_endpoint);
  url.search = new URLSearchParams({
    id_token_hint: tokens.id_token,
    post_logout_redirect_uri: `${location.origin}/`,
    state: 'signed-out',
  }).toString();
  location.assign(url);
}

/** Runs a button's action, logging its failure instead of losing it. */
function action(run) {
  return (event) =>
    run(event).catch((error) => {
      log(`error: ${error.message}${error.cause?.error ? ` (${error.cause.error})` : ''}`);
    });
}

$('sign-in').addEventListener('click', action(signIn));
$('new-unicorn').addEventListener('submit', action(addUnicorn));
$('refresh').addEventListener('click', action(refresh));
$('revoke').addEventListener('click', action(revoke));
$('sign-out').addEventListener(
  'click',
  action(async () => signOut()),
);

const here = new URL(location.href);
if (here.pathname === '/callback') {
  await action(completeSignIn)();
} else {
  if (here.searchParams.get('state') === 'signed-out') log('signed out at the issuer');
  show(false, 'Signed out');
}
