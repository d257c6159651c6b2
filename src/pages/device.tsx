// The /device pages (RFC 8628 §3.3): enter the user code, then approve or deny the device's request with a warning
// against codes someone else sent (§5.4 remote phishing), then the outcome.
import { DecisionButtons, RequestedScopes } from './consent';
import { COPY } from './copy';
import { CsrfField, FormError, Layout } from './layout';

const text = COPY.device;

export const USER_CODE_FIELD = 'user_code';

export function DeviceCodePage({
  csrfToken,
  userCode,
  error,
}: {
  csrfToken: string;
  userCode: string;
  error?: string;
}) {
  return (
    <Layout title={text.title}>
      <FormError message={error} />
      <form method="post" action="/device">
        <CsrfField token={csrfToken} />
        <label for="user_code">{text.enterCode}</label>
        <input
          id="user_code"
          name={USER_CODE_FIELD}
          type="text"
          value={userCode}
          autocomplete="one-time-code"
          autocapitalize="characters"
          spellcheck={false}
          maxlength={32}
          required
          autofocus
          aria-describedby={error ? 'form-error' : undefined}
        />
        <button type="submit">{text.submit}</button>
      </form>
    </Layout>
  );
}

export interface DeviceConsentPageProps {
  csrfToken: string;
  clientName: string;
  username: string;
  /** As the user typed it; resubmitted and checked again with the decision. */
  userCode: string;
  scopes: readonly string[];
}

export function DeviceConsentPage(props: DeviceConsentPageProps) {
  return (
    <Layout title={text.consentTitle(props.clientName)}>
      <p>
        {COPY.consent.signedInAs} <strong>{props.username}</strong>.
      </p>
      <p>
        {text.codeIs}: <strong>{props.userCode}</strong>
      </p>
      <p class="warning" role="note">
        {text.warning}
      </p>
      <RequestedScopes clientName={props.clientName} scopes={props.scopes} />
      <form method="post" action="/device/consent">
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name={USER_CODE_FIELD} value={props.userCode} />
        <DecisionButtons />
      </form>
    </Layout>
  );
}

export function DeviceDonePage({ allowed }: { allowed: boolean }) {
  return (
    <Layout title={allowed ? text.allowedTitle : text.deniedTitle}>
      <p>{allowed ? text.allowed : text.denied}</p>
    </Layout>
  );
}
