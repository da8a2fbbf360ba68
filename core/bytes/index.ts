/**
 * Reads a request or response body without ever holding more than `maxBytes` of it: a Worker isolate
 * has 128 MB, and neither a client nor an upstream may spend it for us. The declared length is
 * checked first, then the bytes as they stream.
 */
export type BoundedBody = { ok: true; bytes: Uint8Array } | { ok: false; reason: "too_large" };

export async function readBounded(message: { headers: Headers; body: ReadableStream<Uint8Array> | null }, maxBytes: number): Promise<BoundedBody> {
  const declared = Number(message.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) {
    await message.body?.cancel();
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
      await reader.cancel();
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
