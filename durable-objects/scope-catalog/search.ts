import type { JsonObject, SideEffect, ToolStatus } from "../../schemas";
import { expandAbbreviation, meanings, routeWords, synonyms } from "./vocabulary";

// Full-text search over this scope's tools (FTS5 table `tools_fts`, migration 0003). Raw SQL: drizzle
// does not model virtual tables.

export type SearchHit = {
  source: string;
  name: string;
  description: string;
  sideEffect: SideEffect;
  status: ToolStatus;
  /** bm25 rank: lower is better. */
  score: number;
};

/** `repos/list-for-org` → "repos list for org"; `listPets` → "list Pets". */
export function nameWords(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[^A-Za-z0-9]+/g, " ")
    .trim();
}

function paramNames(schema: JsonObject | null | undefined): string {
  const props = schema?.properties;
  return props && typeof props === "object" && !Array.isArray(props) ? Object.keys(props).map(nameWords).join(" ") : "";
}

/** The first line of a description: an OpenAPI summary, an MCP tool's opening sentence. */
function titleOf(description: string): string {
  return (description.split("\n")[0] ?? "").slice(0, 200);
}

const RERANK_POOL = 400;

/** Prefix terms in one FTS5 query, synonyms included. */
const MAX_TERMS = 40;

/** Words that carry no meaning for finding a tool; left out of queries so they don't swamp ranking. */
const STOP_WORDS = new Set(["a", "an", "the", "to", "for", "of", "in", "on", "by", "with", "and", "or", "my", "me", "i", "is", "it", "from", "into", "all"]);

export function indexTool(
  sql: SqlStorage,
  source: string,
  tool: { name: string; description: string; inputSchema?: JsonObject | null; invocation?: JsonObject | null },
): void {
  sql.exec("DELETE FROM tools_fts WHERE source = ? AND name = ?", source, tool.name);
  sql.exec(
    "INSERT INTO tools_fts (source, name, words, title, description, params, route) VALUES (?, ?, ?, ?, ?, ?, ?)",
    source,
    tool.name,
    nameWords(tool.name),
    titleOf(tool.description),
    tool.description,
    paramNames(tool.inputSchema),
    routeWords(tool.invocation),
  );
}

export function unindexTool(sql: SqlStorage, source: string, name: string): void {
  sql.exec("DELETE FROM tools_fts WHERE source = ? AND name = ?", source, name);
}

export function unindexSource(sql: SqlStorage, source: string): void {
  sql.exec("DELETE FROM tools_fts WHERE source = ?", source);
}

/** Rebuilds the index from the tools table (after the migration that created it, on older data). */
export function rebuildIndex(sql: SqlStorage): void {
  const indexed = sql.exec<{ n: number }>("SELECT count(*) AS n FROM tools_fts").one().n;
  const tools = sql.exec<{ n: number }>("SELECT count(*) AS n FROM tools").one().n;
  if (indexed > 0 || tools === 0) return;
  const rows = sql.exec<{ source: string; name: string; description: string; input_schema: string | null; invocation: string | null }>(
    "SELECT s.slug AS source, t.name, t.description, t.input_schema, t.invocation FROM tools t JOIN sources s ON s.id = t.source_id",
  );
  for (const row of rows) {
    indexTool(sql, row.source, {
      name: row.name,
      description: row.description,
      inputSchema: row.input_schema ? (JSON.parse(row.input_schema) as JsonObject) : null,
      invocation: row.invocation ? (JSON.parse(row.invocation) as JsonObject) : null,
    });
  }
}

/** A query's meaningful words, abbreviations spelled out ("open a PR" → open, pull, request). */
function queryWords(query: string): string[] {
  const all = nameWords(query)
    .toLowerCase()
    .split(" ")
    .filter((w) => w.length > 0)
    .flatMap(expandAbbreviation);
  const meaningful = all.filter((w) => !STOP_WORDS.has(w));
  return [...new Set(meaningful.length ? meaningful : all)].slice(0, 16);
}

/**
 * Each query word, and each verb's synonyms, as a prefix term, OR-ed: bm25 ranks tools matching more
 * (and rarer) words higher; the re-ranker then compares meanings.
 */
function matchExpression(query: string): string | null {
  const words = queryWords(query);
  // The query's own words first, then their synonyms, at most MAX_TERMS in all (16 words of 512
  // characters could otherwise make ~200 prefix terms).
  const terms = new Set([...words, ...words.flatMap(synonyms)].slice(0, MAX_TERMS));
  // Prefix terms for longer words (so "repo" finds "repository"), exact for short ones.
  return terms.size ? [...terms].map((w) => (w.length >= 3 ? `"${w}"*` : `"${w}"`)).join(" OR ") : null;
}

/**
 * Ranked search (name words weigh most, then parameter names, then descriptions); an empty query
 * lists tools by name. Optionally within one source.
 */
export function searchTools(sql: SqlStorage, query: string, opts: { source?: string; limit: number; offset: number }): SearchHit[] {
  const match = matchExpression(query);
  const bySource = opts.source !== undefined;
  // bm25 picks a pool of candidates; the re-ranker orders the pool, then the page is cut from it.
  const pool = Math.max(RERANK_POOL, opts.offset + opts.limit);
  type Row = { source: string; name: string; description: string; side_effect: string; status: string; score: number; route?: string };
  const cursor = match
    ? sql.exec<Row>(
        `SELECT f.source, f.name, f.route, t.description, t.side_effect, t.status, bm25(tools_fts, 0, 0, 10.0, 6.0, 1.0, 3.0, 8.0) AS score
         FROM tools_fts f JOIN sources s ON s.slug = f.source JOIN tools t ON t.source_id = s.id AND t.name = f.name
         WHERE tools_fts MATCH ? ${bySource ? "AND f.source = ?" : ""}
         ORDER BY score, f.source, f.name LIMIT ?`,
        ...(bySource ? [match, opts.source, pool] : [match, pool]),
      )
    : sql.exec<Row>(
        `SELECT s.slug AS source, t.name, t.description, t.side_effect, t.status, 0 AS score
         FROM tools t JOIN sources s ON s.id = t.source_id ${bySource ? "WHERE s.slug = ?" : ""}
         ORDER BY s.slug, t.name LIMIT ? OFFSET ?`,
        ...(bySource ? [opts.source, opts.limit, opts.offset] : [opts.limit, opts.offset]),
      );
  const rows = cursor.toArray();
  const hits = rows.map((r) => ({
    source: r.source,
    name: r.name,
    description: r.description,
    sideEffect: r.side_effect as SideEffect,
    status: r.status as ToolStatus,
    score: r.score,
  }));
  if (!match) return hits;
  const routes = new Map(rows.map((r) => [`${r.source}/${r.name}`, r.route ?? ""]));
  return rerank(query, hits, (h) => routes.get(`${h.source}/${h.name}`) ?? "").slice(opts.offset, opts.offset + opts.limit);
}

/** Lowercase words with a light stem (plural "s"), for comparing a query with a title. */
function stems(text: string): string[] {
  return nameWords(text)
    .toLowerCase()
    .split(" ")
    .filter((w) => w.length > 0 && !STOP_WORDS.has(w))
    .map(stem);
}

function stem(w: string): string {
  if (w.length > 4 && w.endsWith("ies")) return `${w.slice(0, -3)}y`;
  return w.length > 3 && w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : w;
}

/** Everything a set of words means (vocabulary.ts): each word's verb groups, or the word itself. */
function meaningSet(words: readonly string[]): Set<string> {
  return new Set(words.flatMap((w) => meanings(w)));
}

/**
 * bm25 finds candidates; this orders them the way a person reads a catalog: a tool whose title (or,
 * without one, its name and HTTP route) says what was asked, and little else, comes first ("get a
 * repository" → "Get a repository" before "Get a repository secret"). Words are compared by meaning,
 * so "remove" matches "delete" and "open a PR" matches "Create a pull request". Scores stay "lower
 * is better".
 */
function rerank(query: string, hits: SearchHit[], routeOf: (hit: SearchHit) => string): SearchHit[] {
  const asked = [...new Set(queryWords(query).map(stem))];
  if (asked.length === 0 || hits.length === 0) return hits;
  const worst = Math.max(...hits.map((h) => Math.abs(h.score)), 1e-9);
  const covered = (words: Set<string>): number => asked.filter((w) => meanings(w).some((m) => words.has(m))).length;
  const askedMeanings = meaningSet(asked);
  const scored = hits.map((h) => {
    const title = meaningSet(stems(titleOf(h.description)));
    const name = meaningSet(stems(h.name));
    const route = meaningSet(stems(routeOf(h)));
    const inTitle = covered(new Set([...title, ...route]));
    const inName = covered(name);
    const coverage = inTitle / asked.length;
    // Precision: how much of what the tool says it does is what was asked, by its title, its name or
    // its route, whichever says it most plainly ("delete customers" beats "delete customers discount").
    const plain = (words: Set<string>): number => (words.size ? Math.min(1, countIn(words) / words.size) : 0);
    const countIn = (words: Set<string>): number => [...words].filter((w) => askedMeanings.has(w)).length;
    const precision = Math.max(plain(title), plain(name), plain(route));
    const relevance = Math.abs(h.score) / worst + 1.5 * coverage + 1.0 * precision + 0.75 * (inName / asked.length);
    return { ...h, score: -relevance };
  });
  return scored.sort((a, b) => a.score - b.score || a.source.localeCompare(b.source) || a.name.localeCompare(b.name));
}
