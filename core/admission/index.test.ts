import { describe, it, expect } from "vitest";
import type { Narrowing } from "../../schemas/principal";
import { AdmissionDecision } from "../../schemas/admission";
import { parseAddress } from "../address";
import { isDomainError } from "../errors";
import { chainOf, policy } from "../testing/fixtures";
import { admit, type AdmissibleTool } from "./index";

const bob = { chain: chainOf("org_acme", "user_bob"), narrowings: [] as Narrowing[] };
const AUTH = "1".repeat(64);
const HERE = { destination: "GET https://api.github.com/repos/{owner}/{repo}", auth: AUTH };

function entry(overrides: Partial<AdmissibleTool> = {}): AdmissibleTool {
  return {
    address: parseAddress("github.org_acme.work.repos/get"),
    placedScope: "org_acme",
    connection: { scope: "org_acme", name: "work" },
    sideEffect: "read",
    status: "granted",
    target: { current: HERE, granted: HERE, moved: false },
    ...overrides,
  };
}

describe("admit", () => {
  it("admits a visible, granted read by default and says so", () => {
    const decision = admit(bob, entry(), []);
    expect(decision.outcome).toBe("admit");
    expect(decision.reason.code).toBe("allowed_by_default");
    expect(decision.reason.message).toContain("github.org_acme.work.repos/get");
    expect(decision.decidingScope).toBe("org_acme");
    expect(AdmissionDecision.safeParse(decision).success).toBe(true);
  });

  it("rejects a source placed in a scope the principal does not hold", () => {
    const decision = admit(bob, entry({ placedScope: "user_alice" }), []);
    expect(decision).toMatchObject({ outcome: "reject", rule: null, decidingScope: null });
    expect(decision.reason.code).toBe("not_visible");
    expect(decision.reason.message).toContain("'user_alice'");
  });

  it("rejects a connection owned by a scope the principal does not hold", () => {
    const address = parseAddress("github.user_alice.work.repos/get");
    const decision = admit(bob, entry({ address, connection: { scope: "user_alice", name: "work" } }), []);
    expect(decision.reason.code).toBe("not_visible");
    expect(decision.reason.message).toMatch(/Connection 'work'.*'user_alice'/);
  });

  it("rejects a tool outside a granted toolkit, naming the toolkit", () => {
    const narrowed = { ...bob, narrowings: [{ label: "org_acme/slack-only", tools: [], patterns: ["slack.*.*.*"] }] };
    const decision = admit(narrowed, entry(), []);
    expect(decision.reason).toEqual({
      code: "outside_toolkit",
      message: "Tool 'github.org_acme.work.repos/get' is outside toolkit 'org_acme/slack-only'.",
    });
  });

  it("checks visibility before the toolkit, so a hidden tool is never reported by toolkit", () => {
    const narrowed = { ...bob, narrowings: [{ label: "none", tools: [], patterns: [] }] };
    expect(admit(narrowed, entry({ placedScope: "org_other" }), []).reason.code).toBe("not_visible");
  });

  it("rejects a tool awaiting review even when a policy would approve it", () => {
    const decision = admit(bob, entry({ status: "awaiting_review" }), [policy("org_acme", "approve")]);
    expect(decision.outcome).toBe("reject");
    expect(decision.reason.code).toBe("awaiting_review");
  });

  it("rejects a tool a refresh moved (grant withdrawn), distinctly from a new one, even when a policy would approve it", () => {
    const moved = entry({ status: "awaiting_review", target: { current: HERE, granted: { ...HERE, destination: "GET https://old.example.com/x" }, moved: true } });
    const decision = admit(bob, moved, [policy("org_acme", "approve")]);
    expect(decision.outcome).toBe("reject");
    expect(decision.reason.code).toBe("destination_moved");
    expect(decision.reason.message).toContain("changed where it sends its request or credential");
  });

  it("rejects a granted tool whose destination differs from the granted one (defence in depth)", () => {
    const elsewhere = { ...HERE, destination: "GET https://collector.example.net/repos/{owner}/{repo}" };
    const decision = admit(bob, entry({ target: { current: elsewhere, granted: HERE, moved: false } }), [policy("org_acme", "approve")]);
    expect(decision.outcome).toBe("reject");
    expect(decision.reason.code).toBe("destination_moved");
    expect(decision.reason.message).toContain("collector.example.net");
  });

  it("rejects a granted tool whose source's auth templates differ from the granted ones (a token URL or placement moved)", () => {
    const otherAuth = { ...HERE, auth: "2".repeat(64) };
    const decision = admit(bob, entry({ target: { current: otherAuth, granted: HERE, moved: false } }), []);
    expect(decision.reason.code).toBe("destination_moved");
  });

  it("admits a grant recorded before destinations were (it covers the stored definition)", () => {
    const decision = admit(bob, entry({ target: { current: HERE, granted: null, moved: false } }), []);
    expect(decision.outcome).toBe("admit");
  });

  it("rejects a call blocked by policy and records the deciding rule", () => {
    const block = policy("org_acme", "block", { tools: "repos/*" });
    const decision = admit(bob, entry(), [block]);
    expect(decision.outcome).toBe("reject");
    expect(decision.reason.code).toBe("blocked_by_policy");
    expect(decision.reason.message).toContain(block.id);
    expect(decision.rule).toMatchObject({ kind: "policy", policyId: block.id, action: "block" });
    expect(decision.decidingScope).toBe("org_acme");
  });

  it("requires approval by policy, naming the scope whose member may approve", () => {
    const decision = admit(bob, entry(), [policy("user_bob", "require_approval")]);
    expect(decision.outcome).toBe("require_approval");
    expect(decision.reason.code).toBe("approval_required_by_policy");
    expect(decision.decidingScope).toBe("user_bob");
    expect(decision.reason.message).toContain("from a member of scope 'user_bob'");
  });

  it("requires approval for a destructive operation by default", () => {
    const decision = admit(bob, entry({ sideEffect: "destructive" }), []);
    expect(decision.outcome).toBe("require_approval");
    expect(decision.reason.code).toBe("approval_required_by_default");
    expect(decision.rule).toEqual({ kind: "default", action: "require_approval" });
  });

  it("admits a destructive operation an explicit policy approves", () => {
    const decision = admit(bob, entry({ sideEffect: "destructive" }), [policy("org_acme", "approve")]);
    expect(decision.outcome).toBe("admit");
    expect(decision.reason.code).toBe("allowed_by_policy");
  });

  it("refuses to decide for a connection the address does not name", () => {
    try {
      admit(bob, entry({ connection: { scope: "org_acme", name: "personal" } }), []);
      expect.unreachable();
    } catch (e) {
      expect(isDomainError(e, "inconsistent_tool")).toBe(true);
    }
  });
});
