// The clients Portcullis is registered as at the test upstreams (test/setup/), shared by those servers (in Node) and
// the tests (in workerd): plain values, so importing them pulls no Node module into workerd.
export const FAKE_UPSTREAM_CLIENT_ID = 'portcullis-at-fake';
export const FAKE_UPSTREAM_CLIENT_SECRET = 'fake-upstream-client-secret';
export const OIDC_PROVIDER_CLIENT_ID = 'portcullis-at-node-oidc-provider';
export const OIDC_PROVIDER_CLIENT_SECRET = 'node-oidc-provider-client-secret-for-portcullis';
