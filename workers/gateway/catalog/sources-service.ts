import { isEgressError } from "../../../core/egress";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import type { CatalogTool } from "../../../durable-objects/scope-catalog/rows";
import type { ToolSyncReport } from "../../../durable-objects/scope-catalog/sources";
import type { CatalogToolDefinition, JsonObject, Source, SourceKind, SourceManifest } from "../../../schemas";
import { Redactor, credentialValues } from "../../../core/redaction";
import { withEnforceablePatterns } from "../../../core/regex";
import { manifestHash } from "../../../sources/hash";
import type { Credential } from "../../../sources/types";
import { PluginError } from "../../../sources/types";
import { resolveSecret, scrub } from "../../invoke/secrets/resolve";
import { seal } from "../../invoke/secrets/vault";
import { assertEnvRefAllowed } from "./connections-service";
import type { AuthContext } from "../auth/principal";
import type { Env } from "../env";
import type { StageTimer } from "../../shared/timing";
import { egressFor } from "../../invoke/egress";
import { assertImportFits, assertUploadFits } from "./import-limits";
import { pluginFor } from "../../invoke/plugins";
import { HttpError } from "../../shared/problem";
import { unwrap } from "../../shared/result";
import type { ScopeChoice } from "./scope-access";
import { requireWholeAuthority, scopeId, writableScope } from "./scope-access";
import { assertNotBuiltin, assertSlugFree } from "./builtin";
import { ensureExecutorSource } from "../../invoke/builtin/executor-seed";

export type SourceRequest = {
  scope: ScopeChoice;
  slug: string;
  kind: SourceKind;
  title?: string | undefined;
  config: JsonObject;
  local: boolean;
  document?: string | undefined;
  connection?: { name: string; secret?: string | undefined; secretRef?: string | undefined } | undefined;
};

/** Discovery credentials are placed as bearer tokens until the manifest says otherwise. */
const DISCOVERY_TEMPLATE = { type: "http", scheme: "bearer" } as const;

/** Resolves a source's manifest through its plugin; failures are precise and change nothing. */
async function resolveManifest(
  env: Env,
  kind: SourceKind,
  config: JsonObject,
  local: boolean,
  document?: string,
  credential?: Credential,
): Promise<SourceManifest & { tools: CatalogToolDefinition[] }> {
  const plugin = pluginFor(kind);
  if (!plugin) throw new HttpError(422, "validation-failed", `field 'kind': ${kind} sources are not supported yet`);
  const parsed = plugin.parseConfig(config);
  if (!parsed.ok) {
    const errors = parsed.errors.map((e) => ({ path: `config.${e.path}`, message: e.message }));
    throw new HttpError(422, "validation-failed", `field '${errors[0]?.path ?? "config"}': ${errors[0]?.message ?? "invalid"}`, { errors });
  }
  const egress = egressFor(env, { local });
  const refusedBy = (): HttpError | undefined => {
    const refusal = egress.refusal();
    return refusal ? new HttpError(422, "validation-failed", `the source URL was refused by the egress guard: ${refusal.message}`) : undefined;
  };
  // The discovery credential's values and what the plugin derived from it: an upstream that echoes
  // them (in a description, a schema, an error) must not get them stored or shown (invariant 1).
  const secrets = credential ? credentialValues(credential.secret) : [];
  try {
    const resolved = await plugin.resolveTools(parsed.config, {
      fetch: egress.fetch,
      secret: (value) => void secrets.push(value),
      ...(document !== undefined ? { document } : {}),
      ...(credential ? { credential } : {}),
    });
    const refusal = refusedBy();
    if (refusal) throw refusal;
    const manifest = secrets.length ? new Redactor(secrets).json(resolved) : resolved;
    // Each tool with where its plugin sends it: what a grant covers (DESIGN invariant 6); input schemas
    // keep only the patterns a linear-time engine can run, the rest noted in the description (invariant 10).
    const tools = withEnforceablePatterns(manifest.tools);
    return { ...manifest, tools: tools.map((t) => ({ ...t, destination: plugin.destination(t, parsed.config) })) };
  } catch (error) {
    const refusal = refusedBy();
    if (refusal) throw refusal;
    // Plugin messages can quote the upstream, which may echo the discovery credential back.
    if (error instanceof PluginError && error.code === "unreachable") throw new HttpError(502, "upstream-failed", scrub(error.message, secrets));
    if (error instanceof PluginError) throw new HttpError(422, "validation-failed", scrub(error.message, secrets));
    if (isEgressError(error)) throw new HttpError(422, "validation-failed", `the source URL was refused: ${error.message}`);
    throw error;
  }
}

/**
 * Adds a source: resolve first (nothing is stored if that fails), then store it with its tools.
 * `timer` marks credential, resolve (the plugin, pattern filter and destinations), checks (limits,
 * vault, manifest hash) and catalog (the one RPC that validates and stores it all).
 */
export async function addSource(env: Env, auth: AuthContext, req: SourceRequest, timer?: StageTimer): Promise<{ source: Source; tools: ToolSyncReport }> {
  const scope = writableScope(auth, req.scope);
  assertSlugFree(req.slug);
  if (req.local && env.EXECUTOR_ENV !== "development") {
    throw new HttpError(422, "validation-failed", "field 'local': local sources exist only in development");
  }
  const credential = await discoveryCredential(env, auth, req.scope, req.connection);
  assertUploadFits(req.document);
  timer?.mark("credential");
  const manifest = await resolveManifest(env, req.kind, req.config, req.local, req.document, credential);
  timer?.mark("resolve");
  assertImportFits(manifest.tools, req.document);
  const first = req.connection;
  const sealed = first?.secret !== undefined ? await seal(env.VAULT_KEY, scope, first.secret) : undefined;
  const hash = await manifestHash(manifest);
  timer?.mark("checks");
  // Source, tools, document and first connection land in one catalog transaction: all or nothing.
  const imported = unwrap(
    await scopeCatalog(env.SCOPE_CATALOG, scope).importSource({
      source: { slug: req.slug, kind: req.kind, title: req.title ?? (manifest.title || req.slug), config: req.config, local: req.local },
      tools: manifest.tools,
      manifestHash: hash,
      auth: manifest.auth,
      ...(req.document !== undefined ? { document: req.document } : {}),
      ...(first
        ? { connection: { name: first.name, secretRef: sealed ? `vault://${sealed.id}` : (first.secretRef ?? null), ...(sealed ? { sealed } : {}) } }
        : {}),
    }),
  );
  timer?.mark("catalog");
  return { source: imported.source, tools: imported.tools };
}

async function discoveryCredential(
  env: Env,
  auth: AuthContext,
  which: ScopeChoice,
  connection: SourceRequest["connection"],
): Promise<Credential | undefined> {
  if (connection?.secret !== undefined) return { template: DISCOVERY_TEMPLATE, secret: connection.secret };
  if (connection?.secretRef !== undefined) {
    assertEnvRefAllowed(auth, which, connection.secretRef);
    const resolved = await resolveSecret(env, "", connection.secretRef, auth.identity.org.id);
    if (!resolved.ok) throw new HttpError(422, "validation-failed", `field 'connection.secretRef': ${resolved.reason}`);
    return { template: DISCOVERY_TEMPLATE, secret: resolved.value };
  }
  return undefined;
}

/** The credential of a stored connection of the source, for refreshing an upstream that needs one. */
async function storedCredential(env: Env, auth: AuthContext, scope: string, source: Source, name?: string): Promise<Credential | undefined> {
  const catalog = scopeCatalog(env.SCOPE_CATALOG, scope);
  const connections = unwrap(await catalog.listConnections(source.slug));
  const connection = name ? connections.find((c) => c.name === name) : connections.find((c) => c.secretRef !== null);
  if (name && !connection) throw new HttpError(422, "validation-failed", `field 'connection': no connection '${name}' for '${source.slug}'`);
  if (!connection?.secretRef) return undefined;
  const resolved = await resolveSecret(env, scope, connection.secretRef, auth.identity.org.id);
  if (!resolved.ok) throw new HttpError(424, "upstream-failed", resolved.reason);
  return { template: source.auth[0] ?? DISCOVERY_TEMPLATE, secret: resolved.value };
}

/**
 * Re-resolves a source. Policies stay; new operations arrive awaiting review, tools whose destination
 * or auth moved lose their grant (`moved`), and changed definitions keep it, flagged by hash (DESIGN
 * invariant 6; durable-objects/scope-catalog/grants.ts).
 */
export async function refreshSource(
  env: Env,
  auth: AuthContext,
  which: ScopeChoice,
  slug: string,
  opts: { document?: string | undefined; connection?: string | undefined } = {},
): Promise<ToolSyncReport> {
  const { document } = opts;
  const scope = writableScope(auth, which);
  assertNotBuiltin(slug, "be refreshed");
  const catalog = scopeCatalog(env.SCOPE_CATALOG, scope);
  const source = unwrap(await catalog.getSource(slug));
  const stored = document ?? unwrap(await catalog.getDocument(slug)) ?? undefined;
  const credential = await storedCredential(env, auth, scope, source, opts.connection);
  assertUploadFits(document);
  const manifest = await resolveManifest(env, source.kind, source.config, source.local, stored, credential);
  assertImportFits(manifest.tools, document);
  return unwrap(
    await catalog.syncTools(slug, {
      tools: manifest.tools,
      manifestHash: await manifestHash(manifest),
      auth: manifest.auth,
      ...(document !== undefined ? { document } : {}),
    }),
  );
}

/** What awaits a person's review in a source (GET /v1/sources/:slug and the Sources pages). */
export type SourceReview = { toolCount: number; awaitingReview: string[]; changed: string[]; moved: string[] };

export function reviewOf(tools: ReadonlyArray<Omit<CatalogTool, "invocation">>): SourceReview {
  return {
    toolCount: tools.length,
    awaitingReview: tools.filter((t) => t.status === "awaiting_review").map((t) => t.name),
    changed: tools.filter((t) => t.changed).map((t) => t.name),
    // DESIGN invariant 6: tools whose grant a refresh withdrew because their destination or auth moved.
    moved: tools.filter((t) => t.moved).map((t) => t.name),
  };
}

/** Sources placed in any of the caller's scopes, outer first (visibility is the union, DESIGN §3). */
export async function listPlacedSources(env: Env, auth: AuthContext): Promise<Source[]> {
  requireWholeAuthority(auth);
  await ensureExecutorSource(env, auth.principal.orgId);
  const lists = await Promise.all(auth.principal.chain.map((s) => scopeCatalog(env.SCOPE_CATALOG, s.id).listSources()));
  return lists.flatMap((l) => unwrap(l));
}

/** Grants a tool at its current definition, destination and auth: a person's review (invariant 6). */
export async function grantSourceTool(env: Env, auth: AuthContext, which: ScopeChoice, slug: string, name: string): Promise<Omit<CatalogTool, "invocation">> {
  const scope = writableScope(auth, which);
  const { invocation: _i, ...shown } = unwrap(await scopeCatalog(env.SCOPE_CATALOG, scope).grantTool(slug, name));
  return shown;
}

/** Removes a source with its tools, document, connections and policies (one catalog transaction). */
export async function removeSource(env: Env, auth: AuthContext, which: ScopeChoice, slug: string): Promise<{ deleted: string }> {
  const scope = writableScope(auth, which);
  assertNotBuiltin(slug, "be removed");
  return unwrap(await scopeCatalog(env.SCOPE_CATALOG, scope).deleteSource(slug));
}

/** A source placed in one of the caller's scopes, with its tools (the plugin's invocation data left out). */
export async function sourceWithTools(
  env: Env,
  auth: AuthContext,
  which: ScopeChoice,
  slug: string,
): Promise<{ source: Source; tools: Array<Omit<CatalogTool, "invocation">> }> {
  requireWholeAuthority(auth);
  const catalog = scopeCatalog(env.SCOPE_CATALOG, scopeId(auth, which));
  const source = unwrap(await catalog.getSource(slug));
  const tools = unwrap(await catalog.listTools(source.slug));
  return { source, tools: tools.map(({ invocation: _i, ...t }) => t) };
}
