import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { JsonSchemaValidator, jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import type { GuardedFetch } from "../types";

const CLIENT_INFO = { name: "executor", version: "0.1.0" } as const;
/** Bound on the polite session DELETE in `finally`: a hung upstream must not hold the call open. */
const TERMINATE_BUDGET_MS = 2_000;

/**
 * The SDK compiles every listed `outputSchema` with Ajv by default, which generates code with
 * `new Function` (refused in workerd) and lets one malformed upstream schema fail a whole listing.
 * Output validation is not the plugin's job, so the client is given a validator that accepts all.
 */
const acceptAll: jsonSchemaValidator = {
  getValidator<T>(): JsonSchemaValidator<T> {
    return (input: unknown) => ({ valid: true, data: input as T, errorMessage: undefined });
  },
};

export interface McpTarget {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Connects an MCP client over Streamable HTTP, runs `use`, and always closes: every byte goes
 * through the platform's guarded fetch (DESIGN invariant 4), including the redirects the SDK follows
 * within the origin, and a session the server opened is terminated (MCP Streamable HTTP §Session
 * Management: clients SHOULD send DELETE when done).
 */
export async function withMcpClient<T>(
  target: McpTarget,
  fetch: GuardedFetch,
  options: RequestOptions,
  use: (client: Client) => Promise<T>,
): Promise<T> {
  const transport = new StreamableHTTPClientTransport(new URL(target.url), {
    fetch: (url, init) => fetch(url.toString(), init),
    requestInit: { headers: { ...target.headers } },
  });
  const client = new Client(CLIENT_INFO, { jsonSchemaValidator: acceptAll });
  try {
    await client.connect(transport, options);
    return await use(client);
  } finally {
    if (transport.sessionId !== undefined) await settleWithin(transport.terminateSession(), TERMINATE_BUDGET_MS);
    await client.close().catch(() => undefined);
  }
}

async function settleWithin(work: Promise<void>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([work.catch(() => undefined), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
