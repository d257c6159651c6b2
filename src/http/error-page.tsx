// Renders an OAuthError as an HTML error page for page routes (app.ts onError, when errorFormat is `html`).
import type { OAuthError } from '../oauth/errors';
import { COPY } from '../pages/copy';
import { ErrorPage } from '../pages/error';
import { pageHeaders } from './middleware/html-page';
import { NO_STORE_HEADERS } from './middleware/no-store';

export async function renderErrorPage(error: OAuthError): Promise<Response> {
  const title = COPY.errors.titles[error.status] ?? COPY.errors.fallbackTitle;
  const body = await (<ErrorPage title={title} message={error.description} />);
  return new Response(String(body), {
    status: error.status,
    // The page headers here too: an error raised before htmlPage() ran (the body limit) is still a styled page.
    headers: { 'Content-Type': 'text/html; charset=UTF-8', ...NO_STORE_HEADERS, ...pageHeaders(), ...error.headers },
  });
}
