import { describe, expect, it } from "vitest";
import { readBounded } from "./index";

function streamOf(...parts: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    pull(controller) {
      const next = parts.shift();
      if (next === undefined) controller.close();
      else controller.enqueue(new TextEncoder().encode(next));
    },
  });
}

describe("readBounded", () => {
  it("reads a body within the limit", async () => {
    const read = await readBounded(new Response(streamOf("ab", "cd")), 4);
    expect(read.ok && new TextDecoder().decode(read.bytes)).toBe("abcd");
  });

  it("refuses a body whose declared length is over the limit without reading it", async () => {
    const res = new Response("x".repeat(10), { headers: { "content-length": "10" } });
    expect(await readBounded(res, 5)).toEqual({ ok: false, reason: "too_large" });
  });

  it("stops reading a stream as soon as it passes the limit", async () => {
    expect(await readBounded(new Response(streamOf("abc", "def", "ghi")), 5)).toEqual({ ok: false, reason: "too_large" });
  });

  it("reads an empty body", async () => {
    const read = await readBounded(new Response(null), 5);
    expect(read.ok && read.bytes.byteLength).toBe(0);
  });

  it("drains an oversized body up to the drain bound before answering, keeping none of it", async () => {
    let pulled = 0;
    const parts = ["abc", "def", "ghi", "jkl"];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = parts.shift();
        if (next === undefined) return controller.close();
        pulled++;
        controller.enqueue(new TextEncoder().encode(next));
      },
    });
    expect(await readBounded(new Response(body), 5, { drainUpTo: 100 })).toEqual({ ok: false, reason: "too_large" });
    expect(pulled).toBe(4);
  });

  it("cancels instead of draining past the drain bound", async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(10));
      },
    });
    expect(await readBounded(new Response(body), 5, { drainUpTo: 30 })).toEqual({ ok: false, reason: "too_large" });
    expect(pulled).toBeLessThanOrEqual(5);
  });
});
