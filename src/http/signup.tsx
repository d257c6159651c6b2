// GET/POST /signup: the sign-up form, and the same endpoint answering JSON for JSON requests
// ({"username","password","email"?} → 201 {"sub","username"}). The form signs the new user in; JSON does not.
import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import { PASSWORD_AMR } from '../oauth/authentication-context';
import { OAuthError } from '../oauth/errors';
import { enforceRateLimit } from '../oauth/rate-limit';
import { registerUser } from '../accounts/register-user';
import { COPY } from '../pages/copy';
import { SignupPage, type SignupPageProps } from '../pages/signup';
import { mailVerificationLink } from './account-mail';
import { clientAddress } from './client-address';
import { audit } from './audit';
import type { AppEnv } from './context';
import { readForm } from './form';
import { parseInput, readJsonObject } from './json';
import { csrfProtection, csrfToken } from './middleware/csrf';
import { htmlPage } from './middleware/html-page';
import { NO_STORE_HEADERS } from './middleware/no-store';
import { startSession } from './middleware/session';
import { isJsonRequest } from './media-type';
import { passkeySignIn } from './passkey-ceremony';
import { safeReturnTo } from './return-to';

const signupJson = v.object(
  {
    username: v.string(COPY.signup.malformedJson),
    password: v.string(COPY.signup.malformedJson),
    email: v.optional(v.nullable(v.string(COPY.signup.malformedJson))),
  },
  COPY.signup.malformedJson,
);

export const signupEndpoint = new Hono<AppEnv>()
  .use(htmlPage())
  .get('/', (c) => renderSignup(c, { returnTo: safeReturnTo(c.req.query('return_to')) }))
  // The JSON sign-up reads no cookie and starts no session, so a forged one rides on nothing; the form signs the new
  // user in, so it gets the CSRF check of every page form.
  .post('/', limitSignups, jsonSignUp, csrfProtection(), signUpWithForm);

async function jsonSignUp(c: Context<AppEnv>, next: () => Promise<void>) {
  if (!isJsonRequest(c)) return next();
  return signUpWithJson(c);
}

/** Per client address (http/client-address.ts), counted in D1 like registration (oauth/rate-limit.ts). */
export async function limitSignups(c: Context<AppEnv>, next: () => Promise<void>) {
  const address = clientAddress(c) ?? 'unknown';
  await enforceRateLimit(c.get('stores').rateLimits, `signup:ip:${address}`, c.get('config').signupRateLimit);
  await next();
}

async function signUpWithJson(c: Context<AppEnv>) {
  const input = parseInput(signupJson, await readJsonObject(c));
  const outcome = await registerUser(
    c.get('stores').users,
    { ...input, email: input.email ?? undefined },
    nowSeconds(),
  );
  if ('problem' in outcome) throw new OAuthError('invalid_request', COPY.signup.problems[outcome.problem]);
  audit(c, { type: 'signup', userId: outcome.user.id });
  if (outcome.user.email) await mailVerificationLink(c, outcome.user, outcome.user.email);
  return c.json({ sub: outcome.user.id, username: outcome.user.username }, 201, NO_STORE_HEADERS);
}

async function signUpWithForm(c: Context<AppEnv>) {
  const params = await readForm(c);
  const returnTo = safeReturnTo(params.get('return_to'));
  const input = {
    username: params.get('username') ?? '',
    password: params.get('password') ?? '',
    email: params.get('email'),
  };
  const outcome = await registerUser(c.get('stores').users, input, nowSeconds());
  if ('problem' in outcome) {
    return renderSignup(
      c,
      { returnTo, username: input.username, email: input.email, error: COPY.signup.problems[outcome.problem] },
      400,
    );
  }
  audit(c, { type: 'signup', userId: outcome.user.id });
  if (outcome.user.email) await mailVerificationLink(c, outcome.user, outcome.user.email);
  await startSession(c, outcome.user, PASSWORD_AMR);
  return c.redirect(returnTo, 303);
}

export async function renderSignup(
  c: Context<AppEnv>,
  props: Omit<SignupPageProps, 'csrfToken' | 'passkey'>,
  status: 200 | 400 = 200,
) {
  const token = await csrfToken(c);
  return c.html(<SignupPage {...props} csrfToken={token} passkey={passkeySignIn(c, token, props.returnTo)} />, status);
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
