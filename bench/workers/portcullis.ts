// The bench's entry for Portcullis: the production bundle (`./index.js`, built by `wrangler deploy --dry-run`,
// imported unchanged) with its D1 binding metered (storage-meter.ts).
// @ts-expect-error: the bundle exists only in the run's temp directory, next to this entry once built.
import worker from './index.js';
import { metered } from './storage-meter';

export default metered(worker as ExportedHandler<Record<string, unknown>>, ['DB']);
