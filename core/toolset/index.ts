import type { Narrowing } from "../../schemas/principal";
import type { Toolkit } from "../../schemas/toolkit";
import { matchesPattern } from "../pattern";

/**
 * A narrowed executor's view (DESIGN §3: `scope(toolset)` intersects, never widens). A toolset is the
 * list of narrowings in force; an address is in it when EVERY narrowing admits it. The empty list is the
 * whole scope: nothing has narrowed it yet.
 */
export type Toolset = readonly Narrowing[];

// Explicit selections may hold up to 10,000 addresses and are checked for every catalog entry listed,
// so keep a Set per selection array. Narrowings are treated as immutable values once built.
const selections = new WeakMap<readonly string[], ReadonlySet<string>>();

function selected(narrowing: Narrowing, address: string): boolean {
  let set = selections.get(narrowing.tools);
  if (set === undefined) {
    set = new Set(narrowing.tools);
    selections.set(narrowing.tools, set);
  }
  return set.has(address);
}

/** True when one narrowing admits the address: explicitly selected, or matched by one of its patterns. */
export function inNarrowing(narrowing: Narrowing, address: string): boolean {
  return selected(narrowing, address) || narrowing.patterns.some((pattern) => matchesPattern(pattern, address));
}

/** The first narrowing that excludes the address, or null when the toolset admits it. */
export function excludingNarrowing(toolset: Toolset, address: string): Narrowing | null {
  return toolset.find((narrowing) => !inNarrowing(narrowing, address)) ?? null;
}

/** True when every narrowing admits the address (the intersection); true for the empty toolset. */
export function inToolset(toolset: Toolset, address: string): boolean {
  return excludingNarrowing(toolset, address) === null;
}

/**
 * A toolkit is pure curation (DESIGN §2): its narrowing is its selections and patterns, nothing else.
 * The label names scope and slug, since two scopes may each have a toolkit called `dev`.
 */
export function toolkitToNarrowing(toolkit: Pick<Toolkit, "scope" | "slug" | "tools" | "patterns"> & { runCode?: boolean }): Narrowing {
  const narrowing: Narrowing = { label: `${toolkit.scope}/${toolkit.slug}`, tools: [...toolkit.tools], patterns: [...toolkit.patterns] };
  if (toolkit.runCode) narrowing.runCode = true;
  return narrowing;
}

/**
 * Code may run only if every narrowing in force allows it: whole-scope credentials (no narrowing)
 * may; a toolkit grants or withholds it (DESIGN §10: run_code appears only where the scope grants it).
 */
export function mayRunCode(narrowings: readonly Narrowing[]): boolean {
  return narrowings.every((n) => n.runCode === true);
}

function sameNarrowing(a: Narrowing, b: Narrowing): boolean {
  return (
    a.label === b.label &&
    a.runCode === b.runCode &&
    a.tools.length === b.tools.length &&
    a.patterns.length === b.patterns.length &&
    a.tools.every((t, i) => t === b.tools[i]) &&
    a.patterns.every((p, i) => p === b.patterns[i])
  );
}

function isToolset(value: Narrowing | Toolset): value is Toolset {
  return Array.isArray(value);
}

/**
 * DESIGN §3 / invariant 2: narrowing only ever adds constraints. The result admits an address only when
 * both `toolset` and `more` do. Narrowings already present are not repeated, so narrowing twice by the
 * same toolkit is a no-op (and the list stays within Principal's limit of 16).
 */
export function scope(toolset: Toolset, more: Narrowing | Toolset): Narrowing[] {
  const added: Toolset = isToolset(more) ? more : [more];
  const result = [...toolset];
  for (const narrowing of added) {
    if (!result.some((existing) => sameNarrowing(existing, narrowing))) result.push(narrowing);
  }
  return result;
}
