// The security page's passkeys: each with its name, when it was added and last used, and whether it is synced; a
// rename and a remove form for each; and the form that adds one (its script asks the authenticator).
import type { Passkey } from '../storage/types';
import { PASSKEY_NAME_MAX_LENGTH } from '../accounts/passkey-registration';
import { COPY } from './copy';
import { CsrfField } from './layout';
import { PasskeyScripts } from './passkey-script';
import { PasskeyStatus } from './passkey-sign-in';

export const PASSKEYS_PATH = '/account/security/passkeys';
export const PASSKEY_OPTIONS_PATH = `${PASSKEYS_PATH}/options`;

export interface SecurityPasskeysProps {
  passkeys: Passkey[];
  /** False where the issuer is reached by an IP address, which browsers refuse as an RP ID. */
  available: boolean;
  csrfToken: string;
  scriptNonce: string;
}

export function SecurityPasskeys({ passkeys, available, csrfToken, scriptNonce }: SecurityPasskeysProps) {
  const text = COPY.passkeys;
  return (
    <section aria-labelledby="passkeys-heading">
      <h2 id="passkeys-heading">{text.heading}</h2>
      <p class="hint">{text.intro}</p>
      {passkeys.length === 0 ? (
        <p>{text.none}</p>
      ) : (
        <ul class="items">
          {passkeys.map((passkey) => (
            <PasskeyItem passkey={passkey} csrfToken={csrfToken} />
          ))}
        </ul>
      )}
      {available ? (
        <form method="post" action={PASSKEYS_PATH} data-passkey="register" data-options={PASSKEY_OPTIONS_PATH}>
          <CsrfField token={csrfToken} />
          <input type="hidden" name="response" value="" />
          <label for="passkey-name">{text.name}</label>
          <input
            id="passkey-name"
            name="name"
            type="text"
            maxlength={PASSKEY_NAME_MAX_LENGTH}
            aria-describedby="passkey-name-hint"
          />
          <p class="hint" id="passkey-name-hint">
            {text.nameHint}
          </p>
          <button type="button" data-passkey-start hidden>
            {text.add}
          </button>
          <PasskeyStatus />
        </form>
      ) : (
        <p class="hint">{text.unavailable}</p>
      )}
      {available ? <PasskeyScripts nonce={scriptNonce} /> : null}
    </section>
  );
}

function PasskeyItem({ passkey, csrfToken }: { passkey: Passkey; csrfToken: string }) {
  const text = COPY.passkeys;
  const path = `${PASSKEYS_PATH}/${encodeURIComponent(passkey.id)}`;
  const nameId = `passkey-${passkey.id}-name`;
  return (
    <li>
      <strong>{passkey.name}</strong> · {passkey.backedUp ? text.synced : text.deviceBound}
      <br />
      {text.created} <DateOf seconds={passkey.createdAt} /> · {text.lastUsed}{' '}
      {passkey.lastUsedAt === null ? text.neverUsed : <DateOf seconds={passkey.lastUsedAt} />}
      <form method="post" action={`${path}/rename`}>
        <CsrfField token={csrfToken} />
        <label for={nameId}>{text.name}</label>
        <input id={nameId} name="name" type="text" value={passkey.name} required maxlength={PASSKEY_NAME_MAX_LENGTH} />
        <button type="submit" class="secondary">
          {text.rename}
        </button>
      </form>
      <form method="post" action={`${path}/delete`}>
        <CsrfField token={csrfToken} />
        <button type="submit" class="danger" aria-label={`${text.remove} ${passkey.name}`}>
          {text.remove}
        </button>
      </form>
    </li>
  );
}

function DateOf({ seconds }: { seconds: number }) {
  const date = new Date(seconds * 1000).toISOString();
  return <time datetime={date}>{date.slice(0, 10)}</time>;
}
