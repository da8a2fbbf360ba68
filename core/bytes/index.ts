/**
 * Reads a request or response body without ever holding more than `maxBytes` of it: a Worker isolate
 * has 128 MB, and neither a client nor an upstream may spend it for us. The declared length is
 * checked first, then the bytes as they stream.
 */
export type BoundedBody = { ok: true; bytes: Uint8Array } | { ok: false; reason: "too_large" };

export type BoundedOptions = {
  /**
   * For a request body over the limit: read and discard up to this many bytes in all before
   * answering, instead of cancelling. A server that answers without reading the body closes a
   * socket with unread data, and TCP then resets it, so the client sees a reset instead of the
   * answer (RFC 9110 §9.3.3 lets a server answer early; RFC 9112 §9.6 notes the risk of closing with
   * unread data). Draining is bounded, and nothing drained is kept.
   */
  readonly drainUpTo?: number;
};

async function discard(reader: ReadableStreamDefaultReader<Uint8Array>, seen: number, upTo: number | undefined): Promise<void> {
  let read = seen;
  while (upTo !== undefined && read <= upTo) {
    const { done, value } = await reader.read();
    if (done) return;
    read += value.byteLength;
  }
  await reader.cancel();
}

export async function readBounded(
  message: { headers: Headers; body: ReadableStream<Uint8Array> | null },
  maxBytes: number,
  opts: BoundedOptions = {},
): Promise<BoundedBody> {
  const declared = Number(message.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) {
    if (message.body) await discard(message.body.getReader(), 0, opts.drainUpTo !== undefined && declared <= opts.drainUpTo ? opts.drainUpTo : undefined);
    return { ok: false, reason: "too_large" };
  }
  if (message.body === null) return { ok: true, bytes: new Uint8Array(0) };
  const byob = byobReader(message.body);
  // A declared length that is not a byte count (RFC 9110 §8.6) only sizes nothing.
  if (byob !== undefined) return readInto(byob, message.body, Number.isSafeInteger(declared) && declared >= 0 ? declared : undefined, maxBytes, opts);
  const reader = message.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      chunks.length = 0;
      await discard(reader, size, opts.drainUpTo);
      return { ok: false, reason: "too_large" };
    }
    chunks.push(value);
  }
  if (chunks.length === 1 && chunks[0] !== undefined) return { ok: true, bytes: chunks[0] };
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return { ok: true, bytes };
}

/**
 * Byte streams (request and fetch bodies in workerd and Node) are read into one buffer the reader
 * fills as far as it can: workerd hands a default reader 4 KiB at a time, so GitHub's 13.5 MiB upload
 * took ~3,400 reads (~80 ms); into a buffer it takes ~40. Anything else is read chunk by chunk.
 */
function byobReader(body: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | undefined {
  try {
    return body.getReader({ mode: "byob" });
  } catch {
    return undefined; // not a byte stream
  }
}

/** The first buffer holds the declared length, but never more than this before any byte arrived. */
const FIRST_BUFFER_MAX = 1024 * 1024;
const FIRST_BUFFER_UNDECLARED = 64 * 1024;

async function readInto(
  reader: ReadableStreamBYOBReader,
  body: ReadableStream<Uint8Array>,
  declared: number | undefined,
  maxBytes: number,
  opts: BoundedOptions,
): Promise<BoundedBody> {
  // One byte over the limit is room enough to see that a body is over it.
  const cap = maxBytes + 1;
  let buffer = new Uint8Array(Math.min(declared === undefined ? FIRST_BUFFER_UNDECLARED : declared + 1, FIRST_BUFFER_MAX, cap));
  let size = 0;
  for (;;) {
    if (size === buffer.byteLength) {
      // Doubling: what is held stays under twice what arrived (plus the first buffer), never over `cap`.
      const grown = new Uint8Array(Math.min(buffer.byteLength * 2, cap));
      grown.set(buffer);
      buffer = grown;
    }
    // The read transfers the buffer: its bytes come back in `value`, over the same memory.
    const { done, value } = await reader.read(new Uint8Array(buffer.buffer, size, buffer.byteLength - size));
    if (value === undefined) throw new TypeError("the body stream was cancelled while it was read");
    buffer = new Uint8Array(value.buffer);
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      reader.releaseLock();
      await discard(body.getReader(), size, opts.drainUpTo);
      return { ok: false, reason: "too_large" };
    }
  }
  return { ok: true, bytes: buffer.subarray(0, size) };
}
