import type { JsonObject } from "../../schemas";

/**
 * The vocabulary of API operations, for any imported spec: the verbs people use for the few things
 * an operation does, the abbreviations they type, and what an HTTP method on a path means. Search
 * (search.ts) expands a query's words through these groups and compares them by group, so "remove a
 * customer" finds `DeleteCustomersCustomer` and "open a PR" finds "Create a pull request".
 */

/** Verb groups: the first word is the group's name (what a route's method is indexed as). */
const VERB_GROUPS: readonly (readonly string[])[] = [
  // Nouns of some API are kept out ("issue", "release", "check", "index" are GitHub resources).
  ["create", "add", "new", "make", "open", "register", "start", "insert", "generate", "buy", "provision"],
  ["delete", "remove", "destroy", "drop", "erase", "discard", "purge"],
  ["list", "every", "everyone", "enumerate", "browse"],
  ["get", "read", "view", "fetch", "retrieve", "show", "info", "details", "describe", "lookup"],
  ["update", "edit", "change", "modify", "set", "patch", "alter"],
  ["search", "find", "query", "lookup"],
  ["send", "post", "deliver"],
  ["cancel", "stop", "abort", "terminate"],
  ["download", "export"],
];

/** Nouns that name the same resource in different APIs (Slack's channels are "conversations"). */
const NOUN_GROUPS: readonly (readonly string[])[] = [
  ["channel", "conversation"],
  ["text", "sms"],
  ["member", "participant"],
];

/** What people type for a longer word (whole words only). */
const ABBREVIATIONS: Readonly<Record<string, readonly string[]>> = {
  pr: ["pull", "request"],
  prs: ["pull", "requests"],
  repo: ["repository"],
  repos: ["repositories"],
  org: ["organization"],
  orgs: ["organizations"],
  dm: ["direct", "message"],
  dms: ["direct", "messages"],
  sms: ["message"],
  msg: ["message"],
  env: ["environment"],
  config: ["configuration"],
  auth: ["authentication"],
  sub: ["subscription"],
  subs: ["subscriptions"],
  acct: ["account"],
  id: ["identifier"],
};

/**
 * Abbreviations that stand for their word only in what people type: in a spec's names "sub" is
 * mostly a prefix (`add-sub-issue`, `sub_account`), not "subscription".
 */
const TYPED_ONLY = new Set(["sub", "subs"]);

/**
 * An abbreviation means what it stands for on the tools' side too: a spec's names and paths say
 * `repos/get` and `/orgs/{org}` where people type "repository" and "organization" (and its titles
 * say "repository" where people type "repo"). Single-word expansions, grouped by the word they
 * stand for; abbreviations under three letters ("id") are left out, as they match too much.
 */
const ABBREVIATION_GROUPS: readonly (readonly string[])[] = (() => {
  const byWord = new Map<string, string[]>();
  for (const [short, [full, ...rest]] of Object.entries(ABBREVIATIONS)) {
    // Plurals ("repos") are covered by their singular's group: search compares singular stems.
    const plural = short.endsWith("s") && ABBREVIATIONS[short.slice(0, -1)] !== undefined;
    if (full === undefined || rest.length > 0 || short.length < 3 || plural || TYPED_ONLY.has(short)) continue;
    byWord.set(full, [...(byWord.get(full) ?? [full]), short]);
  }
  return [...byWord.values()];
})();

const ABBREVIATED = new Set(ABBREVIATION_GROUPS.flatMap((g) => g.slice(1)));

/** True for an abbreviation ("repo"): searched as a whole word, since as a prefix it finds "report". */
export function isAbbreviation(word: string): boolean {
  return ABBREVIATED.has(word);
}

const GROUPS = [...VERB_GROUPS, ...NOUN_GROUPS, ...ABBREVIATION_GROUPS];

/** Word → the names of the groups it belongs to (a word may mean more than one thing: "lookup"). */
const GROUPS_OF = new Map<string, string[]>();
for (const group of GROUPS) {
  const name = group[0] as string;
  for (const word of group) GROUPS_OF.set(word, [...(GROUPS_OF.get(word) ?? []), name]);
}

/** The query words an abbreviation stands for, or the word itself. */
export function expandAbbreviation(word: string): readonly string[] {
  return ABBREVIATIONS[word] ?? [word];
}

/** Every word of the groups `word` belongs to (itself included): the terms a query word also matches. */
export function synonyms(word: string): string[] {
  const groups = GROUPS_OF.get(word);
  if (!groups) return [word];
  const out = new Set<string>([word]);
  for (const name of groups) for (const w of GROUPS.find((g) => g[0] === name) ?? []) out.add(w);
  return [...out];
}

/** What a word means to search: the groups it belongs to, or the word itself. */
export function meanings(word: string): readonly string[] {
  return GROUPS_OF.get(word) ?? [word];
}

/** True when the word names one of the verb groups (so a path ending in it names its own action). */
export function isVerb(word: string): boolean {
  return VERBS.has(word);
}

const VERBS = new Set(VERB_GROUPS.flat());

/** Path segments that say nothing about what an operation does. */
const NOISE_SEGMENT = /^(api|v\d+(\.\d+)?|\d{4}-\d{2}-\d{2}|rest|json|xml)$/i;

function splitWords(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[^A-Za-z0-9]+/g, " ")
    .toLowerCase()
    .split(" ")
    .filter((w) => w.length > 0);
}

/**
 * The words an HTTP route says: the verb its method means on that path (GET on a collection lists,
 * on an item gets; POST on a collection creates, on an item updates; PUT and PATCH update; DELETE
 * deletes) and its static path segments' words (`/v1/balance_transactions/{id}` → "balance
 * transactions"). An RPC-style path that already names its action (`/chat.postMessage`,
 * `/conversations.list`) keeps its own verb and gets none from the method (everything there is POST).
 * Empty for tools without an HTTP route (GraphQL, MCP).
 */
export function routeWords(invocation: JsonObject | null | undefined): string {
  const method = typeof invocation?.method === "string" ? invocation.method.toUpperCase() : null;
  const path = typeof invocation?.path === "string" ? invocation.path : null;
  if (method === null || path === null) return "";
  const segments = path.split("/").filter((s) => s !== "");
  const isParam = (s: string): boolean => /^\{[^}]*\}(\.[a-z]+)?$/i.test(s);
  const bare = (s: string): string => s.replace(/\.(json|xml)$/i, "");
  const staticWords = segments.filter((s) => !isParam(s) && !NOISE_SEGMENT.test(bare(s))).flatMap((s) => splitWords(bare(s)));
  const last = segments[segments.length - 1] ?? "";
  const lastWords = isParam(last) ? [] : splitWords(last.replace(/\.(json|xml)$/i, ""));
  const namesItsAction = lastWords.some(isVerb);
  const onItem = isParam(last);
  let verb = "";
  if (!namesItsAction) {
    if (method === "GET") verb = onItem ? "get" : "list";
    else if (method === "POST") verb = onItem ? "update" : "create";
    else if (method === "PUT" || method === "PATCH") verb = "update";
    else if (method === "DELETE") verb = "delete";
  }
  return [verb, ...staticWords].filter((w) => w !== "").join(" ");
}
