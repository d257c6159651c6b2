// /account/security/two-factor: setting up two-factor codes (a new secret as a QR code and otpauth:// URI, turned on
// by the first code, which yields the recovery codes), new recovery codes, and turning it off; the last two need a
// current code or the password, checked under the login throttle, so a stolen session cannot quietly change them.
import { Hono, type Context } from 'hono';
import { checkWithThrottle } from '../accounts/login-throttle';
import { authenticateUser } from '../accounts/authenticate-user';
import { hasPassword } from '../accounts/password-hash';
import { totpKey } from '../accounts/totp';
import {
  confirmTotpEnrolment,
  enrolmentSecret,
  replaceRecoveryCodes,
  startTotpEnrolment,
  totpSecretBox,
  turnOffTwoFactor,
  verifyTotpCode,
} from '../accounts/two-factor';
import { SECURITY_PATH } from '../pages/account-security';
import { COPY } from '../pages/copy';
import { Layout } from '../pages/layout';
import {
  RecoveryCodesPage,
  TwoFactorSection,
  TwoFactorSetupPage,
  type TwoFactorState,
} from '../pages/security-two-factor';
import type { User } from '../storage/types';
import { epochSeconds } from '../tokens/access-token';
import { audit } from './audit';
import { clientAddress } from './client-address';
import type { AppEnv } from './context';
import { readForm } from './form';
import { csrfProtection, csrfToken } from './middleware/csrf';
import { htmlPage } from './middleware/html-page';
import { requireSession, sessionUser } from './middleware/require-session';

/** The two-factor section of the security page for this user. */
export async function twoFactorSection(c: Context<AppEnv>, user: User, error?: string) {
  return <TwoFactorSection state={await twoFactorState(c, user)} csrfToken={await csrfToken(c)} error={error} />;
}

export const twoFactorPages = new Hono<AppEnv>()
  .use(htmlPage(), csrfProtection(), requireSession(SECURITY_PATH))
  .post('/set-up', async (c) => {
    const user = await sessionUser(c);
    const box = totpSecretBox(c.get('config'));
    // Already on, off on this server, or no password to protect: the section says which.
    const secret =
      box && hasPassword(user) ? await startTotpEnrolment(c.get('stores'), box, user.id, epochSeconds()) : null;
    return secret ? renderSetup(c, user, secret) : c.redirect(SECURITY_PATH, 303);
  })
  .post('/confirm', async (c) => {
    const user = await sessionUser(c);
    const box = totpSecretBox(c.get('config'));
    if (!box) return c.redirect(SECURITY_PATH, 303);
    const stores = c.get('stores');
    const code = (await readForm(c)).get('code') ?? '';
    const recoveryCodes = await confirmTotpEnrolment(stores, box, user.id, code, epochSeconds());
    if (recoveryCodes) {
      audit(c, { type: 'two_factor_enabled', userId: user.id });
      return c.html(<RecoveryCodesPage codes={recoveryCodes} />);
    }
    const secret = await enrolmentSecret(stores, box, user.id);
    return secret ? renderSetup(c, user, secret, COPY.twoFactor.wrongFirstCode) : c.redirect(SECURITY_PATH, 303);
  })
  .post('/recovery-codes', async (c) => {
    const user = await sessionUser(c);
    const refusal = await confirmItIsThem(c, user);
    if (refusal) return refusal;
    const codes = await replaceRecoveryCodes(c.get('stores'), user.id, epochSeconds());
    audit(c, { type: 'recovery_codes_replaced', userId: user.id });
    return c.html(<RecoveryCodesPage codes={codes} />);
  })
  .post('/turn-off', async (c) => {
    const user = await sessionUser(c);
    const refusal = await confirmItIsThem(c, user);
    if (refusal) return refusal;
    await turnOffTwoFactor(c.get('stores'), user.id);
    audit(c, { type: 'two_factor_disabled', userId: user.id });
    return c.redirect(SECURITY_PATH, 303);
  });

async function twoFactorState(c: Context<AppEnv>, user: User): Promise<TwoFactorState> {
  const stores = c.get('stores');
  const credential = await stores.twoFactor.find(user.id);
  if (credential?.confirmedAt) {
    const recoveryCodesLeft = await stores.twoFactor.countRecoveryCodes(user.id);
    return { status: 'on', since: credential.confirmedAt, recoveryCodesLeft };
  }
  if (!totpSecretBox(c.get('config'))) return { status: 'unavailable' };
  return { status: hasPassword(user) ? 'off' : 'no-password' };
}

async function renderSetup(c: Context<AppEnv>, user: User, secret: Uint8Array, error?: string) {
  const key = totpKey(`${COPY.product} (${new URL(c.get('issuer')).hostname})`, user.username, secret);
  return c.html(
    <TwoFactorSetupPage keyUri={key.uri} base32Key={key.base32} csrfToken={await csrfToken(c)} error={error} />,
    error ? 400 : 200,
  );
}

/**
 * A current code or the password, under the login throttle; null when it checks out, else the page saying why.
 * A code is spent like at sign-in, so one seen over the user's shoulder cannot be used again.
 */
async function confirmItIsThem(c: Context<AppEnv>, user: User): Promise<Response | null> {
  const form = await readForm(c);
  const code = form.get('code')?.trim() ?? '';
  const password = form.get('password') ?? '';
  if (!code && !password) return renderManage(c, user, COPY.twoFactor.notConfirmed, 400);
  const stores = c.get('stores');
  const nowSeconds = epochSeconds();
  const checked = await checkWithThrottle(stores.loginThrottles, user, clientAddress(c), nowSeconds, async () => {
    const confirmed = code
      ? await verifyTotpCode(stores, totpSecretBox(c.get('config')), user.id, code, nowSeconds)
      : (await authenticateUser(stores, user.username, password)) !== null;
    return confirmed || null;
  });
  if (checked.outcome === 'passed') return null;
  if (checked.outcome === 'wrong-credentials') return renderManage(c, user, COPY.twoFactor.notConfirmed, 401);
  c.header('Retry-After', String(checked.retryAfterSeconds));
  const minutes = Math.max(1, Math.ceil(checked.retryAfterSeconds / 60));
  return renderManage(c, user, COPY.login.throttled(minutes), 429);
}

async function renderManage(c: Context<AppEnv>, user: User, error: string, status: 400 | 401 | 429) {
  return c.html(
    <Layout title={COPY.security.title}>
      {await twoFactorSection(c, user, error)}
      <p>
        <a href={SECURITY_PATH}>{COPY.twoFactor.backToSecurity}</a>
      </p>
    </Layout>,
    status,
  );
}
