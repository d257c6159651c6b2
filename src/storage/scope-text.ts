// Scopes are stored as one space-separated text column (as on the wire, RFC 6749 §3.3) and handled as arrays.
export function splitScopeText(scope: string): string[] {
  return scope === '' ? [] : scope.split(' ');
}

export function joinScopeText(scopes: readonly string[]): string {
  return scopes.join(' ');
}
