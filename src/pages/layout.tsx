// The frame every page shares: document language and title, the stylesheet, a header, and the main landmark.
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { COPY } from './copy';
import { STYLESHEET_PATH } from './style';

/** The form field that carries the CSRF token (http/middleware/csrf.ts checks it). */
export const CSRF_FIELD = 'csrf_token';

export function Layout({ title, children }: { title: string; children?: Child }) {
  return (
    <>
      {raw('<!doctype html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${title} · ${COPY.product}`}</title>
          <link rel="stylesheet" href={STYLESHEET_PATH} />
        </head>
        <body>
          <header>{COPY.product}</header>
          <main>
            <h1>{title}</h1>
            {children}
          </main>
        </body>
      </html>
    </>
  );
}

export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={token} />;
}

/** A form-level error, announced by screen readers when the page loads with it. */
export function FormError({ message }: { message: string | undefined }) {
  return message ? (
    <p class="error" role="alert" id="form-error">
      {message}
    </p>
  ) : null;
}
