import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { runLedger } from "../../../durable-objects/run-ledger/client";
import type { JsonValue } from "../../../schemas";
import type { AuthContext } from "../auth/principal";
import type { Env } from "../env";
import { decideRun, mayDecide } from "../../invoke/approvals";
import { unwrap } from "../../shared/result";
import { errorResult, outcomeResult, structured, toolError } from "./results";
import { shownInput } from "../../invoke/write-only";

/**
 * `/mcp?tools=approvals`: the approver's MCP endpoint. A person signed in through OAuth (never an API
 * key) lists the calls waiting for them and decides them from their MCP client. These tools are never
 * listed to agents in the default endpoint, and the credential that made a call can never approve it.
 */
export const APPROVER_TOOLS: Tool[] = [
  {
    name: "pending_approvals",
    title: "Calls waiting for your approval",
    description: "Lists the calls waiting for a decision that you may decide, with exactly what each will run.",
    inputSchema: { type: "object", properties: {} },
    annotations: { readOnlyHint: true, openWorldHint: false },
  },
  {
    name: "decide",
    title: "Approve or deny a call",
    description: "Approve (the call then runs once, with the arguments shown) or deny a waiting call.",
    inputSchema: {
      type: "object",
      properties: {
        runId: { type: "string" },
        decision: { type: "string", enum: ["approve", "deny"] },
        comment: { type: "string" },
      },
      required: ["runId", "decision"],
    },
    annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: true },
  },
];

const DecideArgs = z.object({ runId: z.string().min(1).max(64), decision: z.enum(["approve", "deny"]), comment: z.string().max(2048).optional() });

export function approverAllowed(auth: AuthContext): boolean {
  return auth.principal.kind === "oauth" && auth.grant.toolkit === null && auth.principal.narrowings.length === 0;
}

export async function callApproverTool(env: Env, auth: AuthContext, name: string, args: unknown, inlineChars: number): Promise<CallToolResult | null> {
  const ledger = runLedger(env.RUN_LEDGER, auth.principal.orgId);
  try {
    if (name === "pending_approvals") {
      const page = unwrap(await ledger.list({ status: "pending_approval", limit: 100 }));
      const mine = page.runs.filter((r) => mayDecide(auth, r));
      const items = await Promise.all(
        mine.map(async (r) => ({
          runId: r.id,
          address: r.address,
          reason: r.admission.reason.message,
          requestedBy: r.principal.userId,
          requestedAt: new Date(r.createdAt).toISOString(),
          arguments: (shownInput(unwrap(await ledger.get(r.id)).input) ?? {}) as JsonValue,
        })),
      );
      return structured({ pending: items });
    }
    if (name === "decide") {
      const a = DecideArgs.safeParse(args ?? {});
      if (!a.success) return toolError("invalid_arguments", a.error.issues[0]?.message ?? "invalid arguments");
      const outcome = await decideRun(env, auth, a.data.runId, a.data.decision, a.data.comment);
      return a.data.decision === "deny" ? structured({ runId: outcome.run.id, status: outcome.run.status }) : outcomeResult(outcome, inlineChars);
    }
    return null;
  } catch (error) {
    return errorResult(error);
  }
}
