import { describe, expect, it } from "vitest";
import { redactText } from "../../core/redaction";
import { placeCredential } from "./credential";

const URL_ = "https://api.example.com/mcp?v=1";

describe("placeCredential", () => {
  it("puts a bearer token in Authorization, replacing a static header of any case", () => {
    const placed = placeCredential(URL_, { authorization: "stale", "X-Team": "web" }, {
      template: { type: "http", scheme: "bearer" },
      secret: "t0k",
    });
    expect(placed).toEqual({
      ok: true,
      placed: { url: URL_, headers: { "X-Team": "web", Authorization: "Bearer t0k" }, secrets: ["t0k"] },
    });
  });

  it("encodes basic credentials and lists the credential and the password for redaction (core/redaction adds base64)", () => {
    const placed = placeCredential(URL_, undefined, { template: { type: "http", scheme: "basic" }, secret: "ada:pässword" });
    const header = `Basic ${Buffer.from("ada:pässword").toString("base64")}`;
    expect(placed.ok && placed.placed.headers["Authorization"]).toBe(header);
    expect(placed.ok && placed.placed.secrets).toEqual(["ada:pässword", "pässword"]);
    expect(placed.ok && redactText(`you sent ${header}`, placed.placed.secrets)).toBe("you sent Basic [redacted]");
  });

  it("places apiKey credentials in a header, the query or a cookie", () => {
    const header = placeCredential(URL_, undefined, { template: { type: "apiKey", in: "header", name: "X-Key" }, secret: "k" });
    expect(header.ok && header.placed.headers).toEqual({ "X-Key": "k" });
    const query = placeCredential(URL_, undefined, { template: { type: "apiKey", in: "query", name: "key" }, secret: "a b c" });
    expect(query.ok && query.placed.url).toBe("https://api.example.com/mcp?v=1&key=a+b+c");
    expect(query.ok && redactText(query.placed.url, query.placed.secrets)).toBe("https://api.example.com/mcp?v=1&key=[redacted]");
    const cookie = placeCredential(URL_, undefined, { template: { type: "apiKey", in: "cookie", name: "sid" }, secret: "c" });
    expect(cookie.ok && cookie.placed.headers).toEqual({ Cookie: "sid=c" });
  });

  it("refuses to send client credentials raw: the token exchange is the platform's", () => {
    const placed = placeCredential(URL_, undefined, {
      template: { type: "oauth2_client_credentials", tokenUrl: "https://id.example.com/token", scopes: [] },
      secret: "id:secret",
    });
    expect(placed.ok).toBe(false);
  });
});
