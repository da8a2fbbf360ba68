import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import type { Principal, Skill } from "../../../schemas";

/** How a skill is named over MCP (`resources/read`) and in search results. */
export function skillUri(skill: Pick<Skill, "scope" | "name">): string {
  return `skill://${skill.scope}/${skill.name}`;
}

export type SkillHit = { kind: "skill"; name: string; scope: string; description: string; uri: string; public: boolean };

export function skillHit(s: Skill): SkillHit {
  return { kind: "skill", name: s.name, scope: s.scope, description: s.description, uri: skillUri(s), public: s.public };
}

/**
 * Skills the principal can read: those deployed to each scope of its chain, the nearest first when
 * two share a name (a person's own skill shadows the org's, as with tools).
 */
export async function visibleSkills(env: { SCOPE_CATALOG: DurableObjectNamespace<import("../../../durable-objects/scope-catalog").ScopeCatalog> }, principal: Principal): Promise<Skill[]> {
  const lists = await Promise.all(principal.chain.map((s) => scopeCatalog(env.SCOPE_CATALOG, s.id).listSkills()));
  return mergeSkills(lists.map((list) => (list.ok ? list.value : [])));
}

/** Each scope's skills (outermost first) as one list by name, the nearest winning a shared name. */
export function mergeSkills(lists: readonly (readonly Skill[])[]): Skill[] {
  const byName = new Map<string, Skill>();
  for (const list of lists) for (const skill of list) byName.set(skill.name, skill);
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** How much of a skill's body ranking reads (its opening says what it is for). */
const RANK_BODY_CHARS = 8_192;

const STOP = new Set(["a", "an", "the", "to", "of", "for", "in", "on", "and", "or", "how", "do", "i", "my", "with", "is", "what"]);

/** A word's rough stem: enough that "greeting", "greets" and "greet" meet. */
function stem(word: string): string {
  return word.replace(/(ings?|ed|es|s)$/, "") || word;
}

function words(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter((w) => w.length > 1 && !STOP.has(w)).map(stem);
}

/**
 * Ranks skills for a query by where its words appear: the name counts most, then the description,
 * then the body. An empty query lists them all; a skill matching no word is left out.
 */
export function rankSkills(skills: readonly Skill[], query: string, limit: number): Skill[] {
  const terms = [...new Set(words(query))];
  if (terms.length === 0) return skills.slice(0, limit);
  const scored = skills.map((s) => {
    const name = new Set(words(s.name.replace(/[-_]/g, " ")));
    const description = new Set(words(s.description));
    // A bounded prefix: ranking runs on every search, and a scope may hold megabytes of skills.
    const body = new Set(words(s.body.slice(0, RANK_BODY_CHARS)));
    let score = 0;
    for (const t of terms) score += (name.has(t) ? 3 : 0) + (description.has(t) ? 2 : 0) + (body.has(t) ? 1 : 0);
    return { s, score };
  });
  return scored.filter((x) => x.score > 0).sort((a, b) => b.score - a.score || a.s.name.localeCompare(b.s.name)).slice(0, limit).map((x) => x.s);
}

/** One skill by its URI, if the principal can read it. */
export async function readSkill(env: Parameters<typeof visibleSkills>[0], principal: Principal, uri: string): Promise<Skill | null> {
  const match = /^skill:\/\/([a-z0-9_]+)\/([a-z][a-z0-9_-]{0,63})$/.exec(uri);
  if (!match || !principal.chain.some((s) => s.id === match[1])) return null;
  const found = await scopeCatalog(env.SCOPE_CATALOG, match[1] ?? "").getSkill(match[2] ?? "");
  return found.ok ? found.value : null;
}

/** A skill as Markdown with its front matter, the form it was written in. */
export function skillMarkdown(s: Skill): string {
  return `---\nname: ${s.name}\ndescription: ${JSON.stringify(s.description)}\n${s.public ? "public: true\n" : ""}---\n\n${s.body}\n`;
}
