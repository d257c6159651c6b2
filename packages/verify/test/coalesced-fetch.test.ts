// Concurrent JWKS fetches coalesce into one, whose finished result (a body, or a failure) answers them all: on
// Workers jose does not share a pending fetch between requests, so without this a burst would fetch once each.
import { describe, expect, it, vi } from 'vitest';
import { coalesceFetches } from '../dist/coalesced-fetch.js';

const OPTIONS = {
  headers: new Headers(),
  method: 'GET' as const,
  redirect: 'manual' as const,
  signal: new AbortController().signal,
};

function slowFetcher(answer: () => Response) {
  let release: () => void = () => {};
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const fetcher = vi.fn(async (_url: string) => {
    await gate;
    return answer();
  });
  return { fetcher, release };
}

describe('coalesceFetches', () => {
  it('sends one fetch for a burst and gives each caller the same finished body', async () => {
    const { fetcher, release } = slowFetcher(() => Response.json({ keys: [] }));
    const fetchOnce = coalesceFetches(fetcher);
    const burst = Array.from({ length: 10 }, () => fetchOnce('https://issuer.example/jwks', OPTIONS));
    setTimeout(release, 20);
    const responses = await Promise.all(burst);
    expect(fetcher).toHaveBeenCalledTimes(1);
    for (const response of responses) {
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ keys: [] });
    }
    // A later call, with nothing in flight, fetches again (jose decides when: cooldown and maximum age).
    await fetchOnce('https://issuer.example/jwks', OPTIONS);
    expect(fetcher).toHaveBeenCalledTimes(2);
  });

  it('shares a failure with the callers that waited for it', async () => {
    const { fetcher, release } = slowFetcher(() => {
      throw new TypeError('network down');
    });
    const fetchOnce = coalesceFetches(fetcher);
    const burst = Array.from({ length: 5 }, () => fetchOnce('https://issuer.example/jwks', OPTIONS));
    setTimeout(release, 20);
    const outcomes = await Promise.allSettled(burst);
    expect(fetcher).toHaveBeenCalledTimes(1);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(5).fill('rejected'));
  });
});
