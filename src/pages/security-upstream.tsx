// The linked-providers section of /account/security: each configured upstream OpenID provider, linked (with an
// unlink button, unless it is the account's only way to sign in) or not (with a link button).
import { COPY } from './copy';
import { CsrfField } from './layout';

export const UPSTREAM_SECURITY_PATH = '/account/security/upstream';

export interface LinkedProvider {
  id: string;
  name: string;
  /** When it was linked (epoch seconds), or null when it is not. */
  linkedAt: number | null;
  /** False when unlinking would leave the account no way to sign in. */
  canUnlink: boolean;
}

export function SecurityUpstream({ providers, csrfToken }: { providers: LinkedProvider[]; csrfToken: string }) {
  const text = COPY.upstream;
  return (
    <section aria-labelledby="upstream-heading">
      <h2 id="upstream-heading">{text.sectionTitle}</h2>
      <p class="hint">{text.sectionHint}</p>
      <ul class="items">
        {providers.map((provider) => (
          <li>
            <strong>{provider.name}</strong>{' '}
            {provider.linkedAt === null ? (
              <form method="post" action={`${UPSTREAM_SECURITY_PATH}/${provider.id}/link`}>
                <CsrfField token={csrfToken} />
                <button type="submit" class="secondary">
                  {text.link(provider.name)}
                </button>
              </form>
            ) : (
              <>
                {text.linkedSince(new Date(provider.linkedAt * 1000).toISOString().slice(0, 10))}
                {provider.canUnlink ? (
                  <form method="post" action={`${UPSTREAM_SECURITY_PATH}/${provider.id}/unlink`}>
                    <CsrfField token={csrfToken} />
                    <button type="submit" class="secondary">
                      {text.unlink(provider.name)}
                    </button>
                  </form>
                ) : (
                  <p class="hint">{text.onlySignInMethod}</p>
                )}
              </>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
