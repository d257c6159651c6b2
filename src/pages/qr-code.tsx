// A QR code drawn as inline SVG on the server (the modules from uqr): one path of dark runs on a light square, so
// it needs no image request, no script and no inline style under the pages' CSP, and scans in dark mode too.
import { encode } from 'uqr';

/** Pixels per module at the default display size (the SVG scales). */
const MODULE_PIXELS = 5;

export function QrCode({ text, label }: { text: string; label: string }) {
  // ecc M (15% recovery): a phone camera reads a screen well, and the code stays small.
  const { data, size } = encode(text, { ecc: 'M', border: 4 });
  const runs = data.flatMap((row, y) => darkRuns(row).map(([x, length]) => `M${x} ${y}h${length}v1h-${length}z`));
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      viewBox={`0 0 ${size} ${size}`}
      width={size * MODULE_PIXELS}
      height={size * MODULE_PIXELS}
      role="img"
      aria-label={label}
      shape-rendering="crispEdges"
    >
      <rect width={size} height={size} fill="#fff" />
      <path d={runs.join('')} fill="#000" />
    </svg>
  );
}

/** The row's horizontal runs of dark modules as [start, length]. */
function darkRuns(row: boolean[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  row.forEach((dark, x) => {
    const last = runs[runs.length - 1];
    if (!dark) return;
    if (last && last[0] + last[1] === x) last[1]++;
    else runs.push([x, 1]);
  });
  return runs;
}
