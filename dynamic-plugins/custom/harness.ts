/**
 * The modules a custom tool's sandbox runs beside the author's module (`user.js`): `executor.js`
 * (what `import { defineTool } from "executor"` gets), and the entrypoint `CustomTool` with two
 * methods: `describe()` answers the definition as plain data, JSON Schema for zod schemas, and
 * `invoke(args, connection, proxy)` runs the handler with `ctx.tools` built on the ToolProxy stub
 * (the RPC argument, so a warm isolate never keeps an earlier call's authority) and
 * `ctx.connection`, the connection the caller chose in the tool's address. Nothing here is trusted:
 * the host validates every answer.
 */
export const CUSTOM_HARNESS_VERSION = "custom-v1";

export const SDK_SOURCE = String.raw`
const MARK = Symbol.for("executor.tool");
export function defineTool(definition) {
  if (!definition || typeof definition !== "object") throw new TypeError("defineTool expects an object");
  return Object.assign(Object.create(null), definition, { [MARK]: true });
}
export default { defineTool };
`;

/** How a definition describes itself as plain data (shared by the one-tool and the batch harness). */
const DESCRIBE_SOURCE = String.raw`
function schemaOf(value, field) {
  if (value === undefined || value === null) return null;
  if (typeof value !== "object") throw new TypeError(field + " must be a zod schema or a JSON Schema object");
  if ("_zod" in value) {
    if (!toJSONSchema) throw new TypeError(field + " is a zod schema but the file does not import zod");
    return toJSONSchema(value, { unrepresentable: "any" });
  }
  return JSON.parse(JSON.stringify(value));
}

function describeOne(d) {
  try {
    if (!d || typeof d !== "object") throw new TypeError("the default export must be defineTool({ ... })");
    if (typeof d.handler !== "function") throw new TypeError("handler must be a function (args, ctx) => result");
    return {
      ok: true,
      value: {
        name: d.name, description: d.description, sideEffect: d.sideEffect,
        calls: Array.isArray(d.calls) ? d.calls.map(String) : d.calls === undefined ? [] : d.calls,
        inputSchema: schemaOf(d.input, "input"), outputSchema: schemaOf(d.output, "output"),
      },
    };
  } catch (e) {
    return { ok: false, error: thrownError(e) };
  }
}
`;

function zodImport(usesZod: boolean): string {
  return usesZod ? 'import { toJSONSchema } from "./zod.js";' : "const toJSONSchema = null;";
}

/**
 * One isolate that describes many modules of one deploy at once (`user_0.js` …): loading zod and
 * an isolate once instead of per tool. Only describing happens here (no ToolProxy, no caller); a
 * module that fails to load fails the batch, and the caller then describes each on its own.
 */
export function batchDescribeSource(usesZod: boolean, count: number): string {
  const imports = Array.from({ length: count }, (_, i) => `import d${i} from "./user_${i}.js";`).join("\n");
  return String.raw`
import { WorkerEntrypoint } from "cloudflare:workers";
import { thrownError } from "./__executor_tools.js";
${zodImport(usesZod)}
${imports}
${DESCRIBE_SOURCE}
export class Describer extends WorkerEntrypoint {
  async describeAll() { return [${Array.from({ length: count }, (_, i) => `d${i}`).join(", ")}].map(describeOne); }
}
`;
}

/** `zod` is imported only by tools that use it (its module is about 450 KB). */
export function customHarnessSource(usesZod: boolean): string {
  return String.raw`
import { WorkerEntrypoint } from "cloudflare:workers";
import { refill } from "./__executor_meter.js";
import { captureConsole, makeTools, thrownError } from "./__executor_tools.js";
${zodImport(usesZod)}
import definition from "./user.js";
${DESCRIBE_SOURCE}
export class CustomTool extends WorkerEntrypoint {
  async describe() {
    return describeOne(definition);
  }

  async invoke(args, connection, proxy) {
    refill();
    const { done } = captureConsole();
    try {
      const tools = makeTools(proxy);
      const value = await definition.handler(args, { tools, connection });
      return done({ ok: true, value: value === undefined ? null : JSON.parse(JSON.stringify(value)) });
    } catch (e) {
      return done({ ok: false, error: thrownError(e) });
    }
  }
}
`;
}
