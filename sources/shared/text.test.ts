import { describe, expect, it } from "vitest";
import { ToolName } from "../../schemas";
import { cleanText, redact, redactJson, sanitizeToolName, uniqueName, upstreamMessage } from "./text";

describe("cleanText", () => {
  it("strips control and bidi characters but keeps newlines and tabs", () => {
    expect(cleanText("a\u0000b\u001bc\u202Ed\u2066e\r\nf\tg", 100)).toBe("abcde\nf\tg");
  });

  it("caps without splitting a surrogate pair", () => {
    const capped = cleanText(`${"a".repeat(8)}😀😀`, 10);
    expect(capped.length).toBeLessThanOrEqual(10);
    expect(capped.endsWith("…")).toBe(true);
    expect(capped).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });
});

describe("redact", () => {
  it("removes every form, longest first, so no prefix of a longer secret survives", () => {
    expect(redact("k=abcd1234 and abcd", ["abcd", "abcd1234"])).toBe("k=[redacted] and [redacted]");
  });

  it("redacts before capping, so a cut cannot leave half a secret", () => {
    const secret = "s".repeat(40);
    const message = upstreamMessage(`${"x".repeat(280)}${secret}`, [secret]);
    expect(message).not.toContain("ssss");
  });

  it("walks JSON values, member names included", () => {
    expect(redactJson({ list: ["tok1"], tok1: { n: 1 } }, ["tok1"])).toEqual({ list: ["[redacted]"], "[redacted]": { n: 1 } });
  });
});

describe("sanitizeToolName", () => {
  it("produces names the ToolName schema accepts", () => {
    for (const raw of ["ok", "weird name!", "-dash", ".dot", "ünï", "a".repeat(300), "/x"]) {
      const name = sanitizeToolName(raw);
      expect(name === null ? null : ToolName.safeParse(name).success).toBe(true);
    }
    expect(sanitizeToolName("")).toBeNull();
  });

  it("keeps names unique in order of appearance", () => {
    const taken = new Set<string>();
    expect([uniqueName("a", taken), uniqueName("a", taken), uniqueName("a", taken)]).toEqual(["a", "a_2", "a_3"]);
  });
});
