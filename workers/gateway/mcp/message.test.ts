import { describe, expect, it } from "vitest";
import { nestedArraysText, nestedObjectsText } from "../../../core/testing/deep-json";
import { JSON_LIMITS } from "../../../core/json";
import { MCP_BODY_LIMIT, readMcpMessage } from "./message";

const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

function post(body: string, headers: Record<string, string> = MCP_HEADERS): Request {
  return new Request("http://gw/mcp", { method: "POST", body, headers });
}

/** A tools/call request whose `arguments` hold `inner` (already JSON text). */
function toolsCall(inner: string): string {
  return `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"execute","arguments":{"address":"a.b.c.d","arguments":${inner}}}}`;
}

async function refusal(request: Request): Promise<{ status: number; body: { jsonrpc: string; id: null; error: { code: number; message: string } } }> {
  const read = await readMcpMessage(request);
  if (read.ok) throw new Error("expected a refusal");
  return { status: read.response.status, body: (await read.response.json()) as never };
}

describe("readMcpMessage", () => {
  it("hands over a message within the limits, parsed", async () => {
    const read = await readMcpMessage(post(toolsCall('{"a":[1,2]}')));
    expect(read).toMatchObject({ ok: true, parsed: { method: "tools/call", params: { arguments: { arguments: { a: [1, 2] } } } } });
  });

  it("answers a message nested 100,000 deep with JSON-RPC Invalid Request naming the limit, not a stack overflow", async () => {
    const { status, body } = await refusal(post(toolsCall(nestedObjectsText(100_000))));
    expect(status).toBe(400);
    expect(body).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32600 } });
    expect(body.error.message).toContain(`deeper than ${JSON_LIMITS.request.depth} levels`);
    expect(body.error.message).not.toMatch(/stack|Maximum call/i);
  });

  it("refuses a batch nested past the limit the same way", async () => {
    const { body } = await refusal(post(nestedArraysText(JSON_LIMITS.request.depth + 1)));
    expect(body.error.code).toBe(-32600);
  });

  it("refuses a message with more values than the request limit allows", async () => {
    const { body } = await refusal(post(toolsCall(`[${"{},".repeat(JSON_LIMITS.request.values)}{}]`)));
    expect(body.error.code).toBe(-32600);
    expect(body.error.message).toContain(`more than ${JSON_LIMITS.request.values} JSON values`);
  });

  it("answers malformed JSON with Parse error", async () => {
    const { status, body } = await refusal(post('{"jsonrpc": "2.0", '));
    expect(status).toBe(400);
    expect(body.error).toEqual({ code: -32700, message: "Parse error: Invalid JSON" });
  });

  it("answers a body over the transport's size limit with 413", async () => {
    const { status } = await refusal(post(`"${"x".repeat(MCP_BODY_LIMIT)}"`));
    expect(status).toBe(413);
  });

  it("leaves a request the transport refuses before reading (wrong media type or Accept) to the transport", async () => {
    const deep = nestedArraysText(100_000);
    expect(await readMcpMessage(post(deep, { ...MCP_HEADERS, "content-type": "text/plain" }))).toEqual({ ok: true, parsed: undefined });
    expect(await readMcpMessage(post(deep, { ...MCP_HEADERS, accept: "application/json" }))).toEqual({ ok: true, parsed: undefined });
  });
});
