import { describe, it, expect } from "vitest";
import { chainOf, policy, tool } from "../testing/fixtures";
import { defaultAction, resolvePolicy, restrictiveness } from "./index";

const chain = chainOf("org_acme", "user_bob");
const work = { scope: "org_acme", name: "work" };

describe("resolvePolicy: defaults", () => {
  it("approves a read with no policy, decided by the outermost scope", () => {
    const result = resolvePolicy({ chain, policies: [], tool: tool({ sideEffect: "read" }) });
    expect(result).toEqual({ action: "approve", rule: { kind: "default", action: "approve" }, decidingScope: "org_acme" });
  });

  it("requires approval for a destructive operation with no policy", () => {
    const result = resolvePolicy({ chain, policies: [], tool: tool({ sideEffect: "destructive" }) });
    expect(result.action).toBe("require_approval");
    expect(result.rule).toEqual({ kind: "default", action: "require_approval" });
  });

  it("requires approval for a write on a source that configures the platform, and only there", () => {
    const platform = resolvePolicy({ chain, policies: [], tool: { ...tool({ sideEffect: "write" }), gatesWrites: true } });
    expect(platform).toEqual({ action: "require_approval", rule: { kind: "default", action: "require_approval" }, decidingScope: "org_acme" });
    expect(resolvePolicy({ chain, policies: [], tool: tool({ sideEffect: "write" }) }).action).toBe("approve");
    expect(resolvePolicy({ chain, policies: [], tool: { ...tool({ sideEffect: "read" }), gatesWrites: true } }).action).toBe("approve");
  });

  it("ignores a member's own approve of a platform write placed in the org", () => {
    const userApprove = policy("user_bob", "approve", { tools: "*" });
    const result = resolvePolicy({ chain, policies: [userApprove], tool: { ...tool({ sideEffect: "write" }), gatesWrites: true } });
    expect(result.action).toBe("require_approval");
    expect(result.decidingScope).toBe("org_acme");
  });

  it("lets an explicit approve override a destructive flag", () => {
    const approve = policy("org_acme", "approve", { tools: "repos/delete" });
    const result = resolvePolicy({ chain, policies: [approve], tool: tool({ name: "repos/delete", sideEffect: "destructive" }) });
    expect(result.action).toBe("approve");
    expect(result.rule).toMatchObject({ kind: "policy", policyId: approve.id, level: "source" });
  });

  it("ignores an inner scope's approve of a destructive operation on an outer source", () => {
    const userApprove = policy("user_bob", "approve", { tools: "repos/delete" });
    const result = resolvePolicy({
      chain,
      policies: [userApprove],
      tool: tool({ name: "repos/delete", sideEffect: "destructive" }),
    });
    expect(result).toEqual({
      action: "require_approval",
      rule: { kind: "default", action: "require_approval" },
      decidingScope: "org_acme",
    });
  });

  it("lets an inner scope tighten the default with a block", () => {
    const userBlock = policy("user_bob", "block");
    const result = resolvePolicy({ chain, policies: [userBlock], tool: tool({ name: "repos/get" }) });
    expect(result.action).toBe("block");
    expect(result.decidingScope).toBe("user_bob");
  });

  it("orders actions block > require_approval > approve", () => {
    expect(restrictiveness("block")).toBeGreaterThan(restrictiveness("require_approval"));
    expect(restrictiveness("require_approval")).toBeGreaterThan(restrictiveness("approve"));
    expect(defaultAction("write")).toBe("approve");
  });
});

describe("resolvePolicy: which policies apply", () => {
  it("ignores a policy placed in a scope the chain does not hold", () => {
    const result = resolvePolicy({ chain, policies: [policy("user_alice", "block")], tool: tool() });
    expect(result.rule.kind).toBe("default");
  });

  it("ignores a policy on another source", () => {
    const result = resolvePolicy({ chain, policies: [policy("org_acme", "block", { source: "slack" })], tool: tool() });
    expect(result.action).toBe("approve");
  });

  it("applies a policy only to tools its glob matches", () => {
    const block = policy("org_acme", "block", { tools: "repos/delete*" });
    expect(resolvePolicy({ chain, policies: [block], tool: tool({ name: "repos/get" }) }).action).toBe("approve");
    expect(resolvePolicy({ chain, policies: [block], tool: tool({ name: "repos/delete" }) }).action).toBe("block");
  });

  it("applies a connection policy only to that connection, identified by scope and name", () => {
    const block = policy("org_acme", "block", { connection: work });
    expect(resolvePolicy({ chain, policies: [block], tool: tool({ connection: work }) }).action).toBe("block");
    const personal = tool({ connection: { scope: "org_acme", name: "personal" } });
    expect(resolvePolicy({ chain, policies: [block], tool: personal }).action).toBe("approve");
    const bobsWork = tool({ connection: { scope: "user_bob", name: "work" } });
    expect(resolvePolicy({ chain, policies: [block], tool: bobsWork }).action).toBe("approve");
  });
});

describe("resolvePolicy: merging (DESIGN §3)", () => {
  it("lets a connection policy override its source policy within one scope", () => {
    const sourceBlock = policy("org_acme", "block");
    const connectionApprove = policy("org_acme", "approve", { connection: work });
    const result = resolvePolicy({ chain, policies: [sourceBlock, connectionApprove], tool: tool({ connection: work }) });
    expect(result.action).toBe("approve");
    expect(result.rule).toMatchObject({ policyId: connectionApprove.id, level: "connection" });
  });

  it("takes the most restrictive among several policies of the same level in one scope", () => {
    const policies = [policy("org_acme", "approve"), policy("org_acme", "require_approval", { tools: "repos/*" })];
    expect(resolvePolicy({ chain, policies, tool: tool() }).action).toBe("require_approval");
  });

  it("never lets an inner scope weaken an outer block, even at connection level", () => {
    const orgBlock = policy("org_acme", "block");
    const userApprove = policy("user_bob", "approve", { connection: work });
    const result = resolvePolicy({ chain, policies: [orgBlock, userApprove], tool: tool({ connection: work }) });
    expect(result).toMatchObject({ action: "block", decidingScope: "org_acme" });
  });

  it("never lets an inner scope weaken an outer require_approval", () => {
    const policies = [policy("org_acme", "require_approval"), policy("user_bob", "approve")];
    expect(resolvePolicy({ chain, policies, tool: tool() }).action).toBe("require_approval");
  });

  it("lets an inner scope tighten an outer approve and reports the inner scope", () => {
    const policies = [policy("org_acme", "approve"), policy("user_bob", "block")];
    expect(resolvePolicy({ chain, policies, tool: tool() })).toMatchObject({ action: "block", decidingScope: "user_bob" });
  });

  it("reports the outermost scope when scopes tie, since that authority's members may approve", () => {
    const three = chainOf("org_acme", "team_web", "user_bob");
    const policies = [policy("user_bob", "require_approval"), policy("team_web", "require_approval")];
    const result = resolvePolicy({ chain: three, policies, tool: tool() });
    expect(result.decidingScope).toBe("team_web");
    expect(result.rule).toMatchObject({ kind: "policy", scope: "team_web" });
  });

  it("reports the smallest policy id on a tie inside one scope, whatever the input order", () => {
    const a = policy("org_acme", "block", {}, "pol_aaaaaaaa");
    const b = policy("org_acme", "block", { tools: "repos/*" }, "pol_bbbbbbbb");
    expect(resolvePolicy({ chain, policies: [b, a], tool: tool() }).rule).toMatchObject({ policyId: a.id });
    expect(resolvePolicy({ chain, policies: [a, b], tool: tool() }).rule).toMatchObject({ policyId: a.id });
  });
});
