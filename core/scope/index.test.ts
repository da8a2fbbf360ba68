import { describe, it, expect } from "vitest";
import type { ScopeChain } from "../../schemas/scope";
import { isDomainError } from "../errors";
import { chainIds, depth, holdsScope, innermost, innermostValue, isVisible, mergeScalars, outermost } from "./index";

const chain: ScopeChain = [
  { id: "org_acme", kind: "org" },
  { id: "team_web", kind: "team" },
  { id: "user_bob", kind: "user" },
];

describe("scope chain helpers", () => {
  it("lists the chain's ids outermost first", () => {
    expect(chainIds(chain)).toEqual(["org_acme", "team_web", "user_bob"]);
  });

  it("holds exactly the scopes in the chain", () => {
    expect(holdsScope(chain, "team_web")).toBe(true);
    expect(holdsScope(chain, "user_alice")).toBe(false);
  });

  it("counts depth from the outermost scope, null when not held", () => {
    expect(depth(chain, "org_acme")).toBe(0);
    expect(depth(chain, "user_bob")).toBe(2);
    expect(depth(chain, "org_other")).toBeNull();
  });

  it("names the outermost and innermost scopes", () => {
    expect(outermost(chain).id).toBe("org_acme");
    expect(innermost(chain).id).toBe("user_bob");
  });

  it("rejects an empty chain with invalid_chain", () => {
    try {
      outermost([]);
      expect.unreachable();
    } catch (e) {
      expect(isDomainError(e, "invalid_chain")).toBe(true);
    }
  });
});

describe("isVisible (DESIGN §3: union over the chain)", () => {
  it("sees what is placed in any held scope, outer or inner", () => {
    expect(isVisible(chain, "org_acme")).toBe(true);
    expect(isVisible(chain, "user_bob")).toBe(true);
  });

  it("does not see what is placed in another user's scope of the same org", () => {
    expect(isVisible(chain, "user_alice")).toBe(false);
  });
});

describe("scalars (DESIGN §3: innermost wins)", () => {
  it("takes the innermost held scope's value", () => {
    expect(innermostValue(chain, { org_acme: "org", user_bob: "bob" })).toBe("bob");
    expect(innermostValue(chain, { org_acme: "org", team_web: "team" })).toBe("team");
  });

  it("ignores values set in scopes the chain does not hold", () => {
    expect(innermostValue(chain, { org_acme: "org", user_alice: "alice" })).toBe("org");
    expect(innermostValue(chain, { user_alice: "alice" })).toBeUndefined();
  });

  it("treats undefined as unset but null as a deliberate value", () => {
    expect(innermostValue<string | null>(chain, { org_acme: "org", user_bob: undefined })).toBe("org");
    expect(innermostValue<string | null>(chain, { org_acme: "org", user_bob: null })).toBeNull();
  });

  it("merges settings key by key, each key from the innermost scope that sets it", () => {
    const merged = mergeScalars<{ region: string; timeoutMs: number; retries: number }>(chain, {
      org_acme: { region: "eu", timeoutMs: 5000, retries: 1 },
      team_web: { timeoutMs: 10_000 },
      user_bob: { retries: 3, region: undefined },
      user_alice: { region: "us" },
    });
    expect(merged).toEqual({ region: "eu", timeoutMs: 10_000, retries: 3 });
  });

  it("keeps a '__proto__' key as data instead of changing the result's prototype", () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const merged = mergeScalars(chain, { user_bob: hostile });
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.hasOwn(merged, "__proto__")).toBe(true);
  });
});
