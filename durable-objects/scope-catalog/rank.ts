import { expandAbbreviation, isAbbreviation, isVerb, meanings, synonyms } from "./vocabulary";

// What a query asks for, as FTS terms (candidates) and as meanings (re-ranking), for search.ts.

/** Words that carry no meaning for finding a tool; left out of queries so they don't swamp ranking. */
const STOP_WORDS = new Set(["a", "an", "the", "to", "for", "of", "in", "on", "by", "with", "and", "or", "my", "me", "i", "is", "it", "from", "into", "all", "s"]);

/** Terms of what a query is about, synonyms included; and the verb terms that only rank (matchExpressions). */
const MAX_TERMS = 16;
const MAX_VERBS = 8;

/** `repos/list-for-org` → "repos list for org"; `listPets` → "list Pets". */
export function nameWords(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[^A-Za-z0-9]+/g, " ")
    .trim();
}

/**
 * What the re-ranker reads of a tool, stored with it at index time so no query re-tokenizes a
 * candidate: the lowercase words of its title, its name and its route, `|`-separated. Stop words
 * and stems are applied at query time, so a change to them needs no re-index.
 */
export function rankFeatures(title: string, words: string, route: string): string {
  return [nameWords(title), words, route].map((s) => s.toLowerCase()).join("|");
}

/** A query's meaningful words, abbreviations spelled out ("open a PR" → open, pull, request). */
export function queryWords(query: string): string[] {
  const all = nameWords(query)
    .toLowerCase()
    .split(" ")
    .filter((w) => w.length > 0)
    .flatMap(expandAbbreviation);
  const meaningful = all.filter((w) => !STOP_WORDS.has(w));
  return [...new Set(meaningful.length ? meaningful : all)].slice(0, 16);
}

/**
 * The FTS5 expressions that pick candidates, to try in order until one matches. The words that say
 * *what* is asked about (with the nouns that name the same thing) must match, as prefix terms;
 * operation verbs only add to the score of tools that match those ("get a repository": the tools
 * saying "repository", those also saying "get" first). Verbs are common (every GET route says "get"
 * or "list"): as candidates of their own they made half of any catalog match, scoring those rows
 * was most of a query's cost, and the tool asked for fell out of the pool behind hundreds of
 * unrelated reads. So, as in a "common terms" query, they only rank: each as typed and as its
 * group's name ("remove" → "delete", what routes are indexed with); the re-ranker compares the rest
 * of each group by meaning. When nothing says what was asked about (or nothing matches it), the
 * verbs and their synonyms find candidates themselves ("list everything").
 */
export function matchExpressions(query: string): string[] {
  const words = queryWords(query);
  if (words.length === 0) return [];
  // Prefix terms for longer words (so "react" finds "reactions"); short words and abbreviations whole.
  const prefix = (w: string): string => (w.length >= 3 && !isAbbreviation(w) ? `"${w}"*` : `"${w}"`);
  const verbs = words.filter(isVerb);
  const byVerbs = verbs.length ? [[...new Set(verbs.flatMap(synonyms))].slice(0, MAX_TERMS).map(prefix).join(" OR ")] : [];
  const topic = words.filter((w) => !isVerb(w));
  if (topic.length === 0) return byVerbs;
  // The query's own words first, then their synonyms (a plural's by its singular: "repos" →
  // "repositories" → "repository", "repo"; a plural with none adds nothing, as "work"* would
  // find "workflow").
  const related = (w: string): string[] => [...synonyms(w), ...(synonyms(stem(w)).length > 1 ? synonyms(stem(w)) : [])];
  const nouns = [...new Set([...topic, ...topic.flatMap(related)])].slice(0, MAX_TERMS).map(prefix).join(" OR ");
  const ranking = [...new Set(verbs.flatMap((v) => [v, ...meanings(v)]))].slice(0, MAX_VERBS);
  return [ranking.length ? `(${nouns}) AND (${nouns} OR ${ranking.map((v) => `"${v}"`).join(" OR ")})` : nouns, ...byVerbs];
}

/** A light stem (plural "s"), for comparing a query's words with a tool's. */
export function stem(w: string): string {
  if (w.length > 4 && w.endsWith("ies")) return `${w.slice(0, -3)}y`;
  return w.length > 3 && w.endsWith("s") && !w.endsWith("ss") ? w.slice(0, -1) : w;
}

export type Candidate = { source: string; name: string; features: string; score: number };

/** What one word of a tool means to this query, worked out once per query (words repeat across tools). */
type WordInfo = { ids: readonly number[]; mask: number };

/**
 * bm25 finds candidates; this orders them the way a person reads a catalog: a tool whose title (or,
 * without one, its name and HTTP route) says what was asked, and little else, comes first ("get a
 * repository" → "Get a repository" before "Get a repository secret"). Words are compared by meaning,
 * so "remove" matches "delete" and "open a PR" matches "Create a pull request". Scores stay "lower
 * is better".
 */
export function rerank<T extends Candidate>(query: string, hits: readonly T[]): T[] {
  const asked = [...new Set(queryWords(query).map(stem))];
  if (asked.length === 0 || hits.length === 0) return [...hits];
  // Each meaning gets an id; `coversOf[id]` is the bitmask of asked words having that meaning.
  const idOf = new Map<string, number>();
  const coversOf: number[] = [];
  const meaningId = (m: string): number => {
    let id = idOf.get(m);
    if (id === undefined) {
      id = coversOf.length;
      idOf.set(m, id);
      coversOf.push(0);
    }
    return id;
  };
  asked.forEach((w, i) => {
    for (const m of meanings(w)) coversOf[meaningId(m)] = (coversOf[meaningId(m)] ?? 0) | (1 << i);
  });
  const words = new Map<string, WordInfo | null>();
  const info = (w: string): WordInfo | null => {
    let found = words.get(w);
    if (found === undefined) {
      if (w === "" || STOP_WORDS.has(w)) found = null;
      else {
        const ids = meanings(stem(w)).map(meaningId);
        found = { ids, mask: ids.reduce((mask, id) => mask | (coversOf[id] ?? 0), 0) };
      }
      words.set(w, found);
    }
    return found;
  };
  // Per field: which asked words it covers, and how much of what it says was asked (distinct meanings).
  let stamp = 0;
  const seen: number[] = [];
  const field = (text: string): { mask: number; plain: number } => {
    stamp++;
    let mask = 0;
    let distinct = 0;
    let askedMeanings = 0;
    for (const w of text.split(" ")) {
      const i = info(w);
      if (!i) continue;
      mask |= i.mask;
      for (const id of i.ids) {
        if (seen[id] === stamp) continue;
        seen[id] = stamp;
        distinct++;
        if ((coversOf[id] ?? 0) !== 0) askedMeanings++;
      }
    }
    return { mask, plain: distinct ? Math.min(1, askedMeanings / distinct) : 0 };
  };
  const count = (mask: number): number => {
    let n = 0;
    for (let m = mask; m; m &= m - 1) n++;
    return n;
  };
  const worst = Math.max(...hits.map((h) => Math.abs(h.score)), 1e-9);
  const scored = hits.map((h) => {
    const [titleText = "", nameText = "", routeText = ""] = h.features.split("|");
    const title = field(titleText);
    const name = field(nameText);
    const route = field(routeText);
    const coverage = count(title.mask | route.mask) / asked.length;
    // Precision: how much of what the tool says it does is what was asked, by its title, its name or
    // its route, whichever says it most plainly ("delete customers" beats "delete customers discount").
    const precision = Math.max(title.plain, name.plain, route.plain);
    const relevance = Math.abs(h.score) / worst + 1.5 * coverage + 1.0 * precision + 0.75 * (count(name.mask) / asked.length);
    return { ...h, score: -relevance };
  });
  return scored.sort((a, b) => a.score - b.score || a.source.localeCompare(b.source) || a.name.localeCompare(b.name));
}
