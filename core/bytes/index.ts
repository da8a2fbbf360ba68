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
