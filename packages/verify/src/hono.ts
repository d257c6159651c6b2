// @portcullis/verify/hono: the Hono side of the package: the guard middleware (middleware.ts), CORS for browser
// callers (resource-cors.ts), and protectedResource, which adds RFC 9728 metadata and its challenges.
export { bearerErrorResponse, type ChallengeOptions } from './challenge.js';
export {
  requireScope,
  verifyAccessToken,
  type AccessTokenEnv,
  type AccessTokenVariables,
  type GuardOptions,
  type VerifierSource,
  type VerifyAccessTokenOptions,
} from './middleware.js';
export {
  PREFLIGHT_MAX_AGE_SECONDS,
  resourceCors,
  type OriginPolicy,
  type ResourceCorsOptions,
} from './resource-cors.js';
export {
  protectedResource,
  RESOURCE_METADATA_MAX_AGE_SECONDS,
  type ProtectedResource,
  type ProtectedResourceOptions,
} from './protected-resource.js';
