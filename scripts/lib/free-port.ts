// A loopback port for a server the scripts, the benchmark or the end-to-end tests start themselves.
import { createServer } from 'node:net';

/** A port the kernel just had free on 127.0.0.1 (the caller's server binds it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
