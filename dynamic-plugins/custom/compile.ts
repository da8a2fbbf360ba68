import { parse } from "acorn";
import type { Node } from "acorn";
import { full } from "acorn-walk";
import { transform } from "sucrase";
import { meterModule } from "../code/meter";

/** The module names a custom tool may import, and the sandbox module each one is. */
const IMPORTS: Record<string, string> = { executor: "./executor.js", zod: "./zod.js", "zod/v4": "./zod.js" };

export type CompiledTool = { ok: true; module: string; usesZod: boolean };
export type CompileError = { ok: false; file: string; line: number; column: number; message: string };

type Positioned = Node & { source?: (Node & { value?: unknown }) | null };

function failure(file: string, message: string, line: number, column: number): CompileError {
  return { ok: false, file, message, line: Math.max(1, line), column: Math.max(1, column) };
}

/**
 * One authored tool file (`tools/<name>.ts`) into the module its sandbox runs: types stripped by
 * sucrase (it keeps line numbers, so every position below is one in the file as written), imports
 * checked and pointed at the sandbox's own modules (`executor` for `defineTool`, `zod`; nothing
 * else exists there, and no dynamic `import()`), a default export required, then metered like
 * code mode so a loop cannot wedge the isolate. Any failure names the file, line and column.
 */
export function compileTool(file: string, source: string): CompiledTool | CompileError {
  let code: string;
  try {
    code = transform(source, { transforms: ["typescript"], disableESTransforms: true, production: true, filePath: file }).code;
  } catch (error) {
    const e = error as { message?: string; loc?: { line: number; column: number } };
    // Sucrase prefixes "Error transforming <file>: " and appends "(line:column)"; the caller names both.
    const message = String(e.message ?? "the file could not be parsed").replace(/^Error transforming [^:]*: /, "").replace(/\s*\(\d+:\d+\)\s*$/, "");
    return failure(file, message, e.loc?.line ?? 1, (e.loc?.column ?? 0) + 1);
  }
  let ast: Node & { body: Positioned[] };
  try {
    ast = parse(code, { ecmaVersion: "latest", sourceType: "module", locations: true }) as Node & { body: Positioned[] };
  } catch (error) {
    const e = error as { message?: string; loc?: { line: number; column: number } };
    return failure(file, String(e.message ?? "syntax error").replace(/\s*\(\d+:\d+\)\s*$/, ""), e.loc?.line ?? 1, (e.loc?.column ?? 0) + 1);
  }
  const at = (node: Node): [number, number] => [node.loc?.start.line ?? 1, (node.loc?.start.column ?? 0) + 1];
  let dynamic: Positioned | null = null;
  full(ast, (node) => {
    if (!dynamic && (node.type === "ImportExpression" || (node.type === "MetaProperty" && code.slice(node.start, node.end) === "import.meta"))) dynamic = node as Positioned;
  });
  if (dynamic) return failure(file, "dynamic import() and import.meta are not available to custom tools", ...at(dynamic));

  const splices: Array<{ start: number; end: number; text: string }> = [];
  let usesZod = false;
  let hasDefault = false;
  for (const node of ast.body) {
    if (node.type === "ExportDefaultDeclaration") hasDefault = true;
    if (node.type === "ExportNamedDeclaration" && code.slice(node.start, node.end).includes("default")) hasDefault ||= /\bas\s+default\b/.test(code.slice(node.start, node.end));
    const from = node.source;
    if (!from || (node.type !== "ImportDeclaration" && node.type !== "ExportNamedDeclaration" && node.type !== "ExportAllDeclaration")) continue;
    const name = typeof from.value === "string" ? from.value : "";
    const target = IMPORTS[name];
    if (!target) return failure(file, `cannot import '${name}': a custom tool may import only 'executor' and 'zod'`, ...at(from));
    if (target === "./zod.js") usesZod = true;
    splices.push({ start: from.start, end: from.end, text: JSON.stringify(target) });
  }
  if (!hasDefault) return failure(file, "the file has no default export: export default defineTool({ ... })", 1, 1);
  let rewritten = code;
  for (const s of splices.sort((a, b) => b.start - a.start)) rewritten = rewritten.slice(0, s.start) + s.text + rewritten.slice(s.end);
  const metered = meterModule(rewritten);
  if (!metered.ok) return failure(file, metered.message, metered.line, metered.column);
  return { ok: true, module: metered.module, usesZod };
}
