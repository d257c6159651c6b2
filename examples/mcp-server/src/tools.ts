// The MCP tools over the unicorns (the official SDK's McpServer) and the scope each needs. The HTTP layer
// (index.ts) checks that scope before a tools/call reaches the server, so a missing one is a 403 the client can
// step up from (MCP authorization, scope challenge), not a tool error.
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker';
import { z } from 'zod';
import type { UnicornHerd } from './unicorns';

/** Every request to the endpoint needs this scope: it is the one named in the 401 challenge. */
export const BASE_SCOPE = 'unicorns:read';
export const WRITE_SCOPE = 'unicorns:write';

/** The scopes a tool needs beyond BASE_SCOPE. */
export const TOOL_SCOPES: Readonly<Record<string, readonly string[]>> = {
  list_unicorns: [],
  get_unicorn: [],
  create_unicorn: [WRITE_SCOPE],
};

const json = (value: unknown) => ({ content: [{ type: 'text' as const, text: JSON.stringify(value) }] });

/** A server per request (the SDK's stateless mode): `sub` is the caller the verified token names. */
export function createMcpServer(herd: UnicornHerd, sub: string): McpServer {
  // Ajv, the SDK's default validator, compiles with `new Function`, which Workers forbid.
  const server = new McpServer(
    { name: 'portcullis-unicorns', version: '0.1.0' },
    { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() },
  );
  server.registerTool(
    'list_unicorns',
    { description: 'List every unicorn', annotations: { readOnlyHint: true } },
    async () => json(herd.list()),
  );
  server.registerTool(
    'get_unicorn',
    { description: 'One unicorn by id', inputSchema: { id: z.string() }, annotations: { readOnlyHint: true } },
    async ({ id }) => {
      const unicorn = herd.find(id);
      return unicorn ? json(unicorn) : { content: [{ type: 'text', text: `no unicorn ${id}` }], isError: true };
    },
  );
  server.registerTool(
    'create_unicorn',
    {
      description: `Create a unicorn (needs ${WRITE_SCOPE})`,
      inputSchema: { name: z.string().min(1).max(100), color: z.string().max(50).optional() },
    },
    async ({ name, color }) => json(herd.create({ name, color: color ?? null }, sub)),
  );
  return server;
}
