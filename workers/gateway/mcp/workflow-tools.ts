import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { JsonValue } from "../../../schemas";
import { JsonValue as JsonValueSchema, WorkflowName } from "../../../schemas";
import { authorFile } from "../artifacts/author";
import type { AuthContext } from "../auth/principal";
import type { Env } from "../env";
import { runWorkflow } from "../workflows/service";
import { errorResult, structured, toolError } from "./results";

/** Listed only where the credential has the trigger-register capability. */
export const WORKFLOW_TOOLS: Tool[] = [
  {
    name: "create_workflow",
    title: "Create a workflow",
    description: [
      "Create (or replace) a workflow in your own scope: a YAML or JSON definition with `steps` (each `{ id, tool: <address>, args }` or `{ id, code }`),",
      "optional `triggers` (`cron: \"0 9 * * *\"`, `timezone`, `webhook: true`) and `stores` it writes (`{ name, kind: sqlite | kv }`, made if missing).",
      "Arguments may use ${steps.<id>.output…} and ${trigger.payload…}; code steps see `steps`, `trigger` and `tools`. Every step is checked against the catalog first;",
      "a mistake comes back naming the field and nothing is deployed. Reads are retried, writes run at most once, gated steps wait for approval.",
    ].join("\n"),
    inputSchema: {
      type: "object",
      properties: {
        name: { type: "string", description: "The workflow's name (a-z 0-9 -)" },
        definition: { type: "string", description: "The definition, as YAML or JSON" },
        message: { type: "string", description: "A commit message" },
      },
      required: ["name", "definition"],
    },
    annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: false },
  },
  {
    name: "run_workflow",
    title: "Run a workflow now",
    description: "Start a workflow by hand, optionally with a payload its steps read as ${trigger.payload}. Answers the run's instance id; the workflow's Run and each step's Run appear in the run history.",
    inputSchema: {
      type: "object",
      properties: {
        name: { type: "string", description: "The workflow's name" },
        scope: { type: "string", description: "Its scope id (default: your own scope)" },
        payload: { description: "Any JSON value" },
      },
      required: ["name"],
    },
    annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: true },
  },
];

const CreateArgs = z.object({ name: WorkflowName, definition: z.string().min(1).max(256 * 1024), message: z.string().trim().min(1).max(500).optional() });
const RunArgs = z.object({ name: WorkflowName, scope: z.string().min(1).max(64).optional(), payload: JsonValueSchema.default(null) });

export function mayRegisterTriggers(auth: AuthContext): boolean {
  return auth.grant.capabilities.includes("trigger-register");
}

/** Handles create_workflow and run_workflow; null for any other name (or without the capability). */
export async function callWorkflowTool(env: Env, auth: AuthContext, name: string, args: unknown): Promise<CallToolResult | null> {
  if ((name !== "create_workflow" && name !== "run_workflow") || !mayRegisterTriggers(auth)) return null;
  try {
    if (name === "create_workflow") {
      const a = CreateArgs.safeParse(args ?? {});
      if (!a.success) return toolError("invalid_arguments", `${a.error.issues[0]?.path.join(".") || "arguments"}: ${a.error.issues[0]?.message ?? "invalid"}`);
      const json = a.data.definition.trim().startsWith("{");
      const record = await authorFile(env, auth, { path: `workflows/${a.data.name}.${json ? "json" : "yaml"}`, text: a.data.definition }, a.data.message ?? `Create workflow ${a.data.name}`, "trigger-register");
      return structured(
        { scope: record.scope, name: a.data.name, commit: record.commit?.commit ?? null, workflows: record.workflows as unknown as JsonValue, webhooks: record.webhooks as unknown as JsonValue },
        `Deployed workflow ${a.data.name} in ${record.scope}.${record.webhooks.length ? " Its webhook's signing secret is shown once, in the structured result." : ""}`,
      );
    }
    const a = RunArgs.safeParse(args ?? {});
    if (!a.success) return toolError("invalid_arguments", `${a.error.issues[0]?.path.join(".") || "arguments"}: ${a.error.issues[0]?.message ?? "invalid"}`);
    const started = await runWorkflow(env, auth, a.data.scope ?? auth.identity.user.id, a.data.name, a.data.payload);
    return structured({ instanceId: started.instanceId, status: "started" }, `Started ${a.data.name} (${started.instanceId}).`);
  } catch (error) {
    return errorResult(error);
  }
}
