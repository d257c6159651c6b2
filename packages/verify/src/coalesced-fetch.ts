// One JWKS fetch at a time per verifier, its result shared as a finished value. On Workers, jose deliberately does not
// share a pending JWKS fetch between requests (a request must not await another request's I/O), so a burst of
// requests that all miss at once (a cold isolate, or unknown kids once the cooldown is over) would each fetch the
// JWKS. Here a request that finds a fetch in flight polls a plain variable until that fetch finishes and is answered
// with its finished body, or fetches itself if the other one is stuck (its request may have been cancelled).
import type { FetchImplementation } from 'jose';

/** How long a request waits for another request's JWKS fetch before fetching itself: jose's own fetch timeout. */
export const JWKS_FETCH_WAIT_MS = 5000;
const POLL_INTERVAL_MS = 5;

interface Finished {
  status: number;
  headers: [string, string][];
  body: string;
}

export function coalesceFetches(fetcher: FetchImplementation): FetchImplementation {
  let inFlight = false;
  let completed = 0;
  let last: Finished | { failure: unknown } | undefined;

  return async function coalescedFetch(url, options) {
    if (inFlight) {
      const seen = completed;
      const deadline = Date.now() + JWKS_FETCH_WAIT_MS;
      while (inFlight && completed === seen && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
      }
      if (completed !== seen && last) return replay(last);
    }
    inFlight = true;
    try {
      const response = await fetcher(url, options);
      last = { status: response.status, headers: [...response.headers], body: await response.text() };
    } catch (failure) {
      // Shared too: during an outage a burst waits for one failed fetch instead of sending one each.
      last = { failure };
    } finally {
      inFlight = false;
      completed += 1;
    }
    return replay(last);
  };
}

function replay(finished: Finished | { failure: unknown }): Response {
  if ('failure' in finished) throw finished.failure;
  return new Response(finished.body, { status: finished.status, headers: finished.headers });
}
