import type { Resolved } from "./pointer";
import { documentId, parsePointer, refsIn, resolvePointer } from "./pointer";

/** Definitions compared per proof; past it two definitions are taken to differ (a second name, never a wrong one). */
const MAX_COMPARED = 2_000;

export interface Located {
  readonly root: unknown;
  readonly target: unknown;
}

/**
 * Whether two definitions, each in its own document, denote the same type: equal JSON, and every
 * `$ref` in them (followed transitively) resolves in both documents to equal JSON again. This lets
 * one registry give `simple-user` from a tool's input and from its output (or from a hundred tools
 * of one toolkit) one name, while a same-named but different definition gets its own.
 *
 * Cost: each definition is serialized once per registry (`texts`); a shared object (OpenAPI schemas
 * are shared between a document's tools, sources/openapi/schemas.ts) compares by identity first.
 */
export class DefinitionComparer {
  readonly #texts = new WeakMap<object, string>();
  readonly #refs = new WeakMap<object, string[] | null>();

  same(a: Located, b: Located): boolean {
    const idA = documentId(a.root);
    const idB = documentId(b.root);
    const pairs: Array<readonly [unknown, unknown]> = [[a.target, b.target]];
    const visited = new Set<string>();
    for (let pair = pairs.pop(); pair !== undefined; pair = pairs.pop()) {
      const [x, y] = pair;
      if (x !== y && this.#text(x) !== this.#text(y)) return false;
      const refs = this.#refsOf(x);
      if (refs === null) return false;
      for (const ref of refs) {
        if (visited.has(ref)) continue;
        visited.add(ref);
        if (visited.size > MAX_COMPARED) return false;
        const inA = follow(a.root, ref, idA);
        const inB = follow(b.root, ref, idB);
        if (inA.ok !== inB.ok) return false;
        if (inA.ok && inB.ok) pairs.push([inA.target, inB.target]);
        else if (!inA.ok && !inB.ok && inA.reason !== inB.reason) return false;
      }
    }
    return true;
  }

  #text(value: unknown): string {
    if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "";
    let text = this.#texts.get(value);
    if (text === undefined) {
      text = JSON.stringify(value);
      this.#texts.set(value, text);
    }
    return text;
  }

  #refsOf(value: unknown): string[] | null {
    if (typeof value !== "object" || value === null) return [];
    let refs = this.#refs.get(value);
    if (refs === undefined) {
      refs = refsIn(value);
      this.#refs.set(value, refs);
    }
    return refs;
  }
}

function follow(root: unknown, ref: string, id: string | undefined): Resolved {
  const pointer = parsePointer(ref, id);
  return pointer.ok ? resolvePointer(root, pointer.segments) : pointer;
}
