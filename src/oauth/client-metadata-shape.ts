// The wire shape of RFC 7591 §2 client metadata: which members are read, their JSON types and size bounds, parsed
// with valibot into typed fields; an error names the member at fault (RFC 7591 §3.2.2). The rules between members
// are client-metadata.ts's.
import * as v from 'valibot';
import { SUPPORTED_AUTH_METHODS } from './client-auth';
import { OAuthError } from './errors';
import { uriCharacterProblem } from './redirect-uri';

// Bounds that keep one registration a small D1 row; the body limit alone would allow 64 KiB of metadata.
const MAX_LIST_ITEMS = 20;
const MAX_URI_CHARS = 2000;
const MAX_TEXT_CHARS = 200;

const text = (maxChars: number) =>
  v.pipe(
    v.string('must be a string'),
    v.minLength(1, 'must not be empty'),
    v.maxLength(maxChars, `must be at most ${maxChars} characters`),
  );
const list = <T extends v.GenericSchema>(item: T) =>
  v.pipe(v.array(item, 'must be an array'), v.maxLength(MAX_LIST_ITEMS, `must have at most ${MAX_LIST_ITEMS} entries`));
const httpsUrl = v.pipe(
  text(MAX_URI_CHARS),
  v.check((uri) => uriCharacterProblem(uri) === undefined, 'must not contain whitespace or control characters'),
  v.check(isHttpsUrl, 'must be an absolute https URL'),
);

// RFC 7591 §2: members the server does not understand are ignored (a loose object), and null means absent
// (RFC 7592 §2.2: omitted or null members of an update are deleted).
const MetadataShape = v.looseObject({
  client_name: v.nullish(text(MAX_TEXT_CHARS)),
  token_endpoint_auth_method: v.nullish(
    v.picklist(
      SUPPORTED_AUTH_METHODS,
      (issue) => `${String(issue.input)} is not supported; use ${SUPPORTED_AUTH_METHODS.join(', ')}`,
    ),
  ),
  grant_types: v.nullish(list(text(MAX_URI_CHARS))),
  response_types: v.nullish(list(text(MAX_TEXT_CHARS))),
  redirect_uris: v.nullish(list(text(MAX_URI_CHARS))),
  post_logout_redirect_uris: v.nullish(list(text(MAX_URI_CHARS))),
  allowed_origins: v.nullish(list(text(MAX_URI_CHARS))),
  scope: v.nullish(
    v.pipe(v.string('must be a string'), v.maxLength(MAX_URI_CHARS, `must be at most ${MAX_URI_CHARS} characters`)),
  ),
  client_uri: v.nullish(httpsUrl),
  logo_uri: v.nullish(httpsUrl),
  tos_uri: v.nullish(httpsUrl),
  policy_uri: v.nullish(httpsUrl),
  contacts: v.nullish(list(text(MAX_TEXT_CHARS))),
  software_id: v.nullish(text(MAX_TEXT_CHARS)),
  software_version: v.nullish(text(MAX_TEXT_CHARS)),
  id_token_signed_response_alg: v.nullish(text(MAX_TEXT_CHARS)),
  dpop_bound_access_tokens: v.nullish(v.boolean('must be a boolean')),
  userinfo_signed_response_alg: v.nullish(text(MAX_TEXT_CHARS)),
});
export type MetadataFields = v.InferOutput<typeof MetadataShape>;

/** RFC 7591 §3.1: the metadata is a JSON object; an array, a string or null is not. */
export function assertJsonObject(input: unknown): asserts input is Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new OAuthError('invalid_client_metadata', 'the client metadata must be a JSON object');
  }
}

/** The members of `input` with their types checked; a bad redirect URI is `invalid_redirect_uri`. */
export function parseFields(input: unknown): MetadataFields {
  assertJsonObject(input);
  const result = v.safeParse(MetadataShape, input, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = (issue.path ?? [])
    .map((item) => (typeof item.key === 'number' ? `[${item.key}]` : String(item.key)))
    .join('');
  const code = path.startsWith('redirect_uris') ? 'invalid_redirect_uri' : 'invalid_client_metadata';
  throw new OAuthError(code, `${path} ${issue.message}`);
}

function isHttpsUrl(value: string): boolean {
  return URL.canParse(value) && new URL(value).protocol === 'https:';
}
