import { CUSTOM_SLUG } from "../../../durable-objects/scope-catalog/artifacts";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import type { CatalogTool } from "../../../durable-objects/scope-catalog/rows";
import type { CatalogToolDefinition, CustomInvocation, Skill } from "../../../schemas";
import { CustomInvocation as CustomInvocationSchema } from "../../../schemas";
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

type ToolEntry = { name: string; sideEffect: string; calls: string[] };
type Diff<T> = { added: T[]; changed: T[]; removed: string[]; unchanged: string[] };

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
};

const RANK = { read: 0, write: 1, destructive: 2 } as const;

export function gitAuthor(auth: AuthContext): { name: string; email: string } {
  return { name: auth.identity.user.email, email: auth.identity.user.email };
}

/** The authority an authored tool keeps: its author's toolkits, whatever credential later calls it. */
export function capturedAuthor(auth: AuthContext): CustomInvocation["author"] {
  const { principal } = auth;
  return { kind: principal.kind, userId: principal.userId, credentialId: principal.credentialId, narrowings: principal.narrowings.slice(0, 8) };
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

function diffRecord(set: CheckedSet, defs: CatalogToolDefinition[], liveTools: CatalogTool[], liveSkills: Skill[]): Omit<DeployRecord, "check" | "scope" | "live" | "commit"> {
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
export async function deploy(env: Env, auth: AuthContext, scopeId: string, req: { files: Record<string, string>; message: string; check: boolean }): Promise<DeployRecord> {
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
  // A tool whose code is unchanged keeps the authority it was deployed with: redeploying a set
  // never moves someone else's tool onto the deployer's (possibly broader) authority.
  const author = capturedAuthor(auth);
  const prior = new Map((liveTools.ok ? liveTools.value : []).map((t) => [t.name, CustomInvocationSchema.safeParse(t.invocation)]));
  const defs = await Promise.all(
    set.tools.map((t) => {
      const was = prior.get(t.name);
      return definitionOf(t, was?.success && was.data.module === t.module && was.data.file === t.file ? was.data.author : author);
    }),
  );
  const liveCommit = unwrap(live);
  const record = diffRecord(set, defs, liveTools.ok ? liveTools.value : [], unwrap(liveSkills));
  if (req.check) return { check: true, scope: scopeId, live: liveCommit, commit: null, ...record };
  let commit: ArtifactCommit;
  try {
    commit = await store.commit(repo, { files: set.files, author: gitAuthor(auth), message: req.message, expectedHead: head });
  } catch (error) {
    if (error instanceof ArtifactConflict) throw new HttpError(409, "conflict", "another deploy to this scope landed first; check and deploy again");
    throw error;
  }
  const swapped = await catalog.deployArtifacts({
    tools: defs,
    skills: set.skills.map(({ name, description, body, public: isPublic }) => ({ name, description, body, public: isPublic })),
    commit: commit.commit,
    expectedLive: liveCommit,
  });
  if (!swapped.ok && swapped.error.code === "conflict") throw new HttpError(409, "conflict", swapped.error.message);
  unwrap(swapped);
  return { check: false, scope: scopeId, live: liveCommit, commit, ...record };
}

/** Restores the files of an earlier commit as a new commit that says so, through the same checks. */
export async function rollback(env: Env, auth: AuthContext, scopeId: string, req: { commit: string; message?: string | undefined; check?: boolean }): Promise<DeployRecord> {
  const repo = repoForScope(scopeId);
  const files = await artifactStore(env).files(repo, req.commit);
  if (!files) throw new HttpError(404, "not-found", `no commit ${req.commit} in this scope's artifact history`);
  const message = req.message ?? `Roll back to ${req.commit.slice(0, 12)}\n\nRestores: ${req.commit}`;
  return deploy(env, auth, scopeId, { files, message: message.includes(req.commit) ? message : `${message}\n\nRestores: ${req.commit}`, check: req.check ?? false });
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
