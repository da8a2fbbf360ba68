import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { ToolAddress } from "../../schemas/address";
import { DomainError } from "../errors";
import { formatAddress, parseAddress, tryParseAddress } from "./index";

function parseError(text: string): DomainError {
  const result = tryParseAddress(text);
  if (result.ok) throw new Error(`expected ${text} to be rejected`);
  return result.error;
}

const slug = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/);
const scopeId = fc.stringMatching(/^[a-z][a-z0-9_-]{0,20}$/);
const toolName = fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_./-]{0,40}$/);

describe("parseAddress", () => {
  it("splits a well-formed address into its four segments", () => {
    const parsed = parseAddress("github.org_acme.work.repos/get");
    expect(parsed).toEqual({
      source: "github",
      scope: "org_acme",
      connection: "work",
      tool: "repos/get",
      address: "github.org_acme.work.repos/get",
    });
  });

  it("keeps every dot after the third inside the tool segment", () => {
    const parsed = parseAddress("mcp.user_bob.personal.files.read.v2");
    expect(parsed.connection).toBe("personal");
    expect(parsed.tool).toBe("files.read.v2");
  });

  it("reports the segment count when there are fewer than four segments", () => {
    const error = parseError("github.org_acme");
    expect(error.code).toBe("invalid_address");
    expect(error.message).toBe("expected 4 segments separated by '.', got 2");
    expect(parseError("").message).toBe("expected 4 segments separated by '.', got 0");
  });

  it("names the empty segment", () => {
    for (const [text, field] of [
      [".org_acme.work.t", "source"],
      ["github..work.t", "scope"],
      ["github.org_acme..t", "connection"],
      ["github.org_acme.work.", "tool"],
    ] as const) {
      const error = parseError(text);
      expect(error.field).toBe(field);
      expect(error.message).toBe(`segment '${field}' is empty`);
    }
  });

  it("names the malformed segment and says what it must look like", () => {
    const source = parseError("GitHub.org_acme.work.repos/get");
    expect(source.field).toBe("source");
    expect(source.message).toMatch(/^segment 'source' must be 1-63 chars/);
    expect(source.message).toContain('"GitHub"');

    const scope = parseError("github.9org.work.repos/get");
    expect(scope.field).toBe("scope");
    expect(scope.message).toMatch(/^segment 'scope' must be 1-64 chars.*starting with a letter/);

    expect(parseError("github.org_acme.my_conn.t").field).toBe("connection");
    expect(parseError("github.org_acme.work.repos get").field).toBe("tool");
    expect(parseError("github.org_acme.work.-x").field).toBe("tool");
  });

  it("throws a DomainError with code invalid_address", () => {
    expect(() => parseAddress("nope")).toThrow(DomainError);
    try {
      parseAddress("a.b.c");
      expect.unreachable();
    } catch (e) {
      expect(e instanceof DomainError && e.code).toBe("invalid_address");
    }
  });

  it("rejects over-long segments", () => {
    expect(parseError(`${"a".repeat(64)}.org.work.t`).field).toBe("source");
    expect(parseError(`gh.org.work.${"t".repeat(129)}`).field).toBe("tool");
  });
});

describe("formatAddress", () => {
  it("joins valid parts into a branded address", () => {
    const address = formatAddress({ source: "slack", scope: "user_a1", connection: "personal", tool: "chat.post" });
    expect(address).toBe("slack.user_a1.personal.chat.post");
  });

  it("reports a dot in a dot-free segment as that segment's error instead of shifting segments", () => {
    try {
      formatAddress({ source: "git.hub", scope: "org", connection: "work", tool: "t" });
      expect.unreachable();
    } catch (e) {
      expect(e instanceof DomainError && e.field).toBe("source");
    }
  });
});

describe("address properties", () => {
  it("round-trips: parse(format(parts)) returns the same parts", () => {
    fc.assert(
      fc.property(slug, scopeId, slug, toolName, (source, scope, connection, tool) => {
        const parts = { source, scope, connection, tool };
        const parsed = parseAddress(formatAddress(parts));
        expect({ ...parsed, address: undefined }).toEqual({ ...parts, address: undefined });
        expect(formatAddress(parsed)).toBe(parsed.address);
      }),
    );
  });

  it("accepts exactly what the ToolAddress schema accepts", () => {
    const candidate = fc.oneof(
      fc.string({ maxLength: 40 }),
      fc.tuple(slug, scopeId, slug, toolName).map((p) => p.join(".")),
      fc.stringMatching(/^[a-zA-Z0-9._\-/ ]{0,30}$/),
    );
    fc.assert(
      fc.property(candidate, (text) => {
        expect(tryParseAddress(text).ok).toBe(ToolAddress.safeParse(text).success);
      }),
      { numRuns: 500 },
    );
  });
});
