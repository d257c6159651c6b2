// A generic error page: a title and a client-safe message, for page routes and for authorization requests whose
// client or redirect URI cannot be trusted with a redirect (RFC 6749 §4.1.2.1).
import { Layout } from './layout';

export function ErrorPage({ title, message }: { title: string; message: string }) {
  return (
    <Layout title={title}>
      <p>{message}</p>
    </Layout>
  );
}
