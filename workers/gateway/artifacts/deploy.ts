import { CUSTOM_SLUG } from "../../../durable-objects/scope-catalog/artifacts";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import type { CatalogTool } from "../../../durable-objects/scope-catalog/rows";
import { sha256Hex } from "../../../core/evidence";
import type { CatalogToolDefinition, CustomInvocation, JsonObject, Skill } from "../../../schemas";
import { ArtifactAuthor as ArtifactAuthorSchema, CustomInvocation as CustomInvocationSchema } from "../../../schemas";
import { withHash } from "../../../sources/hash";
import { customDestination } from "../../invoke/custom-tools";
import type { AuthContext } from "../../shared/auth-context";
import type { Env } from "../../shared/env";
import { HttpError } from "../../shared/problem";
import { unwrap } from "../../shared/result";
import type { ArtifactCommit } from "./store";
import { ArtifactConflict, artifactStore, repoForScope } from "./store";
import type { CheckedSet, CheckedTool } from "./validate";
import { checkArtifacts, invocationOf } from "./validate";
import type { NewWebhook, WorkflowDiff, WorkflowPlan } from "./deploy-workflows";
import { applyWorkflows, planWorkflows } from "./deploy-workflows";

export type ToolEntry = { name: string; sideEffect: string; calls: string[] };
export type Diff<T> = { added: T[]; changed: T[]; removed: string[]; unchanged: string[] };

/** What a deploy would change, and what it did once it is not a check (issue 11's validation record). */
export type DeployRecord = {
  check: boolean;
  scope: string;
  /** The live commit the set was compared with (null before the first deploy). */
  live: string | null;
  commit: ArtifactCommit | null;
  tools: Diff<ToolEntry>;
  skills: Diff<{ name: string; public: boolean }>;
  sideEffects: Record<"read" | "write" | "destructive", number>;
  /** Tool patterns the live set could not reach and this one can, and the reverse; tools whose side effect grows. */
  capabilities: { added: string[]; removed: string[]; escalated: Array<{ name: string; from: string; to: string }> };
  /** Workflows (executor/workflows/*) added, changed, removed, and what fires each (cron, webhook; manual always). */
  workflows: WorkflowDiff & { triggers: WorkflowPlan["triggers"] };
  /** Signing secrets of webhooks this deploy created: shown here once, stored sealed. */
  webhooks: NewWebhook[];
};

const RANK = { read: 0, write: 1, destructive: 2 } as const;

export function gitAuthor(auth: AuthContext): { name: string; email: string } {
  return { name: auth.identity.user.email, email: auth.identity.user.email };
}

type Author = CustomInvocation["author"];

/** The authority an authored tool keeps: its author's toolkits and capabilities, whoever later calls it. */
export function capturedAuthor(auth: AuthContext): Author {
  const { principal } = auth;
  if (principal.narrowings.length > 8) throw new HttpError(403, "forbidden", "a credential narrowed by more than 8 toolkits cannot deploy tools");
  return { kind: principal.kind, userId: principal.userId, credentialId: principal.credentialId, narrowings: [...principal.narrowings], capabilities: [...auth.grant.capabilities] };
}

/**
 * The author a module keeps when it is deployed again (a rollback, a redeploy of pulled files): the
 * one recorded when it was first captured, narrowed further by this deployer's authority, never
 * replaced by it. So code an agent wrote stays within the agent's toolkit whoever deploys it later.
 */
export function keptAuthor(recorded: Author, deployer: Author): Author {
  const seen = new Set(recorded.narrowings.map((n) => JSON.stringify(n)));
  const narrowings = [...recorded.narrowings, ...deployer.narrowings.filter((n) => !seen.has(JSON.stringify(n)))];
  if (narrowings.length > 8) throw new HttpError(403, "forbidden", "the module's author and this deployer together are narrowed by more than 8 toolkits");
  return { ...recorded, narrowings, capabilities: recorded.capabilities.filter((c) => deployer.capabilities.includes(c)) };
}

async function definitionOf(tool: CheckedTool, author: CustomInvocation["author"]): Promise<CatalogToolDefinition> {
  const def = await withHash({
    name: tool.name,
    description: tool.description,
    sideEffect: tool.sideEffect,
    ...(tool.inputSchema ? { inputSchema: tool.inputSchema } : {}),
    ...(tool.outputSchema ? { outputSchema: tool.outputSchema } : {}),
    invocation: invocationOf(tool, author),
  });
  return { ...def, destination: customDestination(def.invocation) };
}

function liveCalls(tool: CatalogTool): string[] {
  const parsed = CustomInvocationSchema.safeParse(tool.invocation);
  return parsed.success ? parsed.data.calls : [];
}

function diffRecord(set: CheckedSet, defs: CatalogToolDefinition[], liveTools: CatalogTool[], liveSkills: Skill[]): Omit<DeployRecord, "check" | "scope" | "live" | "commit" | "workflows" | "webhooks"> {
  const before = new Map(liveTools.map((t) => [t.name, t]));
  const tools: Diff<ToolEntry> = { added: [], changed: [], removed: [], unchanged: [] };
  const escalated: DeployRecord["capabilities"]["escalated"] = [];
  set.tools.forEach((t, i) => {
    const entry = { name: t.name, sideEffect: t.sideEffect, calls: t.calls };
    const prior = before.get(t.name);
    if (!prior) tools.added.push(entry);
    else if (prior.hash !== defs[i]?.hash) tools.changed.push(entry);
    else tools.unchanged.push(t.name);
    if (prior && RANK[t.sideEffect] > RANK[prior.sideEffect]) escalated.push({ name: t.name, from: prior.sideEffect, to: t.sideEffect });
  });
  const names = new Set(set.tools.map((t) => t.name));
  tools.removed = liveTools.filter((t) => !names.has(t.name)).map((t) => t.name);
  const oldCalls = new Set(liveTools.flatMap(liveCalls));
  const newCalls = new Set(set.tools.flatMap((t) => t.calls));
  const skillsBefore = new Map(liveSkills.map((s) => [s.name, s]));
  const skills: DeployRecord["skills"] = { added: [], changed: [], removed: [], unchanged: [] };
  for (const s of set.skills) {
    const prior = skillsBefore.get(s.name);
    const entry = { name: s.name, public: s.public };
    if (!prior) skills.added.push(entry);
    else if (prior.body !== s.body || prior.description !== s.description || prior.public !== s.public) skills.changed.push(entry);
    else skills.unchanged.push(s.name);
  }
  const skillNames = new Set(set.skills.map((s) => s.name));
  skills.removed = liveSkills.filter((s) => !skillNames.has(s.name)).map((s) => s.name);
  const sideEffects = { read: 0, write: 0, destructive: 0 };
  for (const t of set.tools) sideEffects[t.sideEffect]++;
  return {
    tools,
    skills,
    sideEffects,
    capabilities: { added: [...newCalls].filter((c) => !oldCalls.has(c)).sort(), removed: [...oldCalls].filter((c) => !newCalls.has(c)).sort(), escalated },
  };
}

/** A user-scope tool may not take the name of one its org already has: the nearer would hide it. */
async function clashes(env: Env, auth: AuthContext, scopeId: string, set: CheckedSet): Promise<void> {
  if (scopeId === auth.principal.orgId || set.tools.length === 0) return;
  const org = await scopeCatalog(env.SCOPE_CATALOG, auth.principal.orgId).listTools(CUSTOM_SLUG);
  const taken = new Set(org.ok ? org.value.map((t) => t.name) : []);
  const clash = set.tools.filter((t) => taken.has(t.name));
  if (clash.length) {
    throw new HttpError(409, "conflict", `${clash[0]?.file}: the organization already has a custom tool named '${clash[0]?.name}'`, {
      errors: clash.map((t) => ({ path: t.file, message: `the organization already has a custom tool named '${t.name}'` })),
    });
  }
}

/**
 * Deploys a set of files to one scope: checks every file (validate.ts), compares the set with what
 * is live, and unless it is a check, commits the files as the principal (the commit id is the
 * version every Run of these tools records) and swaps the scope's live set to it in one catalog
 * transaction. Nothing is committed when any check fails; a concurrent deploy is a 409.
 */
export async function deploy(env: Env, auth: AuthContext, scopeId: string, req: { files: Record<string, string>; message: string; check: boolean; restores?: string }): Promise<DeployRecord> {
  const catalog = scopeCatalog(env.SCOPE_CATALOG, scopeId);
  const store = artifactStore(env);
  const repo = repoForScope(scopeId);
  const [head, live, liveTools, liveSkills] = await Promise.all([
    store.head(repo),
    catalog.liveArtifacts(),
    catalog.listTools(CUSTOM_SLUG),
    catalog.listSkills(),
  ]);
  const set = await checkArtifacts(env.LOADER, req.files);
  await clashes(env, auth, scopeId, set);
  // Code deployed before (live now or not: a rollback) keeps its recorded author, narrowed by this
  // deployer; new code is captured from the deployer.
  const deployer = capturedAuthor(auth);
  const hashes = await Promise.all(set.tools.map((t) => sha256Hex(t.module)));
  const recorded = unwrap(await catalog.moduleAuthors([...new Set(hashes)]));
  const authors = set.tools.map((_, i) => {
    const was = ArtifactAuthorSchema.safeParse(recorded[hashes[i] ?? ""]);
    return was.success ? keptAuthor(was.data, deployer) : deployer;
  });
  const defs = await Promise.all(set.tools.map((t, i) => definitionOf(t, authors[i] ?? deployer)));
  const liveCommit = unwrap(live);
  const flows = await planWorkflows(env, auth, scopeId, set.workflows, req.check);
  const record = { ...diffRecord(set, defs, liveTools.ok ? liveTools.value : [], unwrap(liveSkills)), workflows: { ...flows.diff, triggers: flows.triggers } };
  if (req.check) return { check: true, scope: scopeId, live: liveCommit, commit: null, ...record, webhooks: [] };
  let commit: ArtifactCommit;
  // "Restores: <id>" is the server's own trailer (rollback); a message cannot claim it.
  const message = [req.message.replace(/^Restores: .*$/gm, "").trim() || "Deploy", ...(req.restores ? [`\nRestores: ${req.restores}`] : [])].join("\n");
  try {
    commit = await store.commit(repo, { files: set.files, author: gitAuthor(auth), message, expectedHead: head });
  } catch (error) {
    if (error instanceof ArtifactConflict) throw new HttpError(409, "conflict", "another deploy to this scope landed first; check and deploy again");
    throw error;
  }
  const swapped = await catalog.deployArtifacts({
    tools: defs,
    skills: set.skills.map(({ name, description, body, public: isPublic }) => ({ name, description, body, public: isPublic })),
    commit: commit.commit,
    expectedLive: liveCommit,
    authors: authors.map((a, i) => ({ moduleHash: hashes[i] ?? "", author: a as unknown as JsonObject })),
  });
  if (!swapped.ok && swapped.error.code === "conflict") throw new HttpError(409, "conflict", swapped.error.message);
  unwrap(swapped);
  await applyWorkflows(env, auth, scopeId, flows, commit.commit);
  return { check: false, scope: scopeId, live: liveCommit, commit, ...record, webhooks: flows.webhooks };
}

/** Restores the files of an earlier commit as a new commit that says so, through the same checks. */
export async function rollback(env: Env, auth: AuthContext, scopeId: string, req: { commit: string; message?: string | undefined; check?: boolean }): Promise<DeployRecord> {
  const repo = repoForScope(scopeId);
  const files = await artifactStore(env).files(repo, req.commit);
  if (!files) throw new HttpError(404, "not-found", `no commit ${req.commit} in this scope's artifact history`);
  return deploy(env, auth, scopeId, { files, message: req.message ?? `Roll back to ${req.commit.slice(0, 12)}`, check: req.check ?? false, restores: req.commit });
}

export type HistoryEntry = ArtifactCommit & { live: boolean; restores: string | null };

export async function history(env: Env, scopeId: string, limit: number): Promise<{ live: string | null; commits: HistoryEntry[] }> {
  const [commits, live] = await Promise.all([artifactStore(env).log(repoForScope(scopeId), { limit }), scopeCatalog(env.SCOPE_CATALOG, scopeId).liveArtifacts()]);
  const current = unwrap(live);
  return {
    live: current,
    commits: commits.map((c) => ({ ...c, live: c.commit === current, restores: /^Restores: ([0-9a-f]{40})$/m.exec(c.message)?.[1] ?? null })),
  };
}
