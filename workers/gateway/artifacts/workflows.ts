import { Cron } from "croner";
import { parse as parseYaml } from "yaml";
import type { JsonObject, JsonValue, SideEffect, WorkflowDefinition } from "../../../schemas";
import { WorkflowDefinition as DefinitionSchema } from "../../../schemas";
import { parseAddress } from "../../../core/address";
import { parseRef, refsIn } from "../../../workflows/user-workflow/mapping";
import { resolveAddress } from "../../invoke/catalog-view";
import { STORE_SLUG, STORE_TOOLS, storeTools } from "../../invoke/builtin/store-manifest";
import type { AuthContext } from "../../shared/auth-context";
import type { Env } from "../env";
import type { FileIssue } from "./validate";

export const WORKFLOW_FILE = /^workflows\/([^/]+)\.(ya?ml|json)$/;
export type CheckedWorkflow = { name: string; file: string; definition: WorkflowDefinition };
/** A workflow as deployed: its steps' side effects as the catalog says now (they set each step's retries). */
export type LiveWorkflow = CheckedWorkflow & { sideEffects: Array<SideEffect | "code"> };

/** Parses a workflow file and checks what needs no catalog: its shape, step ids, references, cron. */
export function checkWorkflowFile(file: string, name: string, text: string, issues: FileIssue[]): CheckedWorkflow | null {
  let data: unknown;
  try {
    data = file.endsWith(".json") ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 10 });
  } catch (error) {
    const e = error as { message?: string; linePos?: Array<{ line: number; col: number }> };
    issues.push({ path: file, message: `not ${file.endsWith(".json") ? "JSON" : "YAML"}: ${String(e.message ?? "").split("\n")[0]}`, line: e.linePos?.[0]?.line ?? 1, column: e.linePos?.[0]?.col ?? 1 });
    return null;
  }
  const parsed = DefinitionSchema.safeParse(data);
  if (!parsed.success) {
    for (const i of parsed.error.issues) issues.push({ path: `${file}#${i.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").slice(1) || "(root)"}`, message: i.message });
    return null;
  }
  const def = parsed.data;
  const before = new Set<string>();
  def.steps.forEach((step, i) => {
    const at = `${file}#steps[${i}]`;
    if (before.has(step.id)) issues.push({ path: `${at}.id`, message: `step id '${step.id}' is used twice` });
    if ("tool" in step) {
      for (const ref of refsIn(step.args as JsonValue)) {
        const parsedRef = parseRef(ref.text);
        const where = `${at}.args${ref.at ? `.${ref.at}` : ""}`;
        if ("error" in parsedRef) issues.push({ path: where, message: parsedRef.error });
        else if (parsedRef.root === "step" && !before.has(parsedRef.step)) {
          issues.push({ path: where, message: `\${${ref.text}} refers to step '${parsedRef.step}', which does not come before this one` });
        }
      }
    }
    before.add(step.id);
  });
  if (def.triggers.cron !== undefined) {
    try {
      new Cron(def.triggers.cron, { paused: true, timezone: def.triggers.timezone }).nextRun();
    } catch (error) {
      issues.push({ path: `${file}#triggers.cron`, message: `'${def.triggers.cron}' is not a valid schedule: ${(error as Error).message.split(". ")[0]}` });
    }
  }
  return { name, file, definition: def };
}

type ToolShape = { inputSchema: JsonObject | undefined; outputSchema: JsonObject | undefined; sideEffect: SideEffect };

/** JSON types a schema admits, or null when it does not say (or says it in a way we do not follow). */
function typesOf(schema: JsonObject | undefined): Set<string> | null {
  if (!schema || typeof schema !== "object") return null;
  const t = schema.type;
  if (typeof t === "string") return new Set(t === "integer" ? ["integer", "number"] : [t]);
  if (Array.isArray(t)) return new Set(t.flatMap((x) => (x === "integer" ? ["integer", "number"] : [String(x)])));
  return null;
}

/** The schema at a path inside an output schema, as far as plain `properties` and `items` lead. */
function schemaAt(schema: JsonObject | undefined, path: ReadonlyArray<string | number>): JsonObject | undefined {
  let current = schema;
  for (const key of path) {
    if (!current) return undefined;
    const props = current.properties as JsonObject | undefined;
    current = (typeof key === "number" ? current.items : props?.[key]) as JsonObject | undefined;
  }
  return current;
}

/**
 * Checks each tool step against the catalog as the deployer sees it: the tool exists (a store the
 * workflow declares counts), its required arguments are given, literal ones match their schema's type,
 * and a whole reference's type (from the earlier step's output schema, where it has one) can be what
 * the argument needs. Answers the steps' side effects.
 */
export async function checkWorkflowCalls(env: Env, auth: AuthContext, scope: string, wf: CheckedWorkflow, issues: FileIssue[]): Promise<Array<SideEffect | "code">> {
  const shapes: Record<string, ToolShape | null> = {};
  const declared = new Set(wf.definition.stores.map((s) => s.name));
  const storeDefs = await storeTools();
  const sideEffects: Array<SideEffect | "code"> = [];
  for (const [i, step] of wf.definition.steps.entries()) {
    const at = `${wf.file}#steps[${i}]`;
    if (!("tool" in step)) {
      sideEffects.push("code");
      shapes[step.id] = null;
      continue;
    }
    let shape: ToolShape | null = null;
    try {
      const address = parseAddress(step.tool);
      if (address.source === STORE_SLUG && address.scope === scope && declared.has(address.connection)) {
        const def = storeDefs.find((d) => d.name === address.tool);
        if (def && STORE_TOOLS.some((t) => t.name === def.name)) shape = { inputSchema: def.inputSchema, outputSchema: undefined, sideEffect: def.sideEffect };
      }
      if (!shape) {
        const resolved = await resolveAddress(env, auth.principal, address);
        shape = { inputSchema: resolved.tool.inputSchema, outputSchema: resolved.tool.outputSchema, sideEffect: resolved.tool.sideEffect };
      }
    } catch {
      issues.push({ path: `${at}.tool`, message: `no tool at ${step.tool} in your scopes` });
      sideEffects.push("write");
      shapes[step.id] = null;
      continue;
    }
    sideEffects.push(shape.sideEffect);
    shapes[step.id] = shape;
    checkArgs(step.args as JsonObject, shape.inputSchema, shapes, `${at}.args`, issues);
  }
  return sideEffects;
}

function checkArgs(args: JsonObject, schema: JsonObject | undefined, shapes: Record<string, ToolShape | null>, at: string, issues: FileIssue[]): void {
  const props = (schema?.properties ?? {}) as Record<string, JsonObject>;
  const required = Array.isArray(schema?.required) ? (schema.required as string[]) : [];
  for (const name of required) if (!(name in args)) issues.push({ path: `${at}.${name}`, message: "is required by the tool" });
  for (const [name, value] of Object.entries(args)) {
    const target = props[name];
    if (!target) {
      if (schema?.additionalProperties === false) issues.push({ path: `${at}.${name}`, message: "is not an argument of the tool" });
      continue;
    }
    const wants = typesOf(target);
    if (!wants) continue;
    const refs = refsIn(value);
    const whole = refs.length === 1 && refs[0]?.whole && refs[0].at === "";
    let has: Set<string> | null;
    if (whole) {
      const ref = parseRef(refs[0]?.text ?? "");
      has = "error" in ref ? null : ref.root === "step" ? typesOf(schemaAt(shapes[ref.step]?.outputSchema, ref.path)) : ref.field === "payload" ? null : new Set(["string"]);
    } else if (refs.length > 0 && typeof value === "string") has = new Set(["string"]);
    else if (refs.length > 0) has = null;
    else has = new Set([value === null ? "null" : Array.isArray(value) ? "array" : Number.isInteger(value) ? "integer" : typeof value]);
    if (has && typeof value === "number" && has.has("integer")) has.add("number");
    if (has && ![...has].some((t) => wants.has(t))) {
      issues.push({ path: `${at}.${name}`, message: `the tool expects ${[...wants].filter((t) => t !== "integer" || !wants.has("number")).join(" or ")}, but this is ${[...has].join(" or ")}` });
    }
  }
}
