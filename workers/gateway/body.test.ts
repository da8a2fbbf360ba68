import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { JSON_LIMITS } from "../../core/json";
import { deepestSurvivor, nestedArraysText, nestedObjectsText } from "../../core/testing/deep-json";
import { CallBody } from "../../schemas";
import { readJson } from "./body";
import type { AppEnv } from "./env";
import { installErrorModel } from "./errors";

// The route stands in for /v1/call: a body with JSON-valued arguments, validated by zod's z.json().
function testApp(): { app: Hono<AppEnv>; reached: () => number } {
  let reached = 0;
  const app = new Hono<AppEnv>();
  installErrorModel(app);
  app.post("/call", async (c) => {
    const body = await readJson(c, CallBody.extend({ address: z.string() }));
    reached++;
    return c.json({ ok: true, keys: Object.keys(body.arguments) });
  });
  return { app, reached: () => reached };
}

const post = (body: string): Request => new Request("http://gw/call", { method: "POST", body, headers: { "content-type": "application/json" } });

/** `{"address":"a","arguments":{"x": <inner>}}`: the arguments add two levels to `inner`. */
const callWith = (inner: string): string => `{"address":"a.b.c.d","arguments":{"x":${inner}}}`;

describe("readJson depth limit", () => {
  it("answers a body nested 100,000 deep with 422 validation-failed naming the limit, before the route runs", async () => {
    const { app, reached } = testApp();
    const res = await app.request(post(callWith(nestedObjectsText(100_000))));
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    const body = (await res.json()) as { type: string; detail: string; errors: Array<{ path: string; message: string }> };
    expect(body.type).toBe("/problems/validation-failed");
    expect(body.detail).toBe(`the request body nests deeper than ${JSON_LIMITS.request.depth} levels of arrays and objects`);
    expect(body.errors).toEqual([{ path: "(root)", message: body.detail }]);
    expect(JSON.stringify(body)).not.toMatch(/stack|Maximum call/i);
    expect(reached()).toBe(0);
  });

  it("accepts a body exactly at the limit and refuses one level more", async () => {
    const { app } = testApp();
    // The body's own object and `arguments` are two levels; `x` holds the rest.
    const limit = JSON_LIMITS.request.depth;
    expect((await app.request(post(callWith(nestedArraysText(limit - 2))))).status).toBe(200);
    expect((await app.request(post(callWith(nestedArraysText(limit - 1))))).status).toBe(422);
  });

  it("answers a shallow body that would swell in the heap ([{},{},…]) with 422 naming the values limit", async () => {
    const { app, reached } = testApp();
    const res = await app.request(post(callWith(`[${"{},".repeat(JSON_LIMITS.request.values)}{}]`)));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { detail: string }).detail).toBe(`the request body holds more than ${JSON_LIMITS.request.values} JSON values`);
    expect(reached()).toBe(0);
  });

  it("does not count brackets inside strings", async () => {
    const { app } = testApp();
    const res = await app.request(post(callWith(JSON.stringify("[".repeat(10_000)))));
    expect(res.status).toBe(200);
  });

  it("still answers malformed JSON with 400, deep or not", async () => {
    const { app } = testApp();
    expect((await app.request(post(`${"[".repeat(10)}oops`))).status).toBe(400);
  });
});

describe("JSON depth limits in workerd", () => {
  it("keep every limit at a quarter or less of what the platform's recursive steps survive here", () => {
    const survives = deepestSurvivor(20_000);
    console.log(`workerd: zod z.json(), RFC 8785 hashing, JSON.stringify and structuredClone survive ${survives} levels`);
    for (const limit of Object.values(JSON_LIMITS)) expect(limit.depth * 4).toBeLessThanOrEqual(survives);
  });
});

describe("readJson UTF-8 decoding", () => {
  // The body is decoded 64 KiB at a time: every check below also holds across the pieces' seams.
  const bytesPost = (bytes: Uint8Array): Request => new Request("http://gw/call", { method: "POST", body: bytes, headers: { "content-type": "application/json" } });
  const encoded = (text: string): Uint8Array => new TextEncoder().encode(text);
  const echo = (): Hono<AppEnv> => {
    const app = new Hono<AppEnv>();
    installErrorModel(app);
    app.post("/call", async (c) => c.json(await readJson(c, z.object({ text: z.string() }), 4 * 1024 * 1024)));
    return app;
  };

  it("keeps characters that straddle the seams between pieces, in a body of many pieces", async () => {
    // Each "€😀" is 7 bytes, so its sequences fall across every 64 KiB boundary at some offset.
    const text = "€😀".repeat(100_000);
    const res = await echo().request(bytesPost(encoded(JSON.stringify({ text }))));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { text: string }).text).toBe(text);
  });

  it("drops a leading byte order mark", async () => {
    const body = encoded(`\uFEFF${JSON.stringify({ text: "x".repeat(200_000) })}`);
    expect((await echo().request(bytesPost(body))).status).toBe(200);
  });

  it("answers 400 for a malformed sequence deep inside a large body, and for one cut off at its end", async () => {
    const valid = encoded(JSON.stringify({ text: "a".repeat(300_000) }));
    const broken = valid.slice();
    broken[200_000] = 0xff; // never valid in UTF-8
    const res = await echo().request(bytesPost(broken));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { detail: string }).detail).toBe("request body is not valid UTF-8");
    const cut = new Uint8Array([...encoded(`{"text":"${"a".repeat(70_000)}`), 0xe2, 0x82]); // "€" without its last byte
    const unfinished = await echo().request(bytesPost(cut));
    expect(unfinished.status).toBe(400);
    expect(((await unfinished.json()) as { detail: string }).detail).toBe("request body is not valid UTF-8");
  });
});
