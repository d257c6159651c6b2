// The scripts of the passkey forms: @simplewebauthn/browser's bundle as served from /assets (public/assets, no build
// step) and the forms' own script (public/assets/passkeys.js). Both carry this response's CSP nonce.
export const WEBAUTHN_BROWSER_PATH = '/assets/simplewebauthn-browser.umd.min.js';
export const PASSKEYS_SCRIPT_PATH = '/assets/passkeys.js';

export function PasskeyScripts({ nonce }: { nonce: string }) {
  return (
    <>
      <script nonce={nonce} src={WEBAUTHN_BROWSER_PATH} defer />
      <script nonce={nonce} src={PASSKEYS_SCRIPT_PATH} defer />
    </>
  );
}
