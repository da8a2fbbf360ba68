import type { JsonObject, JsonValue } from "../../../schemas";
import { ExecutorNoInput, ExecutorSourceAdd, ExecutorSourceGrant, ExecutorSourceRef, ExecutorSourceRefresh } from "../../../schemas";
import type { AuthContext } from "../../shared/auth-context";
import type { Env } from "../../shared/env";
import { addSource, grantSourceTool, listPlacedSources, refreshSource, removeSource, reviewOf, sourceWithTools } from "../catalog/sources-service";
import { HttpError } from "../../shared/problem";
import { parseArgs, sourceView } from "./parse";

/** Tool names shown per source (a source may have 5,000; the Sources page and /v1 list them all). */
const NAMES_SHOWN = 500;

export const sourceActions: Record<string, (env: Env, actor: AuthContext, args: JsonObject) => Promise<JsonValue>> = {
  "sources/list": async (env, actor, args) => {
    parseArgs(ExecutorNoInput, args);
    return { sources: (await listPlacedSources(env, actor)).map(sourceView) };
  },
  "sources/get": async (env, actor, args) => {
    const { scope, slug } = parseArgs(ExecutorSourceRef, args);
    const { source, tools } = await sourceWithTools(env, actor, scope, slug);
    return {
      source: sourceView(source),
      review: reviewOf(tools),
      tools: tools.slice(0, NAMES_SHOWN).map((t) => ({ name: t.name, sideEffect: t.sideEffect, status: t.status, changed: t.changed, moved: t.moved })),
      truncated: tools.length > NAMES_SHOWN,
    };
  },
  "sources/add": async (env, actor, args) => {
    const req = parseArgs(ExecutorSourceAdd, args);
    const { source, tools } = await addSource(env, actor, req);
    return { source: sourceView(source), tools: { added: tools.added.length, names: tools.added.slice(0, NAMES_SHOWN) } };
  },
  "sources/refresh": async (env, actor, args) => {
    const { scope, slug, document, connection } = parseArgs(ExecutorSourceRefresh, args);
    const report = await refreshSource(env, actor, scope, slug, { document, connection });
    return {
      added: report.added,
      changed: report.changed,
      moved: report.moved,
      removed: report.removed,
      unchanged: report.unchanged,
      note: report.added.length + report.moved.length > 0 ? "added and moved tools await review: grant them with sources/grant" : "nothing awaits review",
    };
  },
  "sources/grant": async (env, actor, args) => {
    const { scope, slug, tools } = parseArgs(ExecutorSourceGrant, args);
    // Every name is checked before anything is granted, so a typo grants nothing (invariant 8).
    const known = new Set((await sourceWithTools(env, actor, scope, slug)).tools.map((t) => t.name));
    const unknown = tools.filter((name) => !known.has(name));
    if (unknown.length) throw new HttpError(422, "validation-failed", `argument 'tools': no tool ${unknown.slice(0, 5).map((n) => `'${n}'`).join(", ")} in source '${slug}'`);
    const granted: string[] = [];
    for (const name of tools) granted.push((await grantSourceTool(env, actor, scope, slug, name)).name);
    return { granted };
  },
  "sources/remove": async (env, actor, args) => {
    const { scope, slug } = parseArgs(ExecutorSourceRef, args);
    return await removeSource(env, actor, scope, slug);
  },
};
