// fast-check arbitraries for hostile HTTP requests: methods real and invented, every path of the issuer and mutations
// of it, content types matching the body or not, bodies (form, JSON, multipart, binary, deeply nested, huge, unicode,
// NUL, invalid UTF-8), repeated parameters, and odd Authorization, Cookie and Origin headers.
import fc from 'fast-check';

/** The shape of a request an endpoint expects: the fuzzer fills it with good and hostile values. */
export interface RequestTemplate {
  method: string;
  path: string;
  /** Where the parameters go: the query, a form body or a JSON object body. */
  encoding: 'query' | 'form' | 'json';
  parameters: string[];
}

/** Values the fuzzer may use so that some requests get past client and user authentication. */
export interface FuzzDictionary {
  paths: string[];
  templates: RequestTemplate[];
  /** Parameter values that mean something to the server (client ids, secrets, tokens, URIs). */
  values: string[];
  authorizations: string[];
  cookies: string[];
}

/** Every parameter name the endpoints and pages read. */
const PARAMETER_NAMES = [
  'grant_type',
  'code',
  'redirect_uri',
  'code_verifier',
  'refresh_token',
  'scope',
  'resource',
  'client_id',
  'client_secret',
  'username',
  'password',
  'email',
  'token',
  'token_type_hint',
  'response_type',
  'response_mode',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
  'prompt',
  'max_age',
  'ui_locales',
  'id_token_hint',
  'login_hint',
  'post_logout_redirect_uri',
  'request',
  'request_uri',
  'csrf_token',
  'return_to',
  'decision',
  'authorization_request',
  'logout_request',
  'name',
  'type',
  'redirect_uris',
  'allowed_origins',
  'confirm',
  'grant_type.client_credentials',
  'scope.read',
  'client_name',
  'grant_types',
  'response_types',
  'token_endpoint_auth_method',
  'post_logout_redirect_uris',
  'id_token_signed_response_alg',
  'contacts',
  'color',
  'limit',
  'offset',
];

const SIMPLE_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
/** Other methods, as far as workerd lets a Request carry them (it knows a fixed list; the rest never arrive). */
const ODD_METHODS = [
  'get',
  'post',
  'Delete',
  'PROPFIND',
  'PROPPATCH',
  'MKCOL',
  'COPY',
  'MOVE',
  'LOCK',
  'UNLOCK',
  'REPORT',
  'SEARCH',
  'PURGE',
  'QUERY',
  'M-SEARCH',
  'NOTIFY',
  'SUBSCRIBE',
  'FOO',
].filter((method) => {
  try {
    new Request('https://issuer.test/', { method });
    return true;
  } catch {
    return false;
  }
});

const CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=UTF-8',
  'application/x-www-form-urlencoded; charset=ISO-8859-1',
  'APPLICATION/X-WWW-FORM-URLENCODED',
  'application/json',
  'application/json; charset=utf-8',
  'application/jwt',
  'application/merge-patch+json',
  'multipart/form-data; boundary=fuzz',
  'multipart/form-data',
  'text/plain',
  'text/html',
  'application/octet-stream',
  'application/xml',
  '*/*',
  ';',
  'application/json, application/x-www-form-urlencoded',
];

const SQL_AND_FRIENDS = [
  "' OR 1=1 --",
  '"; DROP TABLE users; --',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
  '\x24{7*7}', // a template-injection probe, ${7*7}
  '%00',
  '\u0000',
  '\r\nSet-Cookie: evil=1',
  'ｃ"\\',
  '\ud800',
  '🦄'.repeat(20),
  'a'.repeat(5000),
  '',
  ' ',
  'null',
  'undefined',
  '[]',
  '{}',
  '-1',
  '1e309',
  'NaN',
];

/** A string a header may carry (Latin-1, no CR, LF or NUL), or the Headers constructor refuses it. */
function headerSafe(value: string): string {
  return value.replace(/[\r\n\0]|[^\u0000-\u00ff]/g, '?');
}

/** encodeURIComponent for any string: a lone surrogate, which it refuses, becomes U+FFFD as a URL parser makes it. */
function encodeSegment(text: string): string {
  return encodeURIComponent(
    text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'),
  );
}

function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.constantFrom(...SQL_AND_FRIENDS) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
);

function parameterValue(dictionary: FuzzDictionary) {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...dictionary.values) },
    { weight: 3, arbitrary: hostileString },
  );
}

function parameters(dictionary: FuzzDictionary) {
  const name = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...PARAMETER_NAMES) },
    { weight: 1, arbitrary: hostileString },
  );
  // A list, so names repeat (RFC 6749 §3.1: parameters must not be included more than once).
  return fc.array(fc.tuple(name, parameterValue(dictionary)), { maxLength: 12 });
}

function formEncode(pairs: Array<[string, string]>): string {
  return new URLSearchParams(pairs).toString();
}

function nestedJson(depth: number): string {
  return `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`;
}

function multipart(pairs: Array<[string, string]>): string {
  const parts = pairs.map(
    ([name, value]) => `--fuzz\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return `${parts.join('')}--fuzz--\r\n`;
}

function body(dictionary: FuzzDictionary): fc.Arbitrary<Uint8Array | string> {
  const pairs = parameters(dictionary);
  return fc.oneof(
    { weight: 6, arbitrary: pairs.map(formEncode) },
    { weight: 3, arbitrary: pairs.map((list) => JSON.stringify(Object.fromEntries(list))) },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
    { weight: 1, arbitrary: pairs.map(multipart) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 256 }) },
    // Invalid UTF-8, raw and percent-encoded, and NUL bytes.
    { weight: 1, arbitrary: fc.constantFrom('grant_type=%FF%FE', 'username=%C3%28', 'a=%00%00', '{"a":"\u0000"}') },
    { weight: 1, arbitrary: fc.constant(new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d])) },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map(nestedJson) },
    // Around the 64 KiB body limit, and past it.
    { weight: 1, arbitrary: fc.integer({ min: 60_000, max: 70_000 }).map((size) => `a=${'x'.repeat(size)}`) },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
  );
}

const PATH_MUTATIONS: Array<(path: string, extra: string) => string> = [
  (path) => path,
  (path) => path,
  (path) => path,
  (path) => `${path}/`,
  (path) => `${path}//`,
  (path) => path.replaceAll('/', '//'),
  (path) => `${path}/..`,
  (path) => `${path}/%2e%2e/%2e%2e/etc/passwd`,
  (path) => `${path}%00`,
  (path) => `${path};jsessionid=1`,
  (path) => path.toUpperCase(),
  (path, extra) => `${path}/${encodeSegment(extra)}`,
  (path, extra) => `/${encodeSegment(extra)}${path}`,
  (path) => `${path}/${'a'.repeat(3000)}`,
  (path) => `${path}%2F`,
  (path) => `${path}\\..\\`,
];

function path(dictionary: FuzzDictionary) {
  return fc
    .tuple(
      fc.constantFrom(...dictionary.paths),
      fc.integer({ min: 0, max: PATH_MUTATIONS.length - 1 }),
      hostileString,
      fc.option(parameters(dictionary), { freq: 2 }),
    )
    .map(([base, mutation, extra, query]) => {
      const mutated = PATH_MUTATIONS[mutation]!(base, extra);
      return query === null ? mutated : `${mutated}?${formEncode(query)}`;
    });
}

function method() {
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...SIMPLE_METHODS) },
    { weight: 1, arbitrary: fc.constantFrom(...ODD_METHODS) },
  );
}

function headers(dictionary: FuzzDictionary) {
  const authorization = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...dictionary.authorizations) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((s) => `Basic ${btoa(headerSafe(s))}`) },
    { weight: 1, arbitrary: fc.string({ maxLength: 60 }).map((s) => `Bearer ${headerSafe(s)}`) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('Basic', 'Bearer', 'Basic !!!', 'Basic Og==', 'DPoP x', 'Bearer a b c', 'basic'),
    },
    { weight: 1, arbitrary: fc.integer({ min: 1000, max: 12_000 }).map((size) => `Bearer ${'A'.repeat(size)}`) },
  );
  const cookie = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...dictionary.cookies) },
    { weight: 1, arbitrary: fc.string({ maxLength: 80 }).map(headerSafe) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('=;=;==', '__Host-portcullis_session=', 'a=b; a=c; a=d', `x=${'y'.repeat(8000)}`),
    },
  );
  const origin = fc.oneof(
    fc.constantFrom('https://issuer.test', 'null', 'https://evil.example', 'https://issuer.test.evil.example', ''),
    fc.string({ maxLength: 40 }).map(headerSafe),
  );
  const contentType = fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map(headerSafe) },
  );
  return fc
    .record(
      {
        authorization,
        cookie,
        origin,
        'content-type': contentType,
        'sec-fetch-site': fc.constantFrom('same-origin', 'cross-site', 'none', 'garbage'),
        'cf-connecting-ip': fc.oneof(fc.ipV4(), fc.ipV6(), fc.string({ maxLength: 20 }).map(headerSafe)),
        accept: fc.constantFrom('text/html', 'application/json', '*/*', 'garbage/'),
      },
      { requiredKeys: [] },
    )
    .map((record) => Object.entries(record) as Array<[string, string]>);
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Array<[string, string]>;
  body: Uint8Array | string | null;
}

const CONTENT_TYPE_OF = { form: 'application/x-www-form-urlencoded', json: 'application/json' } as const;

/** A request shaped like one an endpoint expects, each parameter good, hostile, absent or repeated. */
function templatedRequest(dictionary: FuzzDictionary): fc.Arbitrary<FuzzRequest> {
  const value = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...dictionary.values) },
    { weight: 3, arbitrary: hostileString },
  );
  const jsonValue = fc.oneof({ weight: 6, arbitrary: value }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) });
  return fc
    .constantFrom(...dictionary.templates)
    .chain((template) =>
      fc.record({
        template: fc.constant(template),
        values: fc.tuple(...template.parameters.map(() => fc.option(jsonValue, { freq: 8 }))),
        repeated: fc.option(fc.integer({ min: 0, max: template.parameters.length - 1 }), { freq: 4 }),
        headers: headers(dictionary),
        matchingContentType: fc.boolean(),
      }),
    )
    .map(({ template, values, repeated, headers: odd, matchingContentType }) => {
      const pairs = template.parameters.flatMap((name, index) => {
        const given = values[index];
        if (given === null || given === undefined) return [];
        const text = typeof given === 'string' ? given : JSON.stringify(given);
        return index === repeated
          ? [[name, text] as [string, string], [name, text] as [string, string]]
          : [[name, text] as [string, string]];
      });
      const headerList = odd.filter(([name]) => !(matchingContentType && name === 'content-type'));
      if (template.encoding === 'query')
        return {
          method: template.method,
          path: `${template.path}?${formEncode(pairs)}`,
          headers: headerList,
          body: null,
        };
      if (matchingContentType) headerList.push(['content-type', CONTENT_TYPE_OF[template.encoding]]);
      const json = Object.fromEntries(
        template.parameters.map((name, index) => [name, values[index]]).filter(([, v]) => v !== null),
      );
      const body = template.encoding === 'form' ? formEncode(pairs) : JSON.stringify(json);
      return { method: template.method, path: template.path, headers: headerList, body };
    });
}

function arbitraryRequest(dictionary: FuzzDictionary): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      method: method(),
      path: path(dictionary),
      headers: headers(dictionary),
      body: fc.option(body(dictionary), { freq: 4 }),
    })
    .map((request) => ({
      ...request,
      // The Fetch standard allows no body on GET and HEAD.
      body: ['GET', 'HEAD'].includes(request.method.toUpperCase()) ? null : request.body,
    }));
}

/** Half shaped like an endpoint's requests (to get deep into it), half anything at all. */
export function fuzzRequest(dictionary: FuzzDictionary): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(templatedRequest(dictionary), arbitraryRequest(dictionary));
}

/** The RequestInit a FuzzRequest describes (its path goes separately). */
export function requestInit(request: FuzzRequest): RequestInit {
  return {
    method: request.method,
    headers: request.headers,
    body: typeof request.body === 'string' ? bytesOf(request.body) : request.body,
    redirect: 'manual',
  };
}
