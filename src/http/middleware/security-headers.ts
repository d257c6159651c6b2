// The security headers of every response but discovery and the JWKS (which precompute theirs, http/cached-json.ts).
import { secureHeaders } from 'hono/secure-headers';

/**
 * overwrite: false lets HTML pages send their own CSP (html-page.ts); everything else gets `default-src 'none';
 * frame-ancestors 'none'`. X-Frame-Options DENY agrees with frame-ancestors 'none' for browsers that only know the
 * older header (RFC 7034). Off: headers for browsers and plug-ins long gone (IE's download prompt and XSS filter,
 * Flash's cross-domain policies) or that matter only to documents (DNS prefetch, Origin-Agent-Cluster, which
 * html-page.ts sets on pages); each one set costs every response.
 */
export function securityHeaders() {
  return secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    xFrameOptions: 'DENY',
    xDnsPrefetchControl: false,
    xDownloadOptions: false,
    xPermittedCrossDomainPolicies: false,
    xXssProtection: false,
    originAgentCluster: false,
    overwrite: false,
  });
}
