import { commentText } from "./jsdoc";

/** A `format` or `@default` is a hint, not documentation: kept short. */
const TAG_CHARS = 120;

/**
 * The JSDoc lines for a schema, from its annotations (JSON Schema 2020-12 validation §9:
 * `description`, or `title` when there is none, `default`, `deprecated`; §7: `format`). Every line
 * is already safe inside a comment (jsdoc.ts).
 */
export function docLines(schema: unknown, maxChars: number): string[] {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return [];
  const record = schema as Readonly<Record<string, unknown>>;
  const lines: string[] = [];
  const text = typeof record["description"] === "string" ? record["description"] : record["title"];
  if (typeof text === "string" && text.trim() !== "") lines.push(commentText(text, maxChars));
  if (typeof record["format"] === "string" && record["format"] !== "") lines.push(`@format ${oneLine(record["format"])}`);
  if (Object.hasOwn(record, "default")) {
    const json = jsonText(record["default"]);
    if (json !== undefined) lines.push(`@default ${oneLine(json)}`);
  }
  if (record["deprecated"] === true) lines.push("@deprecated");
  return lines;
}

/** Characters `lines` will take once printed (what the budget is charged). */
export function docSize(lines: readonly string[], indent: number): number {
  return lines.reduce((sum, line) => sum + line.length + indent + 4, lines.length > 0 ? 2 * indent + 8 : 0);
}

function oneLine(text: string): string {
  return commentText(text, TAG_CHARS).replace(/\s+/g, " ");
}

/** A default's JSON (as big as the schema holding it, which is bounded); none for a value JSON cannot hold. */
function jsonText(value: unknown): string | undefined {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : text.slice(0, TAG_CHARS + 1);
  } catch {
    return undefined;
  }
}
