import type { AdmissionDecision, AdmissionOutcome, AdmissionReasonCode } from "../../schemas/admission";
import type { ScopeId, SideEffect, Slug } from "../../schemas/common";
import type { Policy } from "../../schemas/policy";
import type { Principal } from "../../schemas/principal";
import type { GrantTarget, ToolStatus } from "../../schemas/tool";
import { covers } from "../grant";
import type { ParsedAddress } from "../address";
import { DomainError } from "../errors";
import { resolvePolicy } from "../policy";
import { chainIds, holdsScope } from "../scope";
import { excludingNarrowing } from "../toolset";

/** One catalog entry as admission needs it: where it lives, which account it uses, how risky it is. */
export interface AdmissibleTool {
  readonly address: ParsedAddress;
  /** The scope the source is placed in. */
  readonly placedScope: ScopeId;
  /** The connection the address names, with the scope it belongs to. */
  readonly connection: { readonly scope: ScopeId; readonly name: Slug };
  readonly sideEffect: SideEffect;
  /** Writes wait for approval by default (the built-in `executor` source: core/policy PolicyTool). */
  readonly gatesWrites?: boolean;
  readonly status: ToolStatus;
  /**
   * DESIGN invariant 6, where the credential goes: `current` is where this call would send its request
   * and with which auth (derived from exactly the data the plugin will be handed); `granted` what the
   * grant covers (null: a grant from before destinations were recorded, covering the stored
   * definition); `moved` says a refresh withdrew the grant because the destination or auth moved.
   */
  readonly target: { readonly current: GrantTarget; readonly granted: GrantTarget | null; readonly moved: boolean };
}

/** admit < require_approval < reject: used to compare how permissive two decisions are. */
export function outcomeRank(outcome: AdmissionOutcome): number {
  return outcome === "admit" ? 0 : outcome === "require_approval" ? 1 : 2;
}

const MESSAGE_LIMIT = 1024; // schemas/admission.ts reason.message

function refuse(code: AdmissionReasonCode, message: string): AdmissionDecision {
  return { outcome: "reject", reason: { code, message: message.slice(0, MESSAGE_LIMIT) }, rule: null, decidingScope: null };
}

/**
 * Decides one tool call (DESIGN §4, admission: grants ∩ toolkit, then policy). The checks run in a fixed
 * order and the first refusal is returned with its reason: nothing falls back silently (invariant 5).
 * 1. visibility: the source's scope and the connection's scope must both be held (§3, union over chain);
 * 2. toolset: every narrowing in force must admit the address (§3, scope() intersects);
 * 3. review: a tool added by a spec refresh, or moved by one, is not granted until reviewed, and a
 *    grant only covers the destination and auth it was given for (invariant 6);
 * 4. policy: resolvePolicy (§3, deny-union, outer wins).
 */
export function admit(
  principal: Pick<Principal, "chain" | "narrowings">,
  tool: AdmissibleTool,
  policies: readonly Policy[],
): AdmissionDecision {
  const { address, connection } = tool;
  if (address.connection !== connection.name) {
    // A mismatch would evaluate another account's connection policies: a caller bug, never a decision.
    throw new DomainError(
      "inconsistent_tool",
      `address ${address.address} names connection '${address.connection}' but the tool carries '${connection.name}'`,
      { field: "connection" },
    );
  }
  const chain = principal.chain;
  const held = chainIds(chain).join(" → ");

  if (!holdsScope(chain, tool.placedScope)) {
    return refuse(
      "not_visible",
      `Source '${address.source}' is placed in scope '${tool.placedScope}', which is not in this principal's scope chain (${held}).`,
    );
  }
  if (!holdsScope(chain, connection.scope)) {
    return refuse(
      "not_visible",
      `Connection '${connection.name}' of source '${address.source}' belongs to scope '${connection.scope}', which is not in this principal's scope chain (${held}).`,
    );
  }

  const excluding = excludingNarrowing(principal.narrowings, address.address);
  if (excluding !== null) {
    const which = excluding.label === "" ? "the granted toolset" : `toolkit '${excluding.label}'`;
    return refuse("outside_toolkit", `Tool '${address.address}' is outside ${which}.`);
  }

  const { target } = tool;
  if (tool.status === "awaiting_review" && target.moved) {
    return refuse(
      "destination_moved",
      `Tool '${address.address}' was granted, but a source refresh changed where it sends its request or credential; it awaits review again.`,
    );
  }
  if (tool.status === "awaiting_review") {
    return refuse(
      "awaiting_review",
      `Tool '${address.address}' was added by a source refresh and awaits review; it is not granted yet.`,
    );
  }
  // Defence in depth: whatever the stored status says, a grant never covers another destination or auth.
  if (target.granted !== null && !covers(target.granted, target.current)) {
    return refuse(
      "destination_moved",
      `Tool '${address.address}' would send its request or credential somewhere its grant does not cover (now ${target.current.destination.slice(0, 512)}); it must be granted again.`,
    );
  }

  const resolution = resolvePolicy({
    chain,
    policies,
    tool: {
      source: address.source,
      scope: tool.placedScope,
      connection,
      name: address.tool,
      sideEffect: tool.sideEffect,
      ...(tool.gatesWrites ? { gatesWrites: true } : {}),
    },
  });
  const { rule, decidingScope } = resolution;
  const decided = (outcome: AdmissionOutcome, code: AdmissionReasonCode, message: string): AdmissionDecision => ({
    outcome,
    reason: { code, message: message.slice(0, MESSAGE_LIMIT) },
    rule,
    decidingScope,
  });

  if (rule.kind === "default") {
    return rule.action === "approve"
      ? decided(
          "admit",
          "allowed_by_default",
          `No policy applies to '${address.address}'; ${tool.sideEffect} operations are allowed by default.`,
        )
      : decided(
          "require_approval",
          "approval_required_by_default",
          `No policy applies to '${address.address}'; ${tool.sideEffect} operations require approval by default, from a member of scope '${decidingScope}'.`,
        );
  }

  const policy = `Policy ${rule.policyId} on the ${rule.level} in scope '${rule.scope}'`;
  switch (rule.action) {
    case "block":
      return { ...refuse("blocked_by_policy", `${policy} blocks '${address.address}'.`), rule, decidingScope };
    case "require_approval":
      return decided(
        "require_approval",
        "approval_required_by_policy",
        `${policy} requires approval for '${address.address}' from a member of scope '${decidingScope}'.`,
      );
    case "approve":
      return decided("admit", "allowed_by_policy", `${policy} allows '${address.address}'.`);
  }
}
