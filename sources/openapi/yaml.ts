import type { CST } from "yaml";
import { Parser, parse as parseYaml } from "yaml";
import { JSON_LIMITS, describeBreach, scanJsonValue } from "../../core/json";
import type { JsonValue } from "../../schemas";
import { PluginError } from "../types";

/**
 * YAML costs far more than JSON to parse: GitHub's description as YAML (9.5 MiB) needs over 300 MB
 * of heap, against ~12 MB for its JSON parse, because the yaml package builds a CST, then a document
 * AST, then the values. Documents above this are refused before any of that starts (convert them
 * to JSON, whose cap is document.ts MAX_DOCUMENT_BYTES). Measured by bench/import-memory.ts.
 */
export const MAX_YAML_DOCUMENT_BYTES = 1536 * 1024;

/**
 * Parses a YAML document within the document JSON limits (DESIGN invariant 10). The yaml package's
 * lexer and CST parser are iterative, but its composer recurses per level of nesting and overflows
 * the stack a few thousand levels down (reporting it as a parse error): so the CST is checked first,
 * without recursion, and the values (aliases expanded) are checked again after.
 */
export function parseYamlDocument(text: string): JsonValue {
  if (text.length > MAX_YAML_DOCUMENT_BYTES) {
    throw new PluginError("invalid_document", `YAML documents are limited to ${MAX_YAML_DOCUMENT_BYTES} bytes; upload or serve this one as JSON`);
  }
  const { depth } = JSON_LIMITS.document;
  if (!cstWithinDepth(new Parser().parse(text), depth)) {
    throw new PluginError("invalid_document", `the document nests deeper than ${depth} levels of mappings and sequences`);
  }
  let value: unknown;
  try {
    // YAML 1.2 core schema (no timestamps or binary), aliases capped against expansion bombs; the
    // reviver drops .inf/.nan, which JSON cannot carry.
    value = parseYaml(text, (_key: unknown, v: unknown) => (typeof v === "number" && !Number.isFinite(v) ? undefined : v), {
      maxAliasCount: 100,
      prettyErrors: false,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split("\n")[0] ?? "" : "syntax error";
    throw new PluginError("invalid_document", `the document is neither JSON nor YAML: ${reason.slice(0, 200)}`);
  }
  const breach = scanJsonValue(value, JSON_LIMITS.document);
  if (breach !== null) throw new PluginError("invalid_document", `the document ${describeBreach(breach)}`);
  return value as JsonValue;
}

/** Whether no path through the CST passes more than `max` collections (block map, block sequence, flow). */
function cstWithinDepth(tokens: Iterable<CST.Token>, max: number): boolean {
  const stack: Array<{ token: CST.Token; depth: number }> = [];
  for (const token of tokens) stack.push({ token, depth: 0 });
  for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
    const { token } = top;
    if (token.type === "document") {
      if (token.value !== undefined) stack.push({ token: token.value, depth: top.depth });
      continue;
    }
    if (token.type !== "block-map" && token.type !== "block-seq" && token.type !== "flow-collection") continue;
    const depth = top.depth + 1;
    if (depth > max) return false;
    for (const item of token.items) {
      // A complex key (`? [a, b]`) nests like a value.
      if (item.key) stack.push({ token: item.key, depth });
      if (item.value) stack.push({ token: item.value, depth });
    }
  }
  return true;
}
