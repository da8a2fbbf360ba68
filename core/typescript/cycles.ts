import type { RefNode, TypeNode } from "./ir";
import { eachRef } from "./ir";

export interface Node<T> {
  readonly key: T;
  readonly body: TypeNode;
}

/**
 * TypeScript resolves a type alias's union and intersection members eagerly and defers only what
 * sits inside object members, array elements and tuple elements (TypeScript 3.7 release notes,
 * "More Recursive Type Aliases"). So `type A = B | string; type B = A & {…}` is an error
 * ("Type alias 'A' circularly references itself") while `type Tree = { children: Tree[] }` is fine.
 *
 * This finds the references made in eager position (`directOnly`), walks them depth first, and
 * breaks every back edge: the reference then prints as `unknown` with a note. Without back edges
 * the eager graph is acyclic, which is all TypeScript asks. Iterative: no schema can deepen the stack.
 */
export function breakEagerCycles<T>(nodes: readonly Node<T>[], keyOf: (ref: RefNode) => T | undefined): number {
  const byKey = new Map<T, Node<T>>(nodes.map((node) => [node.key, node]));
  const state = new Map<T, "open" | "done">();
  let broken = 0;
  const eager = (node: Node<T>): RefNode[] => {
    const refs: RefNode[] = [];
    eachRef(node.body, (ref) => refs.push(ref), true);
    return refs;
  };
  for (const start of nodes) {
    if (state.has(start.key)) continue;
    state.set(start.key, "open");
    const stack: Array<{ node: Node<T>; refs: RefNode[]; next: number }> = [{ node: start, refs: eager(start), next: 0 }];
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as (typeof stack)[number];
      const ref = frame.refs[frame.next++];
      if (ref === undefined) {
        state.set(frame.node.key, "done");
        stack.pop();
        continue;
      }
      const key = keyOf(ref);
      const target = key === undefined ? undefined : byKey.get(key);
      if (target === undefined) continue;
      const seen = state.get(target.key);
      if (seen === "open") {
        ref.broken = true;
        broken++;
      } else if (seen === undefined) {
        state.set(target.key, "open");
        stack.push({ node: target, refs: eager(target), next: 0 });
      }
    }
  }
  return broken;
}
