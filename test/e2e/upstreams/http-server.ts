import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";

export type Seen = { method: string; path: string; headers: IncomingMessage["headers"]; body: string; at: number };

export type Upstream = { url: string; seen: Seen[]; close: () => Promise<void> };

/** Starts a real HTTP server on 127.0.0.1 (port 0) that records every request it receives. */
export async function serve(handler: (req: Seen, res: ServerResponse) => unknown): Promise<Upstream> {
  const seen: Seen[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const entry = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        at: performance.now(),
      };
      seen.push(entry);
      void Promise.resolve(handler(entry, res)).catch(() => {
        res.statusCode = 500;
        res.end();
      });
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", () => ok()));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  };
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}
