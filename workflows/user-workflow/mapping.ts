import type { JsonObject, JsonValue } from "../../schemas";

/**
 * The mapping language of workflow arguments (docs/workflows.md): a string that is exactly
 * `${ref}` becomes the referenced value (any JSON type); `${ref}` inside other text is put in as
 * text. A reference is `steps.<id>.output`, `trigger.payload` or `trigger.firedAt`, followed by
 * any number of `.name` or `[index]`. Nothing is evaluated: no operators, no calls.
 */
export type Ref = { root: "step"; step: string; path: Array<string | number> } | { root: "trigger"; field: "payload" | "firedAt" | "kind"; path: Array<string | number> };

const REF = /\$\{([^}]*)\}/g;
const WHOLE = /^\$\{([^}]*)\}$/;

/** Parses one reference, or names what is wrong with it. */
export function parseRef(text: string): Ref | { error: string } {
  const src = text.trim();
  const head = /^(steps\.([a-z][a-z0-9_]*)\.output|trigger\.(payload|firedAt|kind))/.exec(src);
  if (!head) return { error: `\${${src}} must start with steps.<id>.output or trigger.payload` };
  const path: Array<string | number> = [];
  let rest = src.slice(head[0].length);
  while (rest.length > 0) {
    const m = /^\.([A-Za-z_$][A-Za-z0-9_$-]*)|^\[(\d{1,6})\]|^\["((?:[^"\\]|\\.)*)"\]/.exec(rest);
    if (!m) return { error: `\${${src}}: cannot read "${rest.slice(0, 20)}" (use .name, [0] or ["name"])` };
    path.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : JSON.parse(`"${m[3] ?? ""}"`)));
    rest = rest.slice(m[0].length);
  }
  if (head[2]) return { root: "step", step: head[2], path };
  return { root: "trigger", field: head[3] as "payload" | "firedAt" | "kind", path };
}

/** Every reference in a value's strings, with where it is (`rows`, `filter.q`, `[2]`). */
export function refsIn(value: JsonValue, at = ""): Array<{ at: string; text: string; whole: boolean }> {
  if (typeof value === "string") {
    const whole = WHOLE.test(value);
    return [...value.matchAll(REF)].map((m) => ({ at, text: m[1] ?? "", whole }));
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => refsIn(v, `${at}[${i}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => refsIn(v, at ? `${at}.${k}` : k));
  return [];
}

export type MappingContext = { steps: Record<string, JsonValue>; trigger: { kind: string; payload: JsonValue; firedAt: string } };

function walk(value: JsonValue | undefined, path: ReadonlyArray<string | number>): JsonValue {
  let current: JsonValue | undefined = value;
  for (const key of path) {
    if (current === null || typeof current !== "object") return null;
    current = Array.isArray(current) ? (typeof key === "number" ? current[key] : undefined) : (current as JsonObject)[String(key)];
  }
  return current ?? null;
}

/** The value a reference names now (null when the path leads nowhere). */
export function resolveRef(ref: Ref, ctx: MappingContext): JsonValue {
  if (ref.root === "step") return walk(ctx.steps[ref.step], ref.path);
  if (ref.field === "payload") return walk(ctx.trigger.payload, ref.path);
  return ref.field === "firedAt" ? ctx.trigger.firedAt : ctx.trigger.kind;
}

/** The most JSON one step's arguments may grow to by substitution (references repeated cannot blow up memory). */
export const MAX_ARGUMENT_CHARS = 1_048_576;

export class MappingTooLarge extends Error {}

/**
 * Arguments with every reference replaced: whole references by their value, embedded ones as text.
 * Throws MappingTooLarge once the values put in exceed MAX_ARGUMENT_CHARS of JSON in all.
 */
export function substitute(value: JsonValue, ctx: MappingContext, budget = { left: MAX_ARGUMENT_CHARS }): JsonValue {
  const spend = (v: JsonValue): JsonValue => {
    budget.left -= typeof v === "string" ? v.length : JSON.stringify(v).length;
    if (budget.left < 0) throw new MappingTooLarge(`the step's arguments would be over ${MAX_ARGUMENT_CHARS} characters of JSON once its references are put in`);
    return v;
  };
  if (typeof value === "string") {
    const whole = WHOLE.exec(value);
    if (whole) {
      const ref = parseRef(whole[1] ?? "");
      return "error" in ref ? value : spend(resolveRef(ref, ctx));
    }
    return value.replace(REF, (_m, text: string) => {
      const ref = parseRef(text);
      if ("error" in ref) return "";
      const v = spend(resolveRef(ref, ctx));
      return typeof v === "string" ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, ctx, budget));
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, ctx, budget)]));
  return value;
}
