/** A bound on one JSON value: nesting depth (stack) and number of values (heap). See scan.ts. */
export interface JsonLimits {
  readonly depth: number;
  readonly values: number;
}

/**
 * One set of limits per kind of JSON boundary (DESIGN invariant 10).
 *
 * Depth: the platform's own recursive steps set the ceiling. zod's `z.json()` (every record crossing
 * RPC), RFC 8785 hashing (input, tool and evidence hashes), JSON.stringify and the structured clone
 * of an RPC argument together survive about 1,250 levels of objects in workerd and 1,400 in Node;
 * every depth limit stays under a quarter of that (checked where the code runs by
 * core/json/limits.test.ts and workers/gateway/body.test.ts).
 *
 * Values: what the heap pays for a parse. V8 spends up to ~60 bytes per value (an empty object, a
 * member with a unique key), so text can grow twentyfold when parsed ([{},{},…]); counting values
 * bounds that regardless of how the bytes are spent.
 */
export const JSON_LIMITS = {
  /**
   * What a client sends: /v1 request bodies and /mcp JSON-RPC messages, so also tool arguments (which
   * sit two to four levels inside them). The deepest input schema made from GitHub's REST description
   * nests 13 levels. 250,000 values is at most ~15 MB of heap, and only bodies averaging under four
   * bytes per value reach it within the 1 MiB body limit.
   */
  request: { depth: 64, values: 250_000 },
  /**
   * Descriptions we import and the tool schemas made from them: OpenAPI documents (JSON and YAML),
   * GraphQL introspection results, an MCP server's tool listing. GitHub's REST description nests 21
   * levels; 256 keeps reachable the cut OpenAPI schema rewriting makes at 64 levels of schemas
   * (sources/openapi/schemas.ts), each of which is two levels of JSON (`properties`, then the name).
   * GitHub's description holds ~260,000 values. The values bound what parsing and upgrading a
   * description costs, whatever its bytes: a minified 16 MiB description of ~650,000 values needed
   * 99 MiB of heap before it could be refused (bench/import-memory.ts).
   */
  document: { depth: 256, values: 500_000 },
  /**
   * What upstreams answer a call: API results, OAuth token responses, GraphQL data, MCP tool results.
   * Data nests no deeper than the description it follows allows; this leaves room for tree-shaped
   * APIs (threads, ASTs, aggregations) while every stored result still hashes, validates and clones.
   */
  upstream: { depth: 256, values: 1_000_000 },
} as const satisfies Record<string, JsonLimits>;

export type JsonBoundary = keyof typeof JSON_LIMITS;
