// The two-factor pages of /account/security: its section (off: set it up; on: since when, recovery codes left, and a
// form confirming it is you to make new recovery codes or turn it off), the setup page with the key as a QR code and
// an otpauth:// URI, and the recovery codes, shown once.
import { COPY } from './copy';
import { CsrfField, FormError, Layout } from './layout';
import { QrCode } from './qr-code';
import { SECURITY_PATH } from './account-security';

export const TWO_FACTOR_PATH = `${SECURITY_PATH}/two-factor`;
export const TWO_FACTOR_ACTIONS = {
  setUp: `${TWO_FACTOR_PATH}/set-up`,
  confirm: `${TWO_FACTOR_PATH}/confirm`,
  replaceRecoveryCodes: `${TWO_FACTOR_PATH}/recovery-codes`,
  turnOff: `${TWO_FACTOR_PATH}/turn-off`,
} as const;

export type TwoFactorState =
  | { status: 'unavailable' | 'no-password' | 'off' }
  | { status: 'on'; since: number; recoveryCodesLeft: number };

export interface TwoFactorSectionProps {
  state: TwoFactorState;
  csrfToken: string;
  error?: string | undefined;
}

export function TwoFactorSection({ state, csrfToken, error }: TwoFactorSectionProps) {
  const text = COPY.twoFactor;
  return (
    <section aria-labelledby="two-factor-heading">
      <h2 id="two-factor-heading">{text.heading}</h2>
      {state.status === 'unavailable' ? <p>{text.unavailable}</p> : null}
      {state.status === 'no-password' ? <p>{text.noPassword}</p> : null}
      {state.status === 'off' ? (
        <>
          <p>{text.offIntro}</p>
          <form method="post" action={TWO_FACTOR_ACTIONS.setUp}>
            <CsrfField token={csrfToken} />
            <button type="submit">{text.setUp}</button>
          </form>
        </>
      ) : null}
      {state.status === 'on' ? <ManageTwoFactor state={state} csrfToken={csrfToken} error={error} /> : null}
    </section>
  );
}

function ManageTwoFactor({
  state,
  csrfToken,
  error,
}: {
  state: Extract<TwoFactorState, { status: 'on' }>;
  csrfToken: string;
  error: string | undefined;
}) {
  const text = COPY.twoFactor;
  const described = error ? 'form-error' : undefined;
  return (
    <>
      <p>{text.onSince(new Date(state.since * 1000).toISOString().slice(0, 10))}</p>
      <p>{text.recoveryCodesLeft(state.recoveryCodesLeft)}</p>
      <p class="hint">{text.manageIntro}</p>
      <FormError message={error} />
      <form method="post" action={TWO_FACTOR_ACTIONS.replaceRecoveryCodes}>
        <CsrfField token={csrfToken} />
        <label for="two-factor-code">{text.currentCode}</label>
        <input
          id="two-factor-code"
          name="code"
          type="text"
          inputmode="numeric"
          autocomplete="one-time-code"
          aria-describedby={described}
        />
        <label for="two-factor-password">{text.orPassword}</label>
        <input
          id="two-factor-password"
          name="password"
          type="password"
          autocomplete="current-password"
          aria-describedby={described}
        />
        <button type="submit" class="secondary">
          {text.replaceRecoveryCodes}
        </button>
        <button type="submit" class="danger" formaction={TWO_FACTOR_ACTIONS.turnOff}>
          {text.turnOff}
        </button>
      </form>
    </>
  );
}

export interface TwoFactorSetupPageProps {
  keyUri: string;
  /** The secret in base32, as authenticator apps take it typed in. */
  base32Key: string;
  csrfToken: string;
  error?: string | undefined;
}

export function TwoFactorSetupPage({ keyUri, base32Key, csrfToken, error }: TwoFactorSetupPageProps) {
  const text = COPY.twoFactor;
  return (
    <Layout title={text.setupTitle}>
      <p>{text.scan}</p>
      <QrCode text={keyUri} label={text.qrLabel} />
      <dl>
        <dt>{text.key}</dt>
        <dd>
          <code id="totp-key">{base32Key}</code>
        </dd>
        <dt>{text.keyUri}</dt>
        <dd>
          <code class="wrap">{keyUri}</code>
        </dd>
      </dl>
      <p>
        <a href={keyUri} id="totp-key-uri">
          {text.keyLink}
        </a>
      </p>
      <FormError message={error} />
      <form method="post" action={TWO_FACTOR_ACTIONS.confirm}>
        <CsrfField token={csrfToken} />
        <label for="first-code">{text.firstCode}</label>
        <input
          id="first-code"
          name="code"
          type="text"
          inputmode="numeric"
          autocomplete="one-time-code"
          required
          autofocus
          aria-describedby={error ? 'form-error' : undefined}
        />
        <button type="submit">{text.turnOn}</button>
      </form>
      <p>
        <a href={SECURITY_PATH}>{text.backToSecurity}</a>
      </p>
    </Layout>
  );
}

export function RecoveryCodesPage({ codes }: { codes: string[] }) {
  const text = COPY.twoFactor;
  return (
    <Layout title={text.recoveryTitle}>
      <p>{text.recoveryIntro}</p>
      <p class="warning">{text.recoveryWarning}</p>
      <ul class="items" id="recovery-codes">
        {codes.map((code) => (
          <li>
            <code>{code}</code>
          </li>
        ))}
      </ul>
      <p>
        <a href={SECURITY_PATH}>{text.backToSecurity}</a>
      </p>
    </Layout>
  );
}
