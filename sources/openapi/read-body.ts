export { readBounded } from "../../core/bytes";
export type { BoundedBody } from "../../core/bytes";

/** UTF-8 decoding with a BOM stripped, replacing malformed sequences rather than failing. */
export function decodeText(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}
