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

  describe("byte streams, read into one buffer", () => {
    /** A byte stream (what request and fetch bodies are) that hands out `parts`, counting pulls. */
    function byteStreamOf(parts: Uint8Array[]): { body: ReadableStream<Uint8Array>; pulls: () => number } {
      let pulls = 0;
      const body = new ReadableStream({
        type: "bytes",
        pull(controller) {
          const next = parts.shift();
          if (next === undefined) {
            // Streams spec §4.10: a pending read into a buffer is answered with zero bytes on close.
            controller.close();
            controller.byobRequest?.respond(0);
            return;
          }
          pulls++;
          controller.enqueue(next);
        },
      }) as ReadableStream<Uint8Array>;
      return { body, pulls: () => pulls };
    }
    const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) % 251);

    it("reads many parts, whatever their sizes, past the first buffer and with no length declared", async () => {
      const parts = [bytes(10, 1), bytes(70_000, 2), bytes(1, 3), bytes(1_500_000, 4), bytes(5, 5)];
      const expected = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
      parts.reduce((at, p) => (expected.set(p, at), at + p.byteLength), 0);
      const read = await readBounded({ headers: new Headers(), body: byteStreamOf(parts).body }, 2_000_000);
      // Compared as one buffer: element-wise equality of 1.5 MB is slow.
      expect(read.ok && Buffer.from(read.bytes).equals(Buffer.from(expected))).toBe(true);
    });

    it("reads exactly the declared length, and a body longer than it declared up to the limit", async () => {
      const declared = (n: number): Headers => new Headers({ "content-length": String(n) });
      const exact = await readBounded({ headers: declared(8), body: byteStreamOf([bytes(3, 1), bytes(5, 2)]).body }, 8);
      expect(exact.ok && exact.bytes.byteLength).toBe(8);
      const longer = await readBounded({ headers: declared(2), body: byteStreamOf([bytes(3, 1), bytes(5, 2)]).body }, 8);
      expect(longer.ok && longer.bytes.byteLength).toBe(8);
      expect(await readBounded({ headers: declared(2), body: byteStreamOf([bytes(3, 1), bytes(6, 2)]).body }, 8)).toEqual({ ok: false, reason: "too_large" });
    });

    it("stops at the limit and drains up to the drain bound, or cancels past it", async () => {
      const drained = byteStreamOf([bytes(4, 1), bytes(4, 2), bytes(4, 3), bytes(4, 4)]);
      expect(await readBounded({ headers: new Headers(), body: drained.body }, 5, { drainUpTo: 100 })).toEqual({ ok: false, reason: "too_large" });
      expect(drained.pulls()).toBe(4);
      const endless = new ReadableStream({ type: "bytes", pull: (c) => c.enqueue(new Uint8Array(10)) }) as ReadableStream<Uint8Array>;
      expect(await readBounded({ headers: new Headers(), body: endless }, 5, { drainUpTo: 30 })).toEqual({ ok: false, reason: "too_large" });
    });

    it("reads a body whose declared length is not a byte count", async () => {
      for (const length of ["-5", "1.5", "abc"]) {
        const read = await readBounded({ headers: new Headers({ "content-length": length }), body: byteStreamOf([bytes(3, 1)]).body }, 5);
        expect(read.ok && read.bytes.byteLength).toBe(3);
      }
    });

    it("reads an empty byte stream", async () => {
      const read = await readBounded({ headers: new Headers({ "content-length": "0" }), body: byteStreamOf([]).body }, 5);
      expect(read.ok && read.bytes.byteLength).toBe(0);
    });
  });
});
