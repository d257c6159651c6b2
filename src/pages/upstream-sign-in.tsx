// The login page's "Continue with <provider>" links, one per configured upstream OpenID provider. Links, not forms:
// the CSP form-action of the login page would refuse the redirect to the upstream, and starting a sign-in changes
// nothing until the upstream sends the browser back with this browser's state.
import { COPY } from './copy';

export function UpstreamSignIn({
  providers,
  returnTo,
}: {
  providers: ReadonlyArray<{ id: string; name: string }>;
  returnTo: string;
}) {
  if (providers.length === 0) return null;
  return (
    <nav aria-label={COPY.upstream.loginHeading} class="upstream-sign-in">
      <p>{COPY.upstream.loginHeading}</p>
      <ul class="items">
        {providers.map((provider) => (
          <li>
            <a class="button secondary" href={`/upstream/${provider.id}?return_to=${encodeURIComponent(returnTo)}`}>
              {COPY.upstream.continueWith(provider.name)}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
