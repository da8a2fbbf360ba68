import { Hono } from "hono";
import type { Context, Next } from "hono";
import { accountDirectory } from "../../../durable-objects/account-directory/client";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import type { Skill } from "../../../schemas";
import { ArtifactName, ScopeId } from "../../../schemas";
import { HttpError } from "../../shared/problem";
import { rankSkills, skillHit, skillMarkdown, visibleSkills } from "../artifacts/skills";
import { requireAuth } from "../auth/middleware";
import type { AppEnv } from "../env";

function limitOf(raw: string | undefined): number {
  const n = raw === undefined ? 50 : Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 200) throw new HttpError(422, "validation-failed", "query 'limit': must be an integer from 1 to 200", { errors: [{ path: "limit", message: "must be an integer from 1 to 200" }] });
  return n;
}

function named(raw: string): string {
  if (!ArtifactName.safeParse(raw).success) throw new HttpError(404, "not-found", `no skill '${raw.slice(0, 64)}'`);
  return raw;
}

/** The Agent Skills discovery index shape: each skill's name, description and its files. */
function index(skills: Skill[], prefix: string): { skills: Array<{ name: string; description: string; files: string[]; url: string }> } {
  return { skills: skills.map((s) => ({ name: s.name, description: s.description, files: ["SKILL.md"], url: `${prefix}/${s.name}/SKILL.md` })) };
}

function markdown(c: Context<AppEnv>, skill: Skill): Response {
  c.header("content-type", "text/markdown; charset=utf-8");
  c.header("cache-control", skill.public ? "public, max-age=60" : "private, no-store");
  return c.body(skillMarkdown(skill));
}

/**
 * An organization that exists (it has members): anonymous requests never touch, and so never
 * create, the catalog of an org id someone made up.
 */
async function knownOrg(env: AppEnv["Bindings"], org: string): Promise<boolean> {
  if (!ScopeId.safeParse(org).success || !org.startsWith("org_")) return false;
  const members = await accountDirectory(env.ACCOUNT_DIRECTORY).listMembers(org);
  return members.ok && members.value.length > 0;
}

/** Authenticates only when a credential is presented: the public skills need none. */
async function optionalAuth(c: Context<AppEnv>, next: Next): Promise<Response | void> {
  if (c.req.header("authorization") || c.req.header("cookie")?.includes("executor_session")) return requireAuth("v1")(c, next);
  await next();
}

/**
 * Skills over HTTP (issue 11). `GET /v1/skills?q=` lists or finds the skills the caller can read,
 * `GET /v1/skills/{name}` reads one (Markdown with its front matter). `/.well-known/skills/` serves
 * the Agent Skills discovery form: `index.json` and `<name>/SKILL.md` for the caller's skills, and
 * under `/.well-known/skills/{org}/` an org's skills, where only those marked `public: true` are
 * served without a credential (any other answers 404, the same as one that does not exist).
 */
export const skillRoutes = new Hono<AppEnv>()
  .get("/v1/skills", requireAuth("v1"), async (c) => {
    const all = await visibleSkills(c.env, c.get("auth").principal);
    return c.json({ skills: rankSkills(all, c.req.query("q") ?? "", limitOf(c.req.query("limit"))).map(skillHit) });
  })
  .get("/v1/skills/:name", requireAuth("v1"), async (c) => {
    const name = named(c.req.param("name") ?? "");
    const found = (await visibleSkills(c.env, c.get("auth").principal)).find((s) => s.name === name);
    if (!found) throw new HttpError(404, "not-found", `no skill '${name}' you can read`);
    return markdown(c, found);
  })
  .get("/.well-known/skills/index.json", requireAuth("v1"), async (c) => {
    const origin = new URL(c.req.url).origin;
    return c.json(index(await visibleSkills(c.env, c.get("auth").principal), `${origin}/.well-known/skills`));
  })
  .get("/.well-known/skills/:org/index.json", optionalAuth, async (c) => {
    const org = c.req.param("org") ?? "";
    if (!(await knownOrg(c.env, org))) throw new HttpError(404, "not-found", "no such organization's skills");
    const auth = c.get("auth") as AppEnv["Variables"]["auth"] | undefined;
    const member = auth?.principal.orgId === org;
    const listed = await scopeCatalog(c.env.SCOPE_CATALOG, org).listSkills();
    const skills = (listed.ok ? listed.value : []).filter((s) => member || s.public);
    c.header("cache-control", member ? "private, no-store" : "public, max-age=60");
    return c.json(index(skills, `${new URL(c.req.url).origin}/.well-known/skills/${org}`));
  })
  .get("/.well-known/skills/:org/:name/SKILL.md", optionalAuth, async (c) => {
    const org = c.req.param("org") ?? "";
    const name = named(c.req.param("name") ?? "");
    if (!(await knownOrg(c.env, org))) throw new HttpError(404, "not-found", `no skill '${name}'`);
    const auth = c.get("auth") as AppEnv["Variables"]["auth"] | undefined;
    const found = await scopeCatalog(c.env.SCOPE_CATALOG, org).getSkill(name);
    if (!found.ok || !(found.value.public || auth?.principal.orgId === org)) throw new HttpError(404, "not-found", `no skill '${name}'`);
    return markdown(c, found.value);
  })
  .get("/.well-known/skills/:name/SKILL.md", requireAuth("v1"), async (c) => {
    const name = named(c.req.param("name") ?? "");
    const found = (await visibleSkills(c.env, c.get("auth").principal)).find((s) => s.name === name);
    if (!found) throw new HttpError(404, "not-found", `no skill '${name}' you can read`);
    return markdown(c, found);
  });
