import { admit } from "../../core/admission";
import { declarationsFor } from "../../core/typescript";
import type { CatalogTool } from "../../durable-objects/scope-catalog/rows";
import type { AdmissionDecision, Principal } from "../../schemas";
import type { Env } from "../shared/env";
import { addressFrom, policiesFor, resolveAddress } from "./catalog-view";
import { admissibleTool } from "./destination";

export type Description = {
  address: string;
  tool: Omit<CatalogTool, "invocation">;
  policy: { outcome: AdmissionDecision["outcome"]; reason: AdmissionDecision["reason"] };
  /** TypeScript declarations of the tool's input and output, for code written against it (core/typescript). */
  typescript: { input: string; output: string; text: string };
};

/** A tool as the principal sees it, with what calling it would do for them (no Run: nothing is called). */
export async function describeTool(env: Env, principal: Principal, text: string): Promise<Description> {
  const address = addressFrom(text);
  const [resolved, policies] = await Promise.all([resolveAddress(env, principal, address), policiesFor(env, principal, address.source)]);
  // Outside the caller's toolkit a tool does not exist for them: resolveAddress answers 404 alike.
  const decision = admit(principal, await admissibleTool(resolved), policies);
  const { invocation: _i, ...tool } = resolved.tool;
  const { input, output, text: declarations } = declarationsFor(tool);
  return { address: address.address, tool, policy: { outcome: decision.outcome, reason: decision.reason }, typescript: { input, output, text: declarations } };
}
