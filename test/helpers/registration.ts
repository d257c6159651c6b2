// Dynamic registration helpers: JSON requests to /oauth/register from a fresh client IP, so tests never share a
// rate-limit window or a registrant cap.
import { send, type RequestSender } from './http';

export type { RequestSender };

/** An IPv6 address in a random /64 (limits count an IPv6 client by its /64, http/client-address.ts). */
export function randomIp(): string {
  const [a = 0, b = 0, c = 0] = crypto.getRandomValues(new Uint16Array(3));
  return `2001:db8:${a.toString(16)}:${b.toString(16)}:${c.toString(16)}::1`;
}

/** Sends `body` as JSON (a string is sent as is) with the given method and headers. */
export async function sendJson(
  path: string,
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
  sender: RequestSender = send,
): Promise<Response> {
  return sender(path, {
    method,
    headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': randomIp(), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** POST /oauth/register; answers the parsed body along with the response. */
export async function register(metadata: unknown, headers: Record<string, string> = {}, sender: RequestSender = send) {
  const response = await sendJson('/oauth/register', 'POST', metadata, headers, sender);
  return { response, body: await response.json<Record<string, unknown>>() };
}

/** Registers a confidential client_credentials client and returns its credentials and registration token. */
export async function registerClientCredentialsClient(extra: Record<string, unknown> = {}) {
  const { response, body } = await register({ client_name: 'Machine', grant_types: ['client_credentials'], ...extra });
  if (response.status !== 201) throw new Error(`registration failed: ${JSON.stringify(body)}`);
  return {
    clientId: body.client_id as string,
    secret: body.client_secret as string,
    registrationAccessToken: body.registration_access_token as string,
    body,
  };
}

export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}
