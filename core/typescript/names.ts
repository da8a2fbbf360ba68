import type { ConvertContext } from "./convert";
import { convertSchema } from "./convert";
import { breakEagerCycles } from "./cycles";
import { docLines } from "./docs";
import { IdentifierPool, typeIdentifier } from "./identifiers";
import type { AliasTarget, TypeNode } from "./ir";
import { eachRef, ref, unknownType } from "./ir";
import { docComment } from "./jsdoc";
import type { TypeScriptLimits } from "./limits";
import { Budget, SIZE_NOTE, TYPESCRIPT_LIMITS } from "./limits";
import { documentId, parsePointer, resolvePointer } from "./pointer";
import { printType } from "./print";
import { DefinitionComparer } from "./same-definition";

interface Alias extends AliasTarget {
  readonly root: unknown;
  readonly target: unknown;
  doc: readonly string[];
  body: TypeNode | undefined;
  omitted: boolean;
  refs: Alias[];
  text: string;
}

/** One conversion under one budget: the aliases it created, in the order they were found. */
interface Phase {
  readonly maxChars: number;
  readonly budget: Budget;
  readonly created: Alias[];
}

function phaseOf(maxChars: number): Phase {
  return { maxChars, budget: new Budget(maxChars), created: [] };
}

export interface TypeNamesOptions {
  readonly limits?: Partial<TypeScriptLimits>;
  /** Names the caller uses itself (its own declarations), never handed out. */
  readonly reserved?: Iterable<string>;
}

export interface Declared {
  readonly name: string;
  /** Whether the size cap left anything out (the declarations then say where). */
  readonly truncated: boolean;
}

/** Segments that say where in a schema a pointer goes rather than what it names. */
const STRUCTURAL = new Set(["$defs", "definitions", "properties", "patternProperties", "additionalProperties", "items", "prefixItems", "additionalItems", "allOf", "anyOf", "oneOf", "not", "components", "schemas"]);

/**
 * The named types of one generated text: every `$ref` becomes a `type` alias declared once, however
 * many schemas use it, and recursion is a reference to a name, never an expansion. Aliases are
 * hoisted, so order is for readers: each root, then what it needs, breadth first.
 *
 * Names: a root takes the name its caller gives; a definition takes its `$defs` key (or the pointer's
 * last meaningful segment) in PascalCase, unique within the registry. Two references share a name
 * when they denote the same definition (same-definition.ts): so one registry can serve a whole
 * toolkit, each `SimpleUser` declared once.
 *
 * Bounds: each root is converted under its own budget of `maxChars` (limits.ts). Aliases found after
 * the budget ran out are declared `unknown` with a note; then the printed closure of the root is
 * measured, and while it is over the cap the aliases found last are replaced the same way, so what
 * stays typed is what is nearest the root and the bound is exact.
 */
export class TypeNames {
  readonly limits: TypeScriptLimits;
  readonly #pool: IdentifierPool;
  readonly #comparer = new DefinitionComparer();
  readonly #byRoot = new WeakMap<object, Map<string, Alias>>();
  readonly #byBase = new Map<string, Alias[]>();
  readonly #byTarget = new Map<AliasTarget, Alias>();
  readonly #byName = new Map<string, Alias>();
  readonly #order: Alias[] = [];

  constructor(options: TypeNamesOptions = {}) {
    this.limits = { ...TYPESCRIPT_LIMITS, ...options.limits };
    this.#pool = new IdentifierPool(this.limits.maxIdentifier, options.reserved);
  }

  /** A unique identifier from any text, for the caller's own declarations (e.g. a tool's function type). */
  claim(text: string): string {
    return this.#pool.claim(typeIdentifier(text, this.limits.maxIdentifier));
  }

  /** `type <name> = <schema>` with everything it needs; `$ref: "#"` inside `schema` refers to it. */
  declare(name: string, schema: unknown, options: { doc?: readonly string[]; maxChars?: number } = {}): Declared {
    const phase = phaseOf(options.maxChars ?? this.limits.maxChars);
    const alias = this.#create(this.claim(name), schema, schema, "");
    if (options.doc !== undefined) alias.doc = options.doc;
    phase.created.push(alias);
    const truncated = this.#drain(phase, [alias], 0);
    return { name: alias.name, truncated: truncated || phase.budget.refused };
  }

  /**
   * `schema` (inside the document `root`) as a type expression; the aliases it needs are declared
   * here. The expression and the aliases it reaches together stay within `maxChars`.
   */
  expression(schema: unknown, root: unknown, maxChars = this.limits.maxChars): { type: string; truncated: boolean } {
    const phase = phaseOf(maxChars);
    const node = convertSchema(schema, this.#context(root, phase), 0);
    let type = printType(node);
    const cut = type.length > maxChars;
    const used: Alias[] = [];
    if (cut) type = printType(unknownType(SIZE_NOTE));
    else eachRef(node, (r) => this.#push(used, r.target));
    const truncated = this.#drain(phase, used, type.length + 1);
    return { type, truncated: cut || truncated || phase.budget.refused };
  }

  /** The declarations `names` need (each alias and all it reaches, once), blank-line separated. */
  print(names: readonly string[]): string {
    return this.#closure(names.flatMap((name) => this.#byName.get(name) ?? [])).map((alias) => alias.text).join("\n");
  }

  /** Every declaration made so far. */
  printAll(): string {
    return this.#order.map((alias) => alias.text).join("\n");
  }

  #create(name: string, root: unknown, target: unknown, key: string): Alias {
    const alias: Alias = { name, root, target, doc: docLines(target, this.limits.maxDocChars), body: undefined, omitted: false, refs: [], text: "" };
    if (typeof root === "object" && root !== null) this.#aliasesOf(root).set(key, alias);
    this.#byTarget.set(alias, alias);
    this.#byName.set(name, alias);
    this.#order.push(alias);
    return alias;
  }

  #aliasesOf(root: object): Map<string, Alias> {
    let map = this.#byRoot.get(root);
    if (map === undefined) {
      map = new Map();
      this.#byRoot.set(root, map);
    }
    return map;
  }

  #context(root: unknown, phase: Phase): ConvertContext {
    return { limits: this.limits, budget: phase.budget, refer: (text) => this.#refer(root, text, phase) };
  }

  /** A `$ref` in `root`: the alias already made for its target, an equal one's, or a new one. */
  #refer(root: unknown, text: string, phase: Phase): TypeNode {
    const shown = text.slice(0, 120);
    const pointer = parsePointer(text, documentId(root));
    if (!pointer.ok) return unknownType(`${pointer.reason}: ${shown}`);
    const known = typeof root === "object" && root !== null ? this.#aliasesOf(root).get(pointer.key) : undefined;
    if (known !== undefined && !known.omitted) return ref(known);
    const resolved = resolvePointer(root, pointer.segments);
    if (!resolved.ok) return unknownType(`${resolved.reason}: ${shown}`);
    const base = typeIdentifier(baseName(pointer.segments), this.limits.maxIdentifier, "Ref");
    const candidates = this.#byBase.get(base) ?? [];
    const same = candidates.find((c) => !c.omitted && this.#comparer.same(c, { root, target: resolved.target }));
    if (same !== undefined) {
      if (typeof root === "object" && root !== null) this.#aliasesOf(root).set(pointer.key, same);
      return ref(same);
    }
    // The stub an omitted alias would print is paid for now, so omitting never exceeds the budget.
    if (!phase.budget.charge(base.length + 80)) return unknownType(`${base} ${SIZE_NOTE}`);
    const alias = this.#create(this.#pool.claim(base), root, resolved.target, pointer.key);
    candidates.push(alias);
    this.#byBase.set(base, candidates);
    phase.created.push(alias);
    return ref(alias);
  }

  /** Builds every alias the phase found (finding more as it goes), then enforces the exact bound. */
  #drain(phase: Phase, roots: readonly Alias[], extra: number): boolean {
    let truncated = false;
    for (let i = 0; i < phase.created.length; i++) {
      const alias = phase.created[i] as Alias;
      if (phase.budget.exhausted) {
        this.#omit(alias, phase);
        truncated = true;
      } else {
        alias.body = convertSchema(alias.target, this.#context(alias.root, phase), 0);
      }
    }
    const built = phase.created.filter((alias) => alias.body !== undefined && !alias.omitted);
    breakEagerCycles(
      built.map((alias) => ({ key: alias, body: alias.body as TypeNode })),
      (r) => this.#byTarget.get(r.target),
    );
    for (const alias of built) this.#print(alias);
    for (let i = phase.created.length - 1; i >= 0 && this.#size(roots) + extra > phase.maxChars; i--) {
      const alias = phase.created[i] as Alias;
      if (alias.omitted) continue;
      this.#omit(alias, phase);
      truncated = true;
    }
    return truncated;
  }

  #print(alias: Alias): void {
    const body = alias.body as TypeNode;
    alias.refs = [];
    eachRef(body, (r) => this.#push(alias.refs, r.target));
    alias.text = `${docComment(alias.doc, "")}type ${alias.name} = ${printType(body)};\n`;
  }

  /** Declared `unknown`, saying why; what only it referred to drops out of every closure. */
  #omit(alias: Alias, phase: Phase): void {
    alias.omitted = true;
    alias.body = undefined;
    alias.refs = [];
    alias.text = `/** ${SIZE_NOTE} (${phase.maxChars} characters). */\ntype ${alias.name} = unknown;\n`;
  }

  #push(list: Alias[], target: AliasTarget): void {
    const alias = this.#byTarget.get(target);
    if (alias !== undefined && !list.includes(alias)) list.push(alias);
  }

  /** `roots` and every alias they reach, breadth first, each once. */
  #closure(roots: readonly Alias[]): Alias[] {
    const seen = new Set<Alias>(roots);
    const out = [...seen];
    for (let i = 0; i < out.length; i++) {
      for (const next of (out[i] as Alias).refs) {
        if (!seen.has(next)) {
          seen.add(next);
          out.push(next);
        }
      }
    }
    return out;
  }

  /** Characters `print` would write for `roots`. */
  #size(roots: readonly Alias[]): number {
    const closure = this.#closure(roots);
    return closure.reduce((sum, alias) => sum + alias.text.length, Math.max(0, closure.length - 1));
  }
}

/** `#/$defs/simple-user` → `simple-user`; `#/properties/tags/items` → `tags`; `#` → `Root`. */
function baseName(segments: readonly string[]): string {
  for (let i = segments.length - 1; i >= 0; i--) {
    const segment = segments[i] as string;
    if (STRUCTURAL.has(segment) || /^[0-9]+$/.test(segment)) continue;
    // sources/openapi keys non-component targets `ref:/components/responses/x`: the last part names it.
    const last = segment.slice(segment.lastIndexOf("/") + 1);
    return last === "" ? segment : last;
  }
  return segments.length === 0 ? "Root" : "Ref";
}
