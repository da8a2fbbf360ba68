import { inNarrowing, toolkitToNarrowing } from "../core/toolset";
import { ToolAddress, ToolPattern } from "../schemas";
import type { SideEffect, ToolStatus } from "../schemas";
import type { ResolvedTool } from "../workers/invoke/catalog-view";

// What a toolkit being edited would expose, computed with the toolset rule admission uses
// (core/toolset: a tool is in when selected or matched by a pattern), over the tools this person
// reaches. The page shows it on a "Preview" submit and, with its script, live (POST /toolkits/preview).

/** A selection and patterns as posted; nothing here is trusted until `draftProblems` is empty. */
export type Draft = { tools: string[]; patterns: string[] };

export type PreviewItem = { address: string; source: string; name: string; connection: string; sideEffect: SideEffect; status: ToolStatus };

export type Preview = {
  /** The reachable tools the toolkit selects or matches, by address. */
  exposed: PreviewItem[];
  /** Selected addresses this person does not reach now (a removed tool or connection): kept, exposing nothing. */
  unreachable: string[];
  /** Entries that are not addresses or patterns; with any, nothing can be saved. */
  problems: string[];
};

export const MAX_SELECTED = 10_000;
export const MAX_PATTERNS = 256;

/** The patterns textarea: one pattern a line, blank lines ignored. */
export function patternLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

/** What is wrong with a draft, worded for the person who typed it (schemas/toolkit.ts sets the rules). */
export function draftProblems(draft: Draft): string[] {
  const problems: string[] = [];
  if (draft.tools.length > MAX_SELECTED) problems.push(`Tools: at most ${MAX_SELECTED} may be selected`);
  if (draft.patterns.length > MAX_PATTERNS) problems.push(`Patterns: at most ${MAX_PATTERNS}`);
  for (const tool of draft.tools.slice(0, MAX_SELECTED)) {
    if (!ToolAddress.safeParse(tool).success) problems.push(`Tools: ${tool.slice(0, 200)} is not a tool address`);
  }
  for (const pattern of draft.patterns.slice(0, MAX_PATTERNS)) {
    const checked = ToolPattern.safeParse(pattern);
    if (!checked.success) problems.push(`Patterns: ${pattern.slice(0, 200)} ${checked.error.issues[0]?.message ?? "is not a pattern"}`);
  }
  return problems.slice(0, 20);
}

function item(resolved: ResolvedTool): PreviewItem {
  const { address, tool, connection } = resolved;
  return { address: address.address, source: address.source, name: tool.name, connection: connection.name, sideEffect: tool.sideEffect, status: tool.status };
}

/** The preview of a draft over `reachable` (every tool this person reaches, from `visibleTools`). */
export function previewDraft(reachable: readonly ResolvedTool[], draft: Draft): Preview {
  const problems = draftProblems(draft);
  const tools = draft.tools.flatMap((t) => {
    const parsed = ToolAddress.safeParse(t);
    return parsed.success ? [parsed.data] : [];
  });
  const patterns = draft.patterns.filter((p) => ToolPattern.safeParse(p).success);
  const narrowing = toolkitToNarrowing({ scope: "draft", slug: "draft", tools, patterns });
  const exposed = reachable.filter((r) => inNarrowing(narrowing, r.address.address)).map(item);
  const known = new Set<string>(reachable.map((r) => r.address.address));
  return { exposed, unreachable: tools.filter((t) => !known.has(t)), problems };
}
