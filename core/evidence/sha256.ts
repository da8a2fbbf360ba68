/**
 * SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), synchronous and self-contained.
 *
 * Why not WebCrypto: the run ledger appends an event per state change and each append hashes the record
 * and MACs the link. `crypto.subtle` only answers with a promise, and an await between reading the
 * chain's head and writing the next event lets another call read the same head, so appends had to be
 * queued one after another behind a mutex. Computed synchronously, the read, the hashes and the write
 * run as one uninterrupted step of the Durable Object: no other call can interleave, no queue is needed.
 * Outputs are byte-identical to WebCrypto's (sha256.test.ts checks the FIPS and RFC 4231 vectors and
 * random inputs against node:crypto).
 */

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
  0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
  0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

const IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19] as const;

/** The message schedule, reused by every compression (this module never runs two at once). */
const W = new Uint32Array(64);

/** Compresses the 64-byte blocks of `data` from `offset` (a multiple of 64 bytes each) into `state`. */
function compress(state: Uint32Array, data: Uint8Array, offset: number, end: number): void {
  let h0 = state[0]!, h1 = state[1]!, h2 = state[2]!, h3 = state[3]!, h4 = state[4]!, h5 = state[5]!, h6 = state[6]!, h7 = state[7]!;
  for (let p = offset; p < end; p += 64) {
    for (let i = 0; i < 16; i++) {
      const j = p + i * 4;
      W[i] = (data[j]! << 24) | (data[j + 1]! << 16) | (data[j + 2]! << 8) | data[j + 3]!;
    }
    for (let i = 16; i < 64; i++) {
      const w15 = W[i - 15]!, w2 = W[i - 2]!;
      const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
      const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
      W[i] = (W[i - 16]! + s0 + W[i - 7]! + s1) | 0;
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + S1 + ch + K[i]! + W[i]!) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
    h5 = (h5 + f) | 0;
    h6 = (h6 + g) | 0;
    h7 = (h7 + h) | 0;
  }
  state[0] = h0;
  state[1] = h1;
  state[2] = h2;
  state[3] = h3;
  state[4] = h4;
  state[5] = h5;
  state[6] = h6;
  state[7] = h7;
}

/**
 * Finishes a hash whose `state` already covers `prefixBytes` bytes (0, or one block for HMAC's
 * precomputed pads) by absorbing `data` and the padding (FIPS 180-4 §5.1.1). Returns the 32-byte digest.
 */
function finish(state: Uint32Array, prefixBytes: number, data: Uint8Array): Uint8Array {
  const full = data.length - (data.length % 64);
  compress(state, data, 0, full);
  const rest = data.length - full;
  const tail = new Uint8Array(rest < 56 ? 64 : 128);
  tail.set(data.subarray(full));
  tail[rest] = 0x80;
  // The message length in bits as a 64-bit big-endian integer (lengths here stay far below 2^53).
  const bits = (prefixBytes + data.length) * 8;
  const view = new DataView(tail.buffer);
  view.setUint32(tail.length - 8, Math.floor(bits / 0x1_0000_0000));
  view.setUint32(tail.length - 4, bits >>> 0);
  compress(state, tail, 0, tail.length);
  const out = new Uint8Array(32);
  const outView = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) outView.setUint32(i * 4, state[i]!);
  return out;
}

export function sha256(data: Uint8Array): Uint8Array {
  return finish(Uint32Array.from(IV), 0, data);
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (let i = 0; i < bytes.length; i++) hex += HEX[bytes[i]!];
  return hex;
}

const enc = new TextEncoder();

/** Lowercase hex SHA-256 of the UTF-8 bytes of `text`, synchronously. */
export function sha256HexSync(text: string): string {
  return toHex(sha256(enc.encode(text)));
}

/**
 * An HMAC-SHA256 key with its inner and outer pad blocks already absorbed (RFC 2104 §4), so each MAC
 * costs the message's blocks plus two. Holds key material: never serialize, log or return it.
 */
export class HmacSha256Key {
  readonly #inner: Uint32Array;
  readonly #outer: Uint32Array;

  constructor(key: Uint8Array) {
    const block = new Uint8Array(64);
    block.set(key.length > 64 ? sha256(key) : key);
    const pad = new Uint8Array(64);
    this.#inner = Uint32Array.from(IV);
    for (let i = 0; i < 64; i++) pad[i] = block[i]! ^ 0x36;
    compress(this.#inner, pad, 0, 64);
    this.#outer = Uint32Array.from(IV);
    for (let i = 0; i < 64; i++) pad[i] = block[i]! ^ 0x5c;
    compress(this.#outer, pad, 0, 64);
    block.fill(0);
    pad.fill(0);
  }

  /** The 32-byte HMAC-SHA256 of `message`. */
  sign(message: Uint8Array): Uint8Array {
    const inner = finish(Uint32Array.from(this.#inner), 64, message);
    return finish(Uint32Array.from(this.#outer), 64, inner);
  }

  /** Whether `mac` (lowercase hex) is the MAC of `message`, compared in time independent of where they differ. */
  verifyHex(message: Uint8Array, mac: string): boolean {
    const expected = toHex(this.sign(message));
    if (mac.length !== expected.length) return false;
    let diff = 0;
    for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ mac.charCodeAt(i);
    return diff === 0;
  }

  toJSON(): string {
    return "[HmacSha256Key]";
  }
}

export function hmacSha256(key: Uint8Array, message: Uint8Array): Uint8Array {
  return new HmacSha256Key(key).sign(message);
}
