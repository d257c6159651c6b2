// Consent (RFC 6749 §4.1.1 step B, OIDC Core §3.1.2.4): what a user granted a client is remembered per user and
// client, so a later request for the same or fewer scopes skips the page; `prompt=consent` always shows it.
import type { ConsentGrant, ConsentStore } from '../storage/types';
import { consentScopes, type AuthorizationRequest } from './authorize-request';
import { OAuthError } from './errors';

export type ConsentDecision = 'allow' | 'deny';

/** Whether the user has to be asked: prompt=consent, or a scope they have not yet granted this client. */
export async function consentRequired(
  consents: Pick<ConsentStore, 'find'>,
  userId: string,
  request: AuthorizationRequest,
): Promise<boolean> {
  if (request.prompts.includes('consent')) return true;
  const granted = await consents.find(userId, request.client.id);
  return granted === null || !consentScopes(request).every((scope) => granted.scopes.includes(scope));
}

/**
 * The consent to remember when the user allows the request: the union with what was granted before, so allowing
 * fewer scopes takes nothing back. It is stored with the code it allows (issueAuthorizationCode), never alone.
 */
export async function consentToRecord(
  consents: Pick<ConsentStore, 'find'>,
  userId: string,
  request: AuthorizationRequest,
): Promise<ConsentGrant> {
  const earlier = await consents.find(userId, request.client.id);
  const scopes = [...new Set([...(earlier?.scopes ?? []), ...consentScopes(request)])];
  return { userId, clientId: request.client.id, scopes };
}

/** The decision field of the consent form; anything else is a malformed submission. */
export function parseConsentDecision(value: string | undefined): ConsentDecision {
  if (value === 'allow' || value === 'deny') return value;
  throw new OAuthError('invalid_request', 'decision must be allow or deny');
}

/** RFC 6749 §4.1.2.1: the user said no. Nothing is remembered, so the next request asks again. */
export function consentDenied(): OAuthError {
  return new OAuthError('access_denied', 'the user denied the request');
}
