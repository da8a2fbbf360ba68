import { describe, expect, it } from "vitest";
import { scrubValue } from "./execute";

describe("scrubbing results of secrets", () => {
  it("removes a secret from every string leaf and key, however deep", () => {
    const secret = "s3cr3t-token";
    const value = { a: `x ${secret} y`, list: [secret, { [secret]: `Bearer ${secret}` }], n: 1, b: true, z: null };
    expect(JSON.stringify(scrubValue(value, [secret]))).not.toContain(secret);
    expect(scrubValue(value, [secret])).toMatchObject({ n: 1, b: true, z: null });
  });

  it("finds a secret whose characters JSON would escape", () => {
    const secret = 'alice:p4ss"word\\x';
    const echoed = { you_sent: `Basic auth ${secret}` };
    const out = scrubValue(echoed, [secret]);
    expect(JSON.stringify(out)).not.toContain(JSON.stringify(secret).slice(1, -1));
    expect((out as { you_sent: string }).you_sent).not.toContain(secret);
  });

  it("removes the base64 and URL-encoded forms too", () => {
    const secret = "user:pa ss";
    const out = JSON.stringify(scrubValue({ h: `Basic ${btoa(secret)}`, q: `?k=${encodeURIComponent(secret)}` }, [secret]));
    expect(out).not.toContain(btoa(secret));
    expect(out).not.toContain(encodeURIComponent(secret));
  });
});
