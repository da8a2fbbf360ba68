import type { JsonObject, SideEffect, ToolStatus } from "../../schemas";
import type { Candidate } from "./rank";
import { matchExpressions, nameWords, rankFeatures, rerank } from "./rank";
import { routeWords } from "./vocabulary";

export { nameWords } from "./rank";

// Full-text search over this scope's tools: the FTS5 table `tools_fts` (migrations 0003 and 0012)
// and its companion `tools_rank` (0012), one row each per tool under the same rowid. Raw SQL:
// drizzle does not model virtual tables.

export type SearchHit = {
  source: string;
  name: string;
  description: string;
  sideEffect: SideEffect;
  status: ToolStatus;
  /** bm25 rank: lower is better. */
  score: number;
};

function paramNames(schema: JsonObject | null | undefined): string {
  const props = schema?.properties;
  return props && typeof props === "object" && !Array.isArray(props) ? Object.keys(props).map(nameWords).join(" ") : "";
}

/** The first line of a description: an OpenAPI summary, an MCP tool's opening sentence. */
function titleOf(description: string): string {
  return (description.split("\n")[0] ?? "").slice(0, 200);
}

/**
 * Candidates the re-ranker orders (the best by bm25). Each costs a row read and a re-rank (a few
 * µs); with verbs only ranking (rank.ts), the tool a query is after is rarely deeper than this even
 * among 11,000 tools (bench/search-scale.ts), and twice the pool cost ~1 ms more per query.
 */
const RERANK_POOL = 200;

/**
 * bm25 weights by column of `tools_fts` (migration 0012): source and name are not indexed; then
 * name words, title, route, parameter names, description.
 */
const BM25 = "bm25(tools_fts, 0, 0, 10.0, 6.0, 8.0, 3.0, 1.0)";

type Indexed = { name: string; description: string; inputSchema?: JsonObject | null; invocation?: JsonObject | null };

/**
 * (Re)indexes one tool. Its old entry is found through `tools_rank`'s (source, name) index: in
 * `tools_fts` those columns are not indexed, so finding it there scanned the whole table (8-10 ms
 * per tool at 11,000 tools).
 */
export function indexTool(sql: SqlStorage, source: string, tool: Indexed): void {
  unindexTool(sql, source, tool.name);
  insertRow(sql, source, tool);
}

function insertRow(sql: SqlStorage, source: string, tool: Indexed): void {
  const words = nameWords(tool.name);
  const title = titleOf(tool.description);
  const route = routeWords(tool.invocation);
  const { id } = sql
    .exec<{ id: number }>("INSERT INTO tools_rank (source, name, features) VALUES (?, ?, ?) RETURNING id", source, tool.name, rankFeatures(title, words, route))
    .one();
  sql.exec(
    "INSERT INTO tools_fts (rowid, source, name, words, title, route, params, description) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    id,
    source,
    tool.name,
    words,
    title,
    route,
    paramNames(tool.inputSchema),
    tool.description,
  );
}

export function unindexTool(sql: SqlStorage, source: string, name: string): void {
  for (const { id } of sql.exec<{ id: number }>("DELETE FROM tools_rank WHERE source = ? AND name = ? RETURNING id", source, name).toArray()) {
    sql.exec("DELETE FROM tools_fts WHERE rowid = ?", id);
  }
}

export function unindexSource(sql: SqlStorage, source: string): void {
  sql.exec("DELETE FROM tools_fts WHERE rowid IN (SELECT id FROM tools_rank WHERE source = ?)", source);
  sql.exec("DELETE FROM tools_rank WHERE source = ?", source);
}

/** Rebuilds the index from the tools table (after the migration that created it, on older data). */
export function rebuildIndex(sql: SqlStorage): void {
  const indexed = sql.exec<{ n: number }>("SELECT count(*) AS n FROM tools_rank").one().n;
  const tools = sql.exec<{ n: number }>("SELECT count(*) AS n FROM tools").one().n;
  if (indexed > 0 || tools === 0) return;
  const rows = sql.exec<{ source: string; name: string; description: string; input_schema: string | null; invocation: string | null }>(
    "SELECT s.slug AS source, t.name, t.description, t.input_schema, t.invocation FROM tools t JOIN sources s ON s.id = t.source_id",
  );
  // The index is empty, so no row has an old entry to delete. (Before `tools_rank`, a delete per row
  // scanned the whole table, which made this quadratic: 37 s for 11,000 tools against 1.3 s, past
  // the 30 s a Durable Object may block while it starts.)
  for (const row of rows) {
    insertRow(sql, row.source, {
      name: row.name,
      description: row.description,
      inputSchema: row.input_schema ? (JSON.parse(row.input_schema) as JsonObject) : null,
      invocation: row.invocation ? (JSON.parse(row.invocation) as JsonObject) : null,
    });
  }
}

/**
 * Ranked search: bm25 (name words weigh most, then route, title, parameter names, description)
 * picks candidates and the re-ranker (rank.ts) orders them; an empty query lists tools by name.
 * Optionally within one source.
 */
export function searchTools(sql: SqlStorage, query: string, opts: { source?: string; limit: number; offset: number }): SearchHit[] {
  const matches = matchExpressions(query);
  const bySource = opts.source !== undefined;
  if (matches.length === 0) {
    type Row = { source: string; name: string; description: string; side_effect: string; status: string };
    const hit = (r: Row): SearchHit => ({ source: r.source, name: r.name, description: r.description, sideEffect: r.side_effect as SideEffect, status: r.status as ToolStatus, score: 0 });
    return sql
      .exec<Row>(
        `SELECT s.slug AS source, t.name, t.description, t.side_effect, t.status
         FROM tools t JOIN sources s ON s.id = t.source_id ${bySource ? "WHERE s.slug = ?" : ""}
         ORDER BY s.slug, t.name LIMIT ? OFFSET ?`,
        ...(bySource ? [opts.source, opts.limit, opts.offset] : [opts.limit, opts.offset]),
      )
      .toArray()
      .map(hit);
  }
  // bm25 picks a pool of candidates by rowid and score alone (the sort reads no row); then only
  // what the re-ranker compares is read for the pool, from `tools_rank`'s short rows. What a hit
  // shows (its description, and its side-effect class and status from the tools table's covering
  // index, migration 0012, never a row with its schemas) is read for the page the re-ranker cuts.
  // The next expression is tried only when one matches nothing.
  const pool = Math.max(RERANK_POOL, opts.offset + opts.limit);
  for (const match of matches) {
    const candidates = sql
      .exec<Candidate & { id: number }>(
        bySource
          ? `SELECT r.id, r.source, r.name, r.features, ${BM25} AS score
             FROM tools_fts JOIN tools_rank r ON r.id = tools_fts.rowid
             WHERE tools_fts MATCH ? AND r.source = ? ORDER BY score, r.id LIMIT ?`
          : `SELECT r.id, r.source, r.name, r.features, p.score
             FROM (SELECT rowid AS id, ${BM25} AS score FROM tools_fts WHERE tools_fts MATCH ? ORDER BY score, rowid LIMIT ?) p
             JOIN tools_rank r ON r.id = p.id`,
        ...(bySource ? [match, opts.source, pool] : [match, pool]),
      )
      .toArray();
    if (candidates.length === 0) continue;
    const page = rerank(query, candidates).slice(opts.offset, opts.offset + opts.limit);
    // One bound parameter however long the page (Durable Object SQL binds at most 100).
    const shown = new Map(
      sql
        .exec<{ id: number; description: string; side_effect: string; status: string }>(
          `SELECT r.id, f.description, t.side_effect, t.status
           FROM tools_rank r JOIN tools_fts f ON f.rowid = r.id
           JOIN sources s ON s.slug = r.source
           JOIN tools t INDEXED BY tools_search ON t.source_id = s.id AND t.name = r.name
           WHERE r.id IN (SELECT value FROM json_each(?))`,
          JSON.stringify(page.map((c) => c.id)),
        )
        .toArray()
        .map((r) => [r.id, r] as const),
    );
    return page.flatMap((c) => {
      const row = shown.get(c.id);
      return row ? [{ source: c.source, name: c.name, description: row.description, sideEffect: row.side_effect as SideEffect, status: row.status as ToolStatus, score: c.score }] : [];
    });
  }
  return [];
}
