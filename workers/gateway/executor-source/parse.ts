import type { z } from "zod";
import type { Connection, JsonObject, Source } from "../../../schemas";
import { HttpError } from "../../shared/problem";

/** Re-parses an executor tool's arguments with its /v1 schema (defaults, refinements): 422 naming the field. */
export function parseArgs<S extends z.ZodType>(schema: S, args: JsonObject): z.infer<S> {
  const parsed = schema.safeParse(args);
  if (parsed.success) return parsed.data;
  const errors = parsed.error.issues.map((i) => ({ path: i.path.join(".") || "(root)", message: i.message }));
  throw new HttpError(422, "validation-failed", `argument '${errors[0]?.path}': ${errors[0]?.message}`, { errors });
}

/** A source as the management tools show it. */
export function sourceView(s: Source): JsonObject {
  return { scope: s.scope, slug: s.slug, kind: s.kind, title: s.title, local: s.local, builtIn: s.kind === "executor" || s.kind === "store", updatedAt: new Date(s.updatedAt).toISOString() };
}

/** A connection as the management tools show it: whether a secret is set and where it lives, never the secret. */
export function connectionView(c: Connection): JsonObject {
  const secret = c.secretRef === null ? null : c.secretRef.startsWith("env://") ? c.secretRef : "vault (write-only)";
  return { scope: c.scope, source: c.source, name: c.name, secret, updatedAt: new Date(c.updatedAt).toISOString() };
}
