import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { runLedger } from "../../../durable-objects/run-ledger/client";
import { mayRunCode } from "../../../core/toolset";
import type { JsonObject, JsonValue, ToolProxyProps } from "../../../schemas";
import { CodeInput, JsonObject as JsonObjectSchema } from "../../../schemas";
import { runCode } from "../../invoke/run-code";
import { codeResult } from "./code-results";
import type { AuthContext } from "../auth/principal";
import type { Env } from "../env";
import { callTool } from "../../invoke/call";
import { canSeeRun } from "../../invoke/approvals";
import { describeTool } from "../../invoke/describe";
import { resumeRefs } from "../respond";
import { searchVisible } from "../../invoke/search";
import { mergeSkills, rankSkills, skillHit } from "../artifacts/skills";
import { errorResult, outcomeResult, structured, toolError } from "./results";

const SearchArgs = z.object({
  query: z.string().max(512).default(""),
  source: z.string().max(63).optional(),
  limit: z.number().int().min(1).max(50).default(10),
  cursor: z.string().regex(/^\d{1,6}$/, "must be a nextCursor from search").optional(),
});
const DescribeArgs = z.object({ address: z.string().min(1).max(512) });
const ExecuteArgs = z.object({ address: z.string().min(1).max(512), arguments: JsonObjectSchema.default({}) });
const RunArgs = z.object({ runId: z.string().min(1).max(64) });
const ReadArgs = RunArgs.extend({ offset: z.number().int().min(0).default(0), length: z.number().int().min(1).max(100_000).default(16_000) });

export type MetaContext = { env: Env; auth: AuthContext; inlineChars: number; base: string; toolProxy: (props: ToolProxyProps) => unknown };

function invalid(error: z.ZodError): CallToolResult {
  const issue = error.issues[0];
  return toolError("invalid_arguments", `${issue?.path.join(".") || "arguments"}: ${issue?.message ?? "invalid"}`);
}

/** Runs one meta-tool; every call of a catalog tool goes through the one invocation path. */
export async function callMetaTool(ctx: MetaContext, name: string, args: unknown): Promise<CallToolResult | null> {
  const { env, auth } = ctx;
  try {
    switch (name) {
      case "search": {
        const a = SearchArgs.safeParse(args ?? {});
        if (!a.success) return invalid(a.error);
        const cursor = Number(a.data.cursor ?? 0);
        // Skills are found beside tools (first page only, never when a source is named): each says it
        // is a skill. They are read in the search's own round trip to each scope.
        const withSkills = cursor === 0 && !a.data.source;
        const page = await searchVisible(env, auth.principal, { query: a.data.query, source: a.data.source, limit: a.data.limit, cursor, skills: withSkills });
        const skills = withSkills ? rankSkills(mergeSkills(page.skillLists ?? []), a.data.query, 5).map(skillHit) : [];
        const found = { tools: page.tools, ...(skills.length ? { skills } : {}), nextCursor: page.nextCursor === null ? null : String(page.nextCursor) };
        return structured(found as unknown as Record<string, JsonValue>);
      }
      case "describe": {
        const a = DescribeArgs.safeParse(args ?? {});
        if (!a.success) return invalid(a.error);
        return structured((await describeTool(env, auth.principal, a.data.address)) as unknown as Record<string, JsonValue>);
      }
      case "execute": {
        const a = ExecuteArgs.safeParse(args ?? {});
        if (!a.success) return invalid(a.error);
        const outcome = await callTool(env, auth, { address: a.data.address, args: a.data.arguments as JsonObject, surface: "mcp" });
        const link = outcome.kind === "pending" ? (await resumeRefs(env, ctx.base, outcome.run, auth.principal.orgId)).link : undefined;
        return outcomeResult(outcome, ctx.inlineChars, link);
      }
      case "run_status": {
        const a = RunArgs.safeParse(args ?? {});
        if (!a.success) return invalid(a.error);
        const found = await runLedger(env.RUN_LEDGER, auth.principal.orgId).get(a.data.runId);
        if (!found.ok || !canSeeRun(auth, found.value.run)) return toolError("not_found", `no run '${a.data.runId}'`);
        const { run } = found.value;
        if (run.status === "succeeded" && run.output) {
          const value = run.output.kind === "inline" ? (run.output.value as JsonValue) : null;
          return outcomeResult(value === null ? { kind: "succeeded", run, value: { resultHandle: run.id } } : { kind: "succeeded", run, value }, ctx.inlineChars);
        }
        const brief = { runId: run.id, status: run.status, address: run.address, approvals: run.approvals.length } as Record<string, JsonValue>;
        if (run.error) brief.error = run.error;
        return structured(brief);
      }
      case "read_result": {
        const a = ReadArgs.safeParse(args ?? {});
        if (!a.success) return invalid(a.error);
        const ledger = runLedger(env.RUN_LEDGER, auth.principal.orgId);
        const found = await ledger.get(a.data.runId);
        if (!found.ok || !canSeeRun(auth, found.value.run)) return toolError("not_found", `no run '${a.data.runId}'`);
        const slice = await ledger.readOutput(a.data.runId, a.data.offset, a.data.length);
        if (!slice.ok) return toolError("not_found", slice.error.message);
        const next = a.data.offset + slice.value.text.length;
        return structured(
          { runId: a.data.runId, offset: a.data.offset, text: slice.value.text, total: slice.value.total, nextOffset: next < slice.value.total ? next : null },
          slice.value.text,
        );
      }
      case "run_code": {
        // Not listed where the credential may not run code; refused the same way if called anyway.
        if (!mayRunCode(auth.principal.narrowings)) return null;
        const a = CodeInput.safeParse(args ?? {});
        if (!a.success) return invalid(a.error);
        const outcome = await runCode(env, auth, { ...a.data, surface: "mcp", base: ctx.base, toolProxy: ctx.toolProxy });
        return codeResult(outcome, ctx.inlineChars);
      }
      default:
        return null;
    }
  } catch (error) {
    return errorResult(error);
  }
}
