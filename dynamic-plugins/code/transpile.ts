import { transform } from "sucrase";

export type Transpiled = { ok: true; module: string; form: "body" | "module"; lineOffset: number } | { ok: false; message: string; line: number; column: number };

const HAS_DEFAULT_EXPORT = /(^|\n|;)\s*export\s+default\b/;

function strip(code: string): string {
  // Sucrase removes types only (the `typescript` transform): modern JS passes through untouched.
  return transform(code, { transforms: ["typescript"], disableESTransforms: true, production: true }).code;
}

type Located = { message: string; loc?: { line: number; column: number } };

/** Sucrase's parse error, as `message (line:column)` with its own position; positions are 1-based. */
function located(error: unknown, lineOffset: number): { message: string; line: number; column: number } {
  const e = error as Located;
  const raw = typeof e?.message === "string" ? e.message : "the code could not be parsed";
  const line = Math.max(1, (e.loc?.line ?? 1) - lineOffset);
  const column = Math.max(1, e.loc?.column ?? 1);
  return { message: raw.replace(/\s*\(\d+:\d+\)\s*$/, ""), line, column };
}

/**
 * TypeScript or JavaScript in, one ES module out whose default export is an async function taking
 * `tools`. Two forms are accepted: a module with a default export, used as it is, or an async
 * function body (statements, `await`, `return`), wrapped. Types are stripped by sucrase, chosen for
 * running inside a Worker: pure JavaScript (no WebAssembly to load), a few hundred kilobytes, and
 * fast (about 1 ms for a page of code), where esbuild-wasm is 17 MB and TypeScript's own
 * transpileModule brings the whole compiler. A syntax error comes back with the line and column in
 * the code as written.
 */
export function transpileCode(code: string): Transpiled {
  if (HAS_DEFAULT_EXPORT.test(code)) {
    try {
      return { ok: true, module: strip(code), form: "module", lineOffset: 0 };
    } catch (error) {
      return { ok: false, ...located(error, 0) };
    }
  }
  const wrapped = `export default async function (tools) {\n${code}\n}\n`;
  try {
    return { ok: true, module: strip(wrapped), form: "body", lineOffset: 1 };
  } catch (error) {
    return { ok: false, ...located(error, 1) };
  }
}
