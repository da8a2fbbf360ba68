/**
 * Reads a response body without ever holding more than `maxBytes` of it: a Worker isolate has 128 MB,
 * and neither an upstream nor a document host may spend it for us.
 */
export type BoundedBody = { ok: true; bytes: Uint8Array } | { ok: false; reason: "too_large" };

export async function readBounded(response: Response, maxBytes: number): Promise<BoundedBody> {
  const declared = Number(response.headers.get("content-length") ?? "NaN");
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    return { ok: false, reason: "too_large" };
  }
  if (response.body === null) return { ok: true, bytes: new Uint8Array(0) };
  const reader = response.body.getReader();
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

/** UTF-8 decoding with a BOM stripped, replacing malformed sequences rather than failing. */
export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
