// The page a mailed confirmation link opens: the address, and a button that confirms it (a POST, so a mail scanner
// that follows links does not use the link up).
import { COPY } from './copy';
import { CsrfField, Layout } from './layout';

export function EmailVerificationPage({
  csrfToken,
  token,
  email,
}: {
  csrfToken: string;
  token: string;
  email: string;
}) {
  return (
    <Layout title={COPY.email.verifyTitle}>
      <p>{COPY.email.verifyIntro(email)}</p>
      <form method="post" action="/email/verify">
        <CsrfField token={csrfToken} />
        <input type="hidden" name="token" value={token} />
        <button type="submit">{COPY.email.verifySubmit}</button>
      </form>
    </Layout>
  );
}
