import type { DecidingRule } from "../../schemas/admission";
import type { ScopeId, SideEffect, Slug, ToolName } from "../../schemas/common";
import type { Policy, PolicyAction } from "../../schemas/policy";
import type { ScopeChain } from "../../schemas/scope";
import { matchesToolGlob } from "../pattern";
import { outermost } from "../scope";

/** The tool a policy question is about. */
export interface PolicyTool {
  readonly source: Slug;
  /**
   * Where the source is placed. Not used for matching: PolicyTarget names a source by slug only, so an
   * outer policy on `github` also governs a same-slug source placed in an inner scope (outer wins, §3).
   */
  readonly scope: ScopeId;
  readonly connection: { readonly scope: ScopeId; readonly name: Slug };
  readonly name: ToolName;
  readonly sideEffect: SideEffect;
  /**
   * The source configures the platform itself (the built-in `executor` source): a write there changes
   * who may do what, so writes wait for approval by default too, not only destructive operations.
   */
  readonly gatesWrites?: boolean;
}

export interface PolicyQuery {
  readonly chain: ScopeChain;
  readonly policies: readonly Policy[];
  readonly tool: PolicyTool;
}

export interface PolicyResolution {
  readonly action: PolicyAction;
  readonly rule: DecidingRule;
  /** The scope whose rule decided; a member of it may approve (schemas/admission.ts). */
  readonly decidingScope: ScopeId;
}

type Level = "source" | "connection";

/** DESIGN §3: block > require_approval > approve. */
const RANK: Readonly<Record<PolicyAction, number>> = { approve: 0, require_approval: 1, block: 2 };

export function restrictiveness(action: PolicyAction): number {
  return RANK[action];
}

/**
 * DESIGN §3: the plugin's default when no policy applies. Destructive operations need approval; on a
 * source that configures the platform (`gatesWrites`), every operation that is not a read does.
 */
export function defaultAction(sideEffect: SideEffect, gatesWrites = false): PolicyAction {
  if (sideEffect === "destructive") return "require_approval";
  return gatesWrites && sideEffect === "write" ? "require_approval" : "approve";
}

/** The level at which a policy applies to the tool, or null when it does not apply at all. */
export function policyLevel(policy: Policy, tool: PolicyTool): Level | null {
  const { target } = policy;
  if (target.source !== tool.source) return null;
  if (!matchesToolGlob(target.tools, tool.name)) return null;
  if (target.connection === undefined) return "source";
  const same = target.connection.scope === tool.connection.scope && target.connection.name === tool.connection.name;
  return same ? "connection" : null;
}

interface Candidate {
  readonly policy: Policy;
  readonly level: Level;
}

/**
 * More restrictive first; among equals the smallest policy id, so the reported rule does not depend on
 * the order the policies were loaded in.
 */
function beats(a: Candidate, b: Candidate): boolean {
  const byRank = RANK[a.policy.action] - RANK[b.policy.action];
  if (byRank !== 0) return byRank > 0;
  return a.policy.id < b.policy.id;
}

/** DESIGN §3, within one scope: a connection's policy overrides its source's. */
function decideScope(candidates: readonly Candidate[]): Candidate | null {
  const connectionLevel = candidates.filter((c) => c.level === "connection");
  const deciding = connectionLevel.length > 0 ? connectionLevel : candidates;
  let best: Candidate | null = null;
  for (const candidate of deciding) {
    if (best === null || beats(candidate, best)) best = candidate;
  }
  return best;
}

/**
 * Resolves the action for one tool call by DESIGN §3 (policy = deny-union, outer wins):
 * 1. only policies placed in a scope the chain holds, targeting the tool's source, whose tools glob
 *    matches, and (when they name one) targeting this exact connection, apply;
 * 2. per scope, connection-level policies override source-level ones;
 * 3. across scopes the most restrictive wins, so an inner scope can never weaken an outer block or
 *    require_approval; on a tie the outermost scope decides (it is the authority that may approve);
 * 4. the plugin default (destructive → require_approval) stands as the decision of the scope the source
 *    is placed in, unless that scope or an outer one has an applicable policy: only the source's own
 *    authority may replace it with an explicit `approve` (a wrongly flagged operation). An inner scope's
 *    `approve` never weakens the default, because authority only narrows (DESIGN invariant 2).
 */
export function resolvePolicy(query: PolicyQuery): PolicyResolution {
  const { chain, policies, tool } = query;
  const byScope = new Map<ScopeId, Candidate[]>(chain.map((scope) => [scope.id, []]));
  for (const policy of policies) {
    const bucket = byScope.get(policy.scope);
    if (bucket === undefined) continue; // placed in a scope the principal does not hold
    const level = policyLevel(policy, tool);
    if (level !== null) bucket.push({ policy, level });
  }

  // Scopes at or outside the source's placement hold authority over its default.
  const placement = chain.findIndex((scope) => scope.id === tool.scope);
  let best: Candidate | null = null;
  let authorityDecided = false;
  chain.forEach((scope, index) => {
    const decided = decideScope(byScope.get(scope.id) ?? []);
    if (decided === null) return;
    if (index <= placement) authorityDecided = true;
    // Strictly more restrictive only: walking outer → inner, a tie keeps the outer scope.
    if (best === null || RANK[decided.policy.action] > RANK[best.policy.action]) best = decided;
  });

  if (!authorityDecided) {
    const action = defaultAction(tool.sideEffect, tool.gatesWrites === true);
    // The default belongs to the placement scope, outer to any inner policy: it wins ties.
    if (best === null || RANK[action] >= RANK[(best as Candidate).policy.action]) {
      const decidingScope = placement >= 0 ? tool.scope : outermost(chain).id;
      return { action, rule: { kind: "default", action }, decidingScope };
    }
  }
  const { policy, level } = best as unknown as Candidate;
  return {
    action: policy.action,
    rule: { kind: "policy", policyId: policy.id, scope: policy.scope, level, action: policy.action },
    decidingScope: policy.scope,
  };
}
