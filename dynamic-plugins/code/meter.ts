import { parse } from "acorn";
import type { Node } from "acorn";
import { full } from "acorn-walk";

/**
 * The name of the step counter injected into the caller's code. Code that mentions it (or anything
 * starting with `__executor`) is refused, so it can never declare a binding that shadows it; and since
 * Workers have no `eval` or `new Function`, code cannot produce the name at run time either.
 */
export const METER = "__executor_step";
const RESERVED = /__executor/;

export type Metered = { ok: true; module: string } | { ok: false; message: string; line: number; column: number };

type Splice = { at: number; text: string; end?: number };

/**
 * Instruments a module so its CPU is bounded even where the runtime bounds nothing: local workerd
 * enforces no CPU limit, so one `for (;;) {}` would wedge every isolate on the thread, the host's
 * timer included (workerd issue #49). Every loop body and every function body starts by calling the
 * metered step, which throws once the run's budget of steps is spent; once it is spent every loop
 * iteration and every call throws at once, so no `try` can keep the code spinning. The cloud adds its
 * own `limits.cpuMs`; this budget holds in both.
 */
export function meterModule(code: string): Metered {
  if (RESERVED.test(code)) {
    const at = code.search(RESERVED);
    const before = code.slice(0, at).split("\n");
    return { ok: false, message: "identifiers starting with __executor are reserved", line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
  }
  let ast: Node;
  try {
    ast = parse(code, { ecmaVersion: "latest", sourceType: "module", locations: true });
  } catch (error) {
    const e = error as { message?: string; loc?: { line: number; column: number } };
    return { ok: false, message: String(e.message ?? "syntax error").replace(/\s*\(\d+:\d+\)\s*$/, ""), line: e.loc?.line ?? 1, column: (e.loc?.column ?? 0) + 1 };
  }
  const splices: Splice[] = [];
  const step = `${METER}();`;
  const meterBody = (body: Node): void => {
    if (body.type === "BlockStatement") splices.push({ at: body.start + 1, text: step });
    else splices.push({ at: body.start, text: `{${step}`, end: body.end });
  };
  full(ast, (node) => {
    const n = node as Node & { body?: Node; expression?: boolean };
    switch (node.type) {
      case "ForStatement":
      case "ForInStatement":
      case "ForOfStatement":
      case "WhileStatement":
      case "DoWhileStatement":
        if (n.body) meterBody(n.body);
        break;
      case "FunctionDeclaration":
      case "FunctionExpression":
      case "ArrowFunctionExpression":
        if (!n.body) break;
        if (n.body.type === "BlockStatement") splices.push({ at: n.body.start + 1, text: step });
        // An expression-bodied arrow: `x => (step(), expr)`.
        else {
          splices.push({ at: n.body.start, text: `(${METER}(), (` });
          splices.push({ at: n.body.end, text: "))" });
        }
        break;
    }
  });
  // Closing braces for non-block loop bodies are inserted at their end; apply from the back.
  const edits: Array<{ at: number; text: string }> = [];
  for (const s of splices) {
    edits.push({ at: s.at, text: s.text });
    if (s.end !== undefined) edits.push({ at: s.end, text: "}" });
  }
  edits.sort((a, b) => b.at - a.at);
  let out = code;
  for (const e of edits) out = out.slice(0, e.at) + e.text + out.slice(e.at);
  return { ok: true, module: out };
}
