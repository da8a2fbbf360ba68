import type { JsonObject, JsonValue } from "../../../schemas";
import { ExecutorConnectionAdd, ExecutorConnectionRef, ExecutorConnectionRotate, ExecutorNoInput } from "../../../schemas";
import type { AuthContext } from "../../shared/auth-context";
import type { Env } from "../../shared/env";
import { createConnection, listPlacedConnections, removeConnection, updateConnectionSecret } from "../catalog/connections-service";
import { connectionView, parseArgs } from "./parse";

// A connection's secret reaches these only as a write-only argument (opened from its seal just
// before the call); it goes into the vault and nothing returned mentions it.
export const connectionActions: Record<string, (env: Env, actor: AuthContext, args: JsonObject) => Promise<JsonValue>> = {
  "connections/list": async (env, actor, args) => {
    parseArgs(ExecutorNoInput, args);
    return { connections: (await listPlacedConnections(env, actor)).map(connectionView) };
  },
  "connections/add": async (env, actor, args) => {
    const req = parseArgs(ExecutorConnectionAdd, args);
    return { connection: connectionView(await createConnection(env, actor, req)) };
  },
  "connections/rotate": async (env, actor, args) => {
    const { scope, source, name, secret, secretRef } = parseArgs(ExecutorConnectionRotate, args);
    return { connection: connectionView(await updateConnectionSecret(env, actor, scope, source, name, { secret, secretRef })) };
  },
  "connections/remove": async (env, actor, args) => {
    const { scope, source, name } = parseArgs(ExecutorConnectionRef, args);
    const removed = await removeConnection(env, actor, scope, source, name);
    return { deleted: `${removed.source}/${removed.name}` };
  },
};
