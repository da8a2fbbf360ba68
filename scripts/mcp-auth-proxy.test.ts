import { createServer, request } from "node:http";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { startAuthProxy } from "./mcp-auth-proxy.mjs";

type Seen = { method: string; url: string; headers: IncomingHttpHeaders; body: string };
type Upstream = { origin: string; host: string; seen: Seen[]; close: () => Promise<void> };

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

/** A loopback stand-in for the platform; `handle` answers after the request body has been read. */
async function upstream(handle: (req: IncomingMessage, res: ServerResponse, seen: Seen) => void): Promise<Upstream> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const entry = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      seen.push(entry);
      handle(req, res, entry);
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const up = {
    origin: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
  cleanups.push(up.close);
  return up;
}

async function proxyTo(target: string, key = "exk_test"): Promise<string> {
  const proxy = await startAuthProxy(target, key);
  cleanups.push(proxy.close);
  return proxy.url;
}

/** node:http rather than fetch, which refuses to set Host. */
function rawPost(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((ok, fail) => {
    const req = request(url, { method: "POST", headers }, (res) => {
      res.resume();
      res.on("end", () => ok(res.statusCode ?? 0));
    });
    req.once("error", fail);
    req.end("{}");
  });
}

describe("MCP auth proxy (scripts/mcp-auth-proxy.mjs)", () => {
  it("adds the Bearer key, replacing any the client sent, and passes method, query, body and MCP headers through", async () => {
    const up = await upstream((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "mcp-session-id": "s-1" }).end('{"jsonrpc":"2.0","id":1,"result":{}}');
    });
    const url = await proxyTo(`${up.origin}/mcp?tools=meta`, "exk_secret");
    const body = '{"jsonrpc":"2.0","id":1,"method":"ping"}';
    const res = await fetch(`${url}?toolkit=ops`, {
      method: "POST",
      headers: {
        authorization: "Bearer forged",
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-session-id": "s-1",
        "mcp-protocol-version": "2025-11-25",
      },
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("mcp-session-id")).toBe("s-1");
    expect(await res.text()).toBe('{"jsonrpc":"2.0","id":1,"result":{}}');
    expect(up.seen).toHaveLength(1);
    expect(up.seen[0]).toMatchObject({
      method: "POST",
      url: "/mcp?tools=meta&toolkit=ops",
      body,
      headers: {
        authorization: "Bearer exk_secret",
        accept: "application/json, text/event-stream",
        "mcp-session-id": "s-1",
        "mcp-protocol-version": "2025-11-25",
      },
    });
  });

  it("streams an event-stream response event by event, before the upstream has finished", async () => {
    let release = (): void => {};
    const released = new Promise<void>((ok) => (release = ok));
    const up = await upstream((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("id: 1\ndata: first\n\n");
      void released.then(() => res.end("id: 2\ndata: second\n\n"));
    });
    const res = await fetch(await proxyTo(`${up.origin}/mcp`), { headers: { accept: "text/event-stream" } });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    expect((await reader.read()).value).toBe("id: 1\ndata: first\n\n");
    release();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += chunk.value;
    expect(rest).toBe("id: 2\ndata: second\n\n");
  });

  it("rewrites its own Host and Origin to the target's, so a same-origin client stays same-origin", async () => {
    const up = await upstream((_req, res) => res.writeHead(200).end());
    const url = await proxyTo(`${up.origin}/mcp`);
    const self = new URL(url).host;
    expect(await rawPost(url, { host: self, origin: `http://${self}` })).toBe(200);
    expect(up.seen[0]?.headers).toMatchObject({ host: up.host, origin: up.origin });
  });

  it("forwards a foreign Host and Origin as sent, so the target's DNS-rebinding check still sees them", async () => {
    const up = await upstream((_req, res) => res.writeHead(403).end());
    const url = await proxyTo(`${up.origin}/mcp`);
    expect(await rawPost(url, { host: "evil.example.com", origin: "http://evil.example.com" })).toBe(403);
    expect(up.seen[0]?.headers).toMatchObject({ host: "evil.example.com", origin: "http://evil.example.com" });
  });

  it("answers 404 for any path but /mcp without contacting the target", async () => {
    const up = await upstream((_req, res) => res.writeHead(200).end());
    const url = new URL(await proxyTo(`${up.origin}/mcp`));
    const res = await fetch(new URL("/.well-known/oauth-protected-resource", url));
    expect(res.status).toBe(404);
    expect(up.seen).toHaveLength(0);
  });

  it("ends the upstream request when the client goes away mid-stream", async () => {
    let upstreamClosed!: Promise<void>;
    const up = await upstream((_req, res) => {
      upstreamClosed = new Promise<void>((ok) => res.once("close", () => ok()));
      res.writeHead(200, { "content-type": "text/event-stream" }).write(": open\n\n");
    });
    const abort = new AbortController();
    const res = await fetch(await proxyTo(`${up.origin}/mcp`), { signal: abort.signal });
    await res.body!.getReader().read();
    abort.abort();
    await expect(upstreamClosed).resolves.toBeUndefined();
  });

  it("answers 502 when the target cannot be reached", async () => {
    const up = await upstream((_req, res) => res.writeHead(200).end());
    await up.close();
    const res = await fetch(await proxyTo(`${up.origin}/mcp`), { method: "POST", body: "{}" });
    expect(res.status).toBe(502);
  });
});
