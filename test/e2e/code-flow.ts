// A public client's side of the code flow in the browser tests: pressing Allow on the consent page and landing at
// its callback, then redeeming the code with the PKCE verifier and verifying the ID Token against the issuer's JWKS,
// as a relying party would.
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/** Allows the request on the consent page; returns the query the browser arrives with at the client's callback. */
export async function allowAndLand(page: Page, callbackOrigin: string): Promise<URLSearchParams> {
  await Promise.all([
    page.waitForURL((address) => address.origin === callbackOrigin),
    page.getByRole('button', { name: 'Allow' }).click(),
  ]);
  return new URL(page.url()).searchParams;
}

/** Redeems a public client's code (RFC 7636 verifier) and returns the claims of its verified ID Token. */
export async function redeemForIdToken(exchange: {
  issuer: string;
  clientId: string;
  code: string;
  redirectUri: string;
  verifier: string;
}): Promise<JWTPayload> {
  const response = await fetch(`${exchange.issuer}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: exchange.clientId,
      code: exchange.code,
      redirect_uri: exchange.redirectUri,
      code_verifier: exchange.verifier,
    }),
  });
  expect(response.status).toBe(200);
  const { id_token: idToken } = (await response.json()) as { id_token: string };
  const keys = createRemoteJWKSet(new URL(`${exchange.issuer}/.well-known/jwks.json`));
  const { payload } = await jwtVerify(idToken, keys, { issuer: exchange.issuer, audience: exchange.clientId });
  return payload;
}
