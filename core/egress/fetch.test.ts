import { createServer } from "node:http";
import type { IncomingHttpHeaders, Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, it, expect } from "vitest";
import { EgressError } from "./errors";
import { guardedFetch } from "./fetch";
import type { EgressPolicy } from "./guard";

// Real servers on 127.0.0.1 only. No test sends traffic anywhere else: non-loopback URLs appear solely as
// redirect targets that the guard must refuse before `fetch` is called.

interface Seen {
  readonly server: "a" | "b";
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

const DEV: EgressPolicy = { allowLoopbackHttp: true };
const PROD: EgressPolicy = { allowLoopbackHttp: false };
const seen: Seen[] = [];
let a: Server;
let b: Server;
let baseA = "";
let baseB = "";

function route(path: string): { status: number; location?: string } {
  const chain = /^\/chain\/(\d+)$/.exec(path);
  if (chain) {
    const n = Number(chain[1]);
    return n > 0 ? { status: 302, location: `/chain/${n - 1}` } : { status: 200 };
  }
  const redirect = /^\/(301|302|303|307|308)$/.exec(path);
  if (redirect) return { status: Number(redirect[1]), location: "/echo" };
  if (path === "/to-metadata") return { status: 302, location: "http://169.254.169.254/latest/meta-data" };
  if (path === "/to-b") return { status: 307, location: `${baseB}/echo` };
  if (path === "/to-same") return { status: 302, location: "/echo" };
  return { status: 200 };
}

function start(name: "a" | "b"): Promise<Server> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      const path = req.url ?? "/";
      seen.push({ server: name, method: req.method ?? "", path, headers: req.headers, body });
      if (path === "/hang") return; // never answers
      const { status, location } = route(path);
      if (location !== undefined) res.setHeader("location", location);
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ server: name, path, method: req.method, body }));
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

function origin(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

async function rejection(promise: Promise<unknown>): Promise<EgressError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EgressError);
  return error as EgressError;
}

/** A `fetch` that records every URL it is asked to connect to. */
function recordingFetch(): { readonly impl: typeof fetch; readonly urls: string[] } {
  const urls: string[] = [];
  const impl = ((input: Parameters<typeof fetch>[0], init?: RequestInit) => {
    urls.push(String(input));
    return fetch(input, init);
  }) as typeof fetch;
  return { impl, urls };
}

beforeAll(async () => {
  [a, b] = await Promise.all([start("a"), start("b")]);
  baseA = origin(a);
  baseB = origin(b);
});

afterAll(async () => {
  await Promise.all([close(a), close(b)]);
});

beforeEach(() => {
  seen.length = 0;
});

describe("guardedFetch", () => {
  it("fetches a loopback upstream when local development allows it", async () => {
    const response = await guardedFetch(fetch, DEV)(`${baseA}/ok`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ server: "a", path: "/ok" });
  });

  it("refuses a loopback upstream without the dev flag and makes no connection", async () => {
    const { impl, urls } = recordingFetch();
    const error = await rejection(guardedFetch(impl, PROD)(`${baseA}/ok`));
    expect(error.code).toBe("loopback_not_allowed");
    expect(urls).toEqual([]);
    expect(seen).toEqual([]);
  });

  it("refuses a redirect to the metadata endpoint before connecting to it", async () => {
    const { impl, urls } = recordingFetch();
    const error = await rejection(guardedFetch(impl, DEV)(`${baseA}/to-metadata`));
    expect(error.code).toBe("private_address");
    expect(urls).toEqual([`${baseA}/to-metadata`]);
    expect(seen.map((s) => s.path)).toEqual(["/to-metadata"]);
  });

  it("follows a chain of exactly maxRedirects and refuses one hop longer", async () => {
    const fetchTwo = guardedFetch(fetch, DEV, { maxRedirects: 2 });
    expect((await fetchTwo(`${baseA}/chain/2`)).status).toBe(200);
    seen.length = 0;
    const error = await rejection(fetchTwo(`${baseA}/chain/3`));
    expect(error.code).toBe("too_many_redirects");
    expect(seen.map((s) => s.path)).toEqual(["/chain/3", "/chain/2", "/chain/1"]);
  });

  it("keeps credentials on a same-origin redirect", async () => {
    const headers = { authorization: "Bearer keep", cookie: "sid=1" };
    const response = await guardedFetch(fetch, DEV)(`${baseA}/to-same`, { headers });
    expect(response.status).toBe(200);
    const echo = seen.find((s) => s.path === "/echo");
    expect(echo?.headers).toMatchObject({ authorization: "Bearer keep", cookie: "sid=1" });
  });

  it("drops every credential-bearing header, custom API key headers included, when a redirect changes origin", async () => {
    const headers = {
      authorization: "Bearer secret",
      cookie: "sid=1",
      "proxy-authorization": "Basic x",
      "x-api-key": "custom-header-secret",
      accept: "application/json",
    };
    const response = await guardedFetch(fetch, DEV)(`${baseA}/to-b`, { method: "POST", headers, body: "payload" });
    expect(await response.json()).toMatchObject({ server: "b", path: "/echo", method: "POST", body: "payload" });
    const atB = seen.find((s) => s.server === "b");
    expect(atB?.headers.accept).toBe("application/json");
    expect(atB?.headers).not.toHaveProperty("x-api-key");
    expect(atB?.headers).not.toHaveProperty("authorization");
    expect(atB?.headers).not.toHaveProperty("cookie");
    expect(atB?.headers).not.toHaveProperty("proxy-authorization");
  });

  it.each([
    ["301", "POST", "GET", ""],
    ["302", "POST", "GET", ""],
    ["303", "PUT", "GET", ""],
    ["307", "POST", "POST", "data"],
    ["308", "PUT", "PUT", "data"],
  ])("after a %s a %s is re-sent as %s with body %j", async (status, method, expected, body) => {
    const headers = { "content-type": "text/plain" };
    await guardedFetch(fetch, DEV)(`${baseA}/${status}`, { method, headers, body: "data" });
    const echo = seen.find((s) => s.path === "/echo");
    expect(echo).toMatchObject({ method: expected, body });
    expect(echo?.headers["content-type"]).toBe(body === "" ? undefined : "text/plain");
  });

  it("refuses to replay a streamed body on a 307", async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller): void {
        controller.enqueue(new TextEncoder().encode("once"));
        controller.close();
      },
    });
    const init = { method: "POST", body: stream, duplex: "half" } as RequestInit;
    const error = await rejection(guardedFetch(fetch, DEV)(`${baseA}/307`, init));
    expect(error.code).toBe("unreplayable_body");
  });

  it("returns the redirect itself when the caller asks for redirect: manual", async () => {
    const response = await guardedFetch(fetch, DEV)(`${baseA}/to-metadata`, { redirect: "manual" });
    expect(response.status).toBe(302);
  });

  it("aborts with a timeout error when the upstream never answers", async () => {
    const started = Date.now();
    const error = await rejection(guardedFetch(fetch, DEV, { timeoutMs: 200 })(`${baseA}/hang`));
    expect(error.code).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("passes the caller's own abort through untouched", async () => {
    const controller = new AbortController();
    const pending = guardedFetch(fetch, DEV)(`${baseA}/hang`, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error: unknown = await pending.catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(EgressError);
    expect((error as Error).name).toBe("AbortError");
  });
});
