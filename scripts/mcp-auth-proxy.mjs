// A loopback reverse proxy that adds `Authorization: Bearer <key>` to every request and forwards it
// to one MCP endpoint. For MCP test clients that cannot send headers themselves (the conformance
// CLI's server scenarios connect with a bare Streamable HTTP transport).
import { request as httpRequest } from "node:http";
import { createServer } from "node:http";
import { request as httpsRequest } from "node:https";

/** RFC 9110 §7.6.1: connection-specific fields are not forwarded by a proxy. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/**
 * @param {import("node:http").IncomingHttpHeaders} headers
 * @returns {Record<string, string | string[]>}
 */
function endToEnd(headers) {
  /** @type {Record<string, string | string[]>} */
  const out = {};
  const named = new Set(
    String(headers.connection ?? "")
      .split(",")
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean),
  );
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || HOP_BY_HOP.has(name) || named.has(name)) continue;
    out[name] = value;
  }
  return out;
}

/**
 * Starts the proxy on 127.0.0.1 (an OS-chosen port). Requests to `/mcp` (any query) go to `target`
 * with the query appended; every other path answers 404. All other headers and both bodies pass
 * through unchanged and streamed, so `mcp-session-id`, `mcp-protocol-version`, `accept`,
 * `last-event-id` and SSE responses behave as if the client spoke to the target.
 *
 * `Host` and `Origin` naming the proxy itself are rewritten to the target's, so a same-origin client
 * stays same-origin; any other `Host` or `Origin` is forwarded as sent, so the target's own DNS
 * rebinding checks (MCP transports §Security Warning) still see what a hostile page would send.
 *
 * @param {string | URL} target the MCP endpoint, e.g. `http://127.0.0.1:8787/mcp`
 * @param {string} key an API key or OAuth access token
 * @returns {Promise<{ url: string; close: () => Promise<void> }>} `url` is the proxy's `/mcp`
 */
export async function startAuthProxy(target, key) {
  const upstream = new URL(target);
  const send = upstream.protocol === "https:" ? httpsRequest : httpRequest;
  /** @type {string} */
  let self = "";

  const server = createServer((req, res) => {
    const incoming = new URL(req.url ?? "/", "http://proxy.invalid");
    if (incoming.pathname !== "/mcp") {
      res.writeHead(404, { "content-type": "text/plain" }).end("this proxy serves /mcp only\n");
      return;
    }
    const url = new URL(upstream);
    for (const [name, value] of incoming.searchParams) url.searchParams.append(name, value);

    const headers = endToEnd(req.headers);
    headers.host = req.headers.host === self ? upstream.host : (req.headers.host ?? upstream.host);
    if (req.headers.origin === `http://${self}`) headers.origin = upstream.origin;
    headers.authorization = `Bearer ${key}`;

    const out = send(url, { method: req.method, headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.headers));
      // Event streams must reach the client as they are written, not when the response ends.
      res.flushHeaders();
      answer.pipe(res);
      answer.once("error", () => res.destroy());
    });
    out.once("error", (error) => {
      if (res.headersSent) res.destroy();
      else res.writeHead(502, { "content-type": "text/plain" }).end(`proxy: upstream failed: ${error.message}\n`);
    });
    // A client that goes away (an SSE reader cancelling) ends the upstream request too.
    res.once("close", () => {
      if (!res.writableFinished) out.destroy();
    });
    req.pipe(out);
  });

  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => ok(undefined));
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("proxy has no TCP address");
  self = `127.0.0.1:${address.port}`;

  return {
    url: `http://${self}/mcp`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
