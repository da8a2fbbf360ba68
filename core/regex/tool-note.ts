import type { JsonObject } from "../../schemas";
import type { DroppedPattern } from "./schema";
import { PatternChecker } from "./schema";

/**
 * A tool whose input schema had patterns the linear engine cannot run is stored without them (see
 * schema.ts) and says so in its description, so neither the people reviewing it nor the agents
 * calling it are surprised that those constraints are not checked by the platform.
 */

/** schemas/tool.ts: a tool description is at most 4,096 characters. */
const DESCRIPTION_LIMIT = 4096;
const LISTED = 5;
const EXCERPT = 80;

type Described = { readonly description: string; readonly inputSchema?: JsonObject | undefined };

/** The tools of one manifest with only enforceable patterns; shared schemas are walked once. */
export function withEnforceablePatterns<T extends Described>(tools: readonly T[]): T[] {
  const checker = new PatternChecker();
  return tools.map((tool) => {
    if (tool.inputSchema === undefined) return tool;
    const { schema, dropped } = checker.check(tool.inputSchema);
    if (dropped.length === 0) return tool;
    return { ...tool, inputSchema: schema, description: appendNote(tool.description, patternNote(dropped)) };
  });
}

/** The sentence added to the description: which patterns were dropped, where, and why. */
export function patternNote(dropped: readonly DroppedPattern[]): string {
  const distinct = [...new Map(dropped.map((d) => [`${d.keyword}\u0000${d.pattern}`, d])).values()];
  const listed = distinct.slice(0, LISTED).map((d) => {
    // The schema object that held the keyword (tokens never contain "/": RFC 6901 escapes it).
    const where = d.at.slice(0, d.at.lastIndexOf(d.keyword === "pattern" ? "/pattern" : "/patternProperties/"));
    const kind = d.keyword === "pattern" ? "pattern" : "patternProperties key";
    return `${kind} "${printable(d.pattern, EXCERPT)}" at ${printable(where || "/", EXCERPT)} (${d.reason})`;
  });
  const more = distinct.length > LISTED ? `; and ${distinct.length - LISTED} more` : "";
  const count = distinct.length === 1 ? "1 pattern" : `${distinct.length} patterns`;
  return (
    `Not checked by Executor: ${count} of this tool's input schema, because only a backtracking regular-expression ` +
    `engine could run them and patterns from imported specs never run on one: ${listed.join("; ")}${more}. ` +
    "Every other keyword of the schema is still checked."
  );
}

function appendNote(description: string, note: string): string {
  const room = DESCRIPTION_LIMIT - note.length - 2;
  if (description === "") return note.slice(0, DESCRIPTION_LIMIT);
  if (description.length <= room) return `${description}\n\n${note}`;
  let cut = Math.max(0, room - 1);
  // Never end on half of a surrogate pair.
  const last = description.charCodeAt(cut - 1);
  if (last >= 0xd800 && last <= 0xdbff) cut--;
  return `${description.slice(0, cut)}…\n\n${note}`;
}

/** Printable ASCII only (anything else as `\uXXXX`), capped: upstream text must not hide or reorder what follows. */
function printable(text: string, max: number): string {
  const escaped = text
    .slice(0, max)
    .replace(/[^\x20-\x7e]|["\\]/g, (c) => (c === '"' || c === "\\" ? `\\${c}` : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`));
  return text.length > max ? `${escaped}…` : escaped;
}
