// The id an error log line carries: Cloudflare's cf-ray, which the dashboard and its request logs show too, or a
// random one made only when something is logged (no per-request middleware pays for ids nobody reads).
import type { Context } from 'hono';

export function logId(c: Context): string {
  return c.req.header('cf-ray') ?? crypto.randomUUID();
}
