import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { isDomainError } from "../errors";
import { compilePattern, globMatch, matchesPattern, matchesToolGlob } from "./index";

/** A reference matcher for small inputs only (regex backtracking is fine at this size). */
function referenceGlob(glob: string, text: string): boolean {
  const source = glob
    .split("*")
    .map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join("[\\s\\S]*");
  return new RegExp(`^${source}$`).test(text);
}

describe("globMatch", () => {
  it("treats '*' as any run of characters, including none", () => {
    expect(globMatch("repos/*", "repos/get")).toBe(true);
    expect(globMatch("repos/*", "repos/")).toBe(true);
    expect(globMatch("*", "")).toBe(true);
    expect(globMatch("*delete*", "repos/delete-branch")).toBe(true);
    expect(globMatch("a*b*c", "abxc")).toBe(true);
    expect(globMatch("a*b*c", "acxb")).toBe(false);
  });

  it("treats regex metacharacters as literal characters", () => {
    expect(globMatch("files.read", "files.read")).toBe(true);
    expect(globMatch("files.read", "filesXread")).toBe(false);
    expect(globMatch("a+b", "aab")).toBe(false);
    expect(globMatch("(x)|y", "(x)|y")).toBe(true);
    expect(globMatch("[ab]", "a")).toBe(false);
  });

  it("stays fast on a pathological glob that would make a regex backtrack exponentially", () => {
    const glob = `${"*a".repeat(60)}*b`;
    const text = "a".repeat(128);
    const started = performance.now();
    expect(globMatch(glob, text)).toBe(false);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it("agrees with a reference regex translation", () => {
    const alphabet = fc.constantFrom("a", "b", ".", "/", "*", "+");
    const glob = fc.array(alphabet, { maxLength: 8 }).map((cs) => cs.join(""));
    const text = fc.array(fc.constantFrom("a", "b", ".", "/", "+"), { maxLength: 10 }).map((cs) => cs.join(""));
    fc.assert(fc.property(glob, text, (g, t) => globMatch(g, t) === referenceGlob(g, t)), { numRuns: 2000 });
  });
});

describe("matchesPattern", () => {
  it("matches an address segment by segment", () => {
    expect(matchesPattern("github.org_acme.*.repos/*", "github.org_acme.work.repos/get")).toBe(true);
    expect(matchesPattern("github.org_acme.*.repos/*", "github.org_acme.personal.repos/list")).toBe(true);
    expect(matchesPattern("github.org_acme.*.repos/*", "github.user_bob.work.repos/get")).toBe(false);
    expect(matchesPattern("github.org_acme.*.repos/*", "github.org_acme.work.issues/list")).toBe(false);
  });

  it("never lets a '*' in the first three segments span a dot", () => {
    // If '*' crossed dots, `g*.org.work.t` could swallow segments; the address below has source `gh`.
    expect(matchesPattern("g*.org.work.*", "gh.org.work.x.y")).toBe(true);
    expect(matchesPattern("*.work.*.*", "gh.org.work.x")).toBe(false);
  });

  it("lets '*' in the tool segment span dots and slashes", () => {
    expect(matchesPattern("mcp.user_bob.personal.*", "mcp.user_bob.personal.files.read/v2")).toBe(true);
    expect(matchesPattern("*.*.*.*", "a.b.c.d.e.f")).toBe(true);
  });

  it("matches a pattern without stars only by equality, dots taken literally", () => {
    expect(matchesPattern("mcp.org.work.files.read", "mcp.org.work.files.read")).toBe(true);
    expect(matchesPattern("mcp.org.work.files.read", "mcp.org.work.filesXread")).toBe(false);
  });

  it("does not match a string with fewer than four segments", () => {
    expect(compilePattern("*.*.*.*")("a.b.c")).toBe(false);
  });

  it("rejects a malformed pattern with invalid_pattern", () => {
    for (const bad of ["github.org", "GitHub.org.work.*", "a.b.c.d e", ""]) {
      try {
        compilePattern(bad);
        expect.unreachable(bad);
      } catch (e) {
        expect(isDomainError(e, "invalid_pattern")).toBe(true);
      }
    }
  });
});

describe("matchesToolGlob", () => {
  it("matches a tool name against a policy glob", () => {
    expect(matchesToolGlob("*", "repos/delete")).toBe(true);
    expect(matchesToolGlob("repos/*", "repos/delete")).toBe(true);
    expect(matchesToolGlob("repos/*", "issues/list")).toBe(false);
  });

  it("rejects a glob with characters a tool name cannot contain", () => {
    expect(() => matchesToolGlob("repos/(.*)", "repos/get")).toThrow(/tool glob/);
    try {
      matchesToolGlob("", "x");
    } catch (e) {
      expect(isDomainError(e, "invalid_glob")).toBe(true);
    }
  });
});
