import { admit } from "../../../core/admission";
import type { CatalogTool } from "../../../durable-objects/scope-catalog/rows";
import type { AdmissionDecision, Principal } from "../../../schemas";
import type { Env } from "../env";
import { HttpError } from "../problem";
import { addressFrom, policiesFor, resolveAddress } from "./catalog-view";

export type Description = {
  address: string;
  tool: Omit<CatalogTool, "invocation">;
  policy: { outcome: AdmissionDecision["outcome"]; reason: AdmissionDecision["reason"] };
};

/** A tool as the principal sees it, with what calling it would do for them (no Run: nothing is called). */
export async function describeTool(env: Env, principal: Principal, text: string): Promise<Description> {
  const address = addressFrom(text);
  const [resolved, policies] = await Promise.all([resolveAddress(env, principal, address), policiesFor(env, principal, address.source)]);
  const decision = admit(
    principal,
    {
      address,
      placedScope: resolved.source.scope,
      connection: { scope: resolved.connection.scope, name: resolved.connection.name },
      sideEffect: resolved.tool.sideEffect,
      status: resolved.tool.status,
    },
    policies,
  );
  // Outside the caller's toolkit a tool does not exist for them.
  if (decision.reason.code === "outside_toolkit") throw new HttpError(404, "not-found", `no tool at ${address.address} in your scopes`);
  const { invocation: _i, ...tool } = resolved.tool;
  return { address: address.address, tool, policy: { outcome: decision.outcome, reason: decision.reason } };
}
