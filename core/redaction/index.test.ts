import { describe, expect, it } from "vitest";
import { REDACTED, Redactor, credentialValues, redactJson, redactText, wireForms } from "./index";

// Each form written out independently of the implementation, the way an upstream would echo it.
const SECRET = `Cn!'()*~ +/="x\\é-5d1e9`;
const b64 = (s: string): string => Buffer.from(s, "utf8").toString("base64");
const echoes = [
  SECRET,
  encodeURIComponent(SECRET),
  encodeURIComponent(SECRET).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
  encodeURIComponent(SECRET).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16)}`).toLowerCase(),
  new URLSearchParams({ k: SECRET }).toString().slice(2),
  encodeURI(SECRET),
  JSON.stringify(SECRET).slice(1, -1),
  b64(SECRET),
  b64(SECRET).replace(/=+$/, ""),
  Buffer.from(SECRET, "utf8").toString("base64url"),
];

describe("wire forms of a secret", () => {
  it.each(echoes.map((e, i) => [i, e]))("redacts echo form %i wherever it appears", (_i, echo) => {
    const text = `{"links":{"self":"https://api.example/v1?key=${echo}&page=2"}}`;
    const out = redactText(text, [SECRET]);
    expect(out).not.toContain(echo);
    expect(out).toContain(REDACTED);
    expect(out).toContain("page=2");
  });

  it("matches percent-encoding whatever the case of its hex digits (RFC 3986 §2.1)", () => {
    const upper = encodeURIComponent("a/b c!d").replace(/!/g, "%21");
    expect(redactText(`x=${upper.toLowerCase()}`, ["a/b c!d"])).toBe(`x=${REDACTED}`);
  });

  it("removes the longest form first, so no part of a longer form survives", () => {
    expect(redactText("abcdef abcd", ["abcd", "abcdef"])).toBe(`${REDACTED} ${REDACTED}`);
  });

  it("treats regex metacharacters in a secret as literals and ignores values too short to be secrets", () => {
    expect(redactText("a.*b and axxb", ["a.*b"])).toBe(`${REDACTED} and axxb`);
    expect(redactText("abc", ["ab"])).toBe("abc");
    expect(wireForms("ab")).toEqual([]);
  });

  it("splits user:password and client_id:secret so the password alone is redacted too", () => {
    expect(credentialValues("ada:pässword")).toEqual(["ada:pässword", "pässword"]);
    expect(redactText("you said pässword", credentialValues("ada:pässword"))).toBe(`you said ${REDACTED}`);
  });

  it("walks JSON values, member names included, and leaves other values alone", () => {
    const r = new Redactor([SECRET]);
    expect(r.json({ [SECRET]: [SECRET, 1, true, null], n: 2 })).toEqual({ [REDACTED]: [REDACTED, 1, true, null], n: 2 });
    expect(redactJson({ a: "b" }, [])).toEqual({ a: "b" });
  });
});
