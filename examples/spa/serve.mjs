// Serves the example SPA as static files on its own origin, with no build step: the page, app.js, oauth4webapi's
// ESM build from this folder's node_modules, and /config.json naming the issuer, the client and the API.
//   npm install && node serve.mjs [--port 5173] [--host localhost] [--issuer http://127.0.0.1:8787] [--client-id demo-spa]
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = dirname(fileURLToPath(import.meta.url));
const FILES = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/callback': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/node_modules/oauth4webapi/build/index.js': [
    'node_modules/oauth4webapi/build/index.js',
    'text/javascript; charset=utf-8',
  ],
};

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '5173' },
    host: { type: 'string', default: 'localhost' },
    issuer: { type: 'string', default: 'http://127.0.0.1:8787' },
    'client-id': { type: 'string', default: 'demo-spa' },
  },
});
const config = JSON.stringify({ issuer: values.issuer, clientId: values['client-id'], api: `${values.issuer}/api` });

const server = createServer(async (request, response) => {
  const { pathname } = new URL(request.url ?? '/', 'http://spa');
  if (pathname === '/config.json') {
    response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(config);
    return;
  }
  const file = FILES[pathname];
  if (!file) {
    response.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
    return;
  }
  response
    .writeHead(200, { 'Content-Type': file[1], 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' })
    .end(await readFile(join(HERE, file[0])));
});
server.listen(Number(values.port), values.host, () => {
  console.log(`SPA on http://${values.host}:${values.port} (issuer ${values.issuer}, client ${values['client-id']})`);
});
