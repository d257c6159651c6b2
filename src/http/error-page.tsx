// Renders an OAuthError as an HTML error page for page routes (app.ts onError, when errorFormat is `html`).
import type { OAuthError } from '../oauth/errors';
import { COPY } from '../pages/copy';
import { ErrorPage } from '../pages/error';
import { NO_STORE_HEADERS } from './middleware/no-store';

export async function renderErrorPage(error: OAuthError): Promise<Response> {
  const title = COPY.errors.titles[error.status] ?? COPY.errors.fallbackTitle;
  const body = await (<ErrorPage title={title} message={error.description} />);
  return new Response(String(body), {
    status: error.status,
    headers: { 'Content-Type': 'text/html; charset=UTF-8', ...NO_STORE_HEADERS, ...error.headers },
  });
}
