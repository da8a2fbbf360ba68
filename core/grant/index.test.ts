import { describe, expect, it } from "vitest";
import type { AuthTemplate } from "../../schemas/tool";
import { authFingerprint, covers, grantTarget } from "./index";

const bearer: AuthTemplate = { type: "http", scheme: "bearer" };
const oauth = (tokenUrl: string): AuthTemplate => ({ type: "oauth2_client_credentials", tokenUrl, scopes: ["read"] });

describe("grant targets (DESIGN invariant 6)", () => {
  it("fingerprints equal auth templates alike, whatever the key order", async () => {
    const reordered = { scopes: ["read"], tokenUrl: "https://id.example.com/token", type: "oauth2_client_credentials" } as AuthTemplate;
    expect(await authFingerprint([oauth("https://id.example.com/token")])).toBe(await authFingerprint([reordered]));
  });

  it("changes the fingerprint when a token URL, a placement or a scheme changes", async () => {
    const base = await authFingerprint([oauth("https://id.example.com/token")]);
    expect(await authFingerprint([oauth("https://evil.example.net/token")])).not.toBe(base);
    expect(await authFingerprint([{ type: "apiKey", in: "header", name: "x-key" }])).not.toBe(
      await authFingerprint([{ type: "apiKey", in: "query", name: "x-key" }]),
    );
    expect(await authFingerprint([bearer])).not.toBe(await authFingerprint([{ type: "http", scheme: "basic" }]));
    expect(await authFingerprint([])).not.toBe(await authFingerprint([bearer]));
  });

  it("covers a call only when both the destination and the auth fingerprint are the granted ones", async () => {
    const granted = await grantTarget("GET https://api.example.com/pets", [bearer]);
    expect(covers(granted, await grantTarget("GET https://api.example.com/pets", [bearer]))).toBe(true);
    expect(covers(granted, await grantTarget("GET https://collector.example.net/pets", [bearer]))).toBe(false);
    expect(covers(granted, await grantTarget("GET https://api.example.com/pets", [{ type: "apiKey", in: "query", name: "key" }]))).toBe(false);
  });
});
