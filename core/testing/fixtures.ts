/**
 * Builders and fast-check arbitraries shared by the core's tests. Test-only: not exported from
 * core/index.ts. Pools are small on purpose so random policies and tools collide often.
 */
import fc from "fast-check";
import type { SideEffect } from "../../schemas/common";
import type { Narrowing } from "../../schemas/principal";
import type { Policy, PolicyAction, PolicyTarget } from "../../schemas/policy";
import type { ScopeChain, ScopeKind } from "../../schemas/scope";
import type { PolicyTool } from "../policy";

export const SCOPE_POOL = ["org_acme", "team_web", "user_bob", "user_alice", "org_other"] as const;
export const SOURCES = ["github", "slack"] as const;
export const CONNECTIONS = ["work", "personal"] as const;
export const TOOL_NAMES = ["repos/get", "repos/delete", "issues/list", "files.read"] as const;
export const TOOL_GLOBS = ["*", "repos/*", "repos/get", "*delete*", "issues/*", "files.*"] as const;
export const ACTIONS: readonly PolicyAction[] = ["approve", "require_approval", "block"];

let counter = 0;

/** A policy with sensible defaults; ids are unique and sortable. */
export function policy(
  scope: string,
  action: PolicyAction,
  target: Partial<PolicyTarget> = {},
  id: string = `pol_${String(++counter).padStart(8, "0")}`,
): Policy {
  return { id, scope, action, target: { source: "github", tools: "*", ...target }, forbidSelfApproval: false, createdAt: 0, updatedAt: 0 };
}

export function chainOf(...ids: string[]): ScopeChain {
  return ids.map((id, i) => ({ id, kind: kindOf(id, i, ids.length) }));
}

function kindOf(id: string, index: number, length: number): ScopeKind {
  if (id.startsWith("org")) return "org";
  if (id.startsWith("user")) return "user";
  return index === 0 ? "org" : index === length - 1 ? "user" : "team";
}

export function tool(overrides: Partial<PolicyTool> = {}): PolicyTool {
  return {
    source: "github",
    scope: "org_acme",
    connection: { scope: "org_acme", name: "work" },
    name: "repos/get",
    sideEffect: "read",
    ...overrides,
  };
}

// ---- arbitraries ----------------------------------------------------------------------------------

/** A chain of 1-4 distinct scopes drawn from the pool, in a random order. */
export const chainArb: fc.Arbitrary<ScopeChain> = fc
  .uniqueArray(fc.constantFrom(...SCOPE_POOL), { minLength: 1, maxLength: 4 })
  .map((ids) => chainOf(...ids));

const sideEffectArb: fc.Arbitrary<SideEffect> = fc.constantFrom("read", "write", "destructive");
const actionArb: fc.Arbitrary<PolicyAction> = fc.constantFrom(...ACTIONS);

export const toolArb: fc.Arbitrary<PolicyTool> = fc.record({
  source: fc.constantFrom(...SOURCES),
  scope: fc.constantFrom(...SCOPE_POOL),
  connection: fc.record({ scope: fc.constantFrom(...SCOPE_POOL), name: fc.constantFrom(...CONNECTIONS) }),
  name: fc.constantFrom(...TOOL_NAMES),
  sideEffect: sideEffectArb,
});

/** A policy placed in one of the given scopes. Ids are unique within a generated list via `policiesArb`. */
export function policyArb(scopes: readonly string[]): fc.Arbitrary<Omit<Policy, "id">> {
  return fc.record({
    scope: fc.constantFrom(...scopes),
    action: actionArb,
    target: fc.record(
      {
        source: fc.constantFrom(...SOURCES),
        tools: fc.constantFrom(...TOOL_GLOBS),
        connection: fc.record({ scope: fc.constantFrom(...SCOPE_POOL), name: fc.constantFrom(...CONNECTIONS) }),
      },
      { requiredKeys: ["source", "tools"] },
    ),
    forbidSelfApproval: fc.boolean(),
    createdAt: fc.constant(0),
    updatedAt: fc.constant(0),
  });
}

/** Gives each generated policy a distinct id with the given prefix (ids are part of the reported rule). */
export function withIds(prefix: string, policies: readonly Omit<Policy, "id">[]): Policy[] {
  return policies.map((p, i) => ({ ...p, id: `${prefix}_${String(i).padStart(8, "0")}` }));
}

export function policiesArb(scopes: readonly string[], prefix = "pol", maxLength = 8): fc.Arbitrary<Policy[]> {
  return fc.array(policyArb(scopes), { maxLength }).map((ps) => withIds(prefix, ps));
}

// ---- toolsets -------------------------------------------------------------------------------------

export const ADDRESS_POOL = [
  "github.org_acme.work.repos/get",
  "github.org_acme.work.repos/delete",
  "github.org_acme.personal.repos/get",
  "github.user_bob.personal.issues/list",
  "slack.org_acme.work.chat.post",
  "slack.user_bob.work.files.read",
] as const;

const PATTERN_POOL = [
  "*.*.*.*",
  "github.*.*.*",
  "github.org_acme.*.repos/*",
  "*.user_bob.*.*",
  "slack.*.work.*",
  "*.*.*.files.*",
  "github.org_acme.work.repos/get",
] as const;

export const addressArb: fc.Arbitrary<string> = fc.constantFrom(...ADDRESS_POOL);

export const narrowingArb: fc.Arbitrary<Narrowing> = fc.record({
  label: fc.constantFrom("dev", "ops", "readonly", "support"),
  tools: fc.uniqueArray(addressArb, { maxLength: 3 }),
  patterns: fc.uniqueArray(fc.constantFrom(...PATTERN_POOL), { maxLength: 2 }),
});

export const narrowingsArb: fc.Arbitrary<Narrowing[]> = fc.array(narrowingArb, { maxLength: 4 });
