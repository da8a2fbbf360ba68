import { exports } from "cloudflare:workers";
import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { z } from "zod";
import { readJson } from "./body";
import type { AppEnv } from "./env";
import { installErrorModel } from "./errors";

// The error model is the gateway's own middleware; these routes exercise it the way /v1 routes will.
const Body = z.object({ name: z.string().min(1), tags: z.array(z.string()).max(2) });
const CANARY = "canary-secret-5b1d9e";

function testApp(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  installErrorModel(app);
  app.post("/echo", async (c) => c.json(await readJson(c, Body, 64)));
  app.get("/boom", () => {
    throw new Error(`upstream said Authorization: Bearer ${CANARY}`);
  });
  return app;
}

async function problem(res: Response): Promise<Record<string, unknown>> {
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  return (await res.json()) as Record<string, unknown>;
}

const post = (body: BodyInit, type = "application/json", headers: Record<string, string> = {}): Request =>
  new Request("http://gw/echo", { method: "POST", body, headers: { "content-type": type, ...headers } });

afterEach(() => vi.restoreAllMocks());

describe("gateway error model", () => {
  it("answers an unknown route with a 404 problem", async () => {
    const res = await exports.default.fetch("http://gw/definitely/not/here");
    expect(res.status).toBe(404);
    expect(await problem(res)).toMatchObject({ status: 404, type: "/problems/not-found", title: "Not Found" });
  });

  it("accepts a valid body", async () => {
    const res = await testApp().request(post(JSON.stringify({ name: "a", tags: [] })));
    expect(res.status).toBe(200);
  });

  it("answers malformed JSON with 400", async () => {
    const res = await testApp().request(post("{ not json"));
    expect(res.status).toBe(400);
    expect(await problem(res)).toMatchObject({ type: "/problems/malformed-json" });
  });

  it("answers a schema violation with 422 naming the failing field", async () => {
    const res = await testApp().request(post(JSON.stringify({ name: "", tags: ["a", 1] })));
    expect(res.status).toBe(422);
    const body = await problem(res);
    expect(body.detail).toContain("name");
    expect((body.errors as { path: string }[]).map((e) => e.path).sort()).toEqual(["name", "tags[1]"]);
  });

  it("answers a declared oversize body with 413", async () => {
    const res = await testApp().request(post("x".repeat(65)));
    expect(res.status).toBe(413);
    expect(await problem(res)).toMatchObject({ type: "/problems/payload-too-large" });
  });

  it("answers an oversize streamed body without a length with 413", async () => {
    const chunks = ['{"name":"', "y".repeat(40), "z".repeat(40), '"}'];
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = chunks.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(next));
      },
    });
    const res = await testApp().request("http://gw/echo", {
      method: "POST",
      body: stream,
      headers: { "content-type": "application/json" },
      // @ts-expect-error duplex is required by the fetch spec for streamed bodies
      duplex: "half",
    });
    expect(res.status).toBe(413);
  });

  it("answers a non-JSON media type with 415", async () => {
    const res = await testApp().request(post("name=a", "application/x-www-form-urlencoded"));
    expect(res.status).toBe(415);
  });

  it("answers an unexpected failure with 500, a correlation id, and no internals in answer or log", async () => {
    const logged: string[] = [];
    vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void logged.push(args.join(" ")));
    const res = await testApp().request("http://gw/boom");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain(CANARY);
    expect(text).not.toContain("Bearer");
    const body = JSON.parse(text) as { correlationId: string; detail: string };
    expect(body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(logged.join("\n")).toContain(body.correlationId);
    expect(logged.join("\n")).not.toContain(CANARY);
  });
});
