import type { Context } from "hono";
import type { z } from "zod";
import { verifyCsrf } from "../workers/gateway/auth/cookies";
import type { AppEnv } from "../workers/gateway/env";
import { HttpError } from "../workers/shared/problem";

/**
 * Reads a form post: CSRF checked first (nothing happens without it), then the fields validated.
 * A validation failure becomes a 422 HttpError whose message names the field, for the page to show.
 */
export async function readForm<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.infer<S>> {
  const body = await c.req.parseBody();
  const fields: Record<string, string> = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === "string") fields[key] = value;
  verifyCsrf(c, fields.csrf);
  delete fields.csrf;
  const parsed = schema.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join(".") || "form";
    throw new HttpError(422, "validation-failed", `${field}: ${issue?.message ?? "invalid"}`);
  }
  return parsed.data;
}

/** Runs a form action; an HttpError becomes the page re-rendered with its message and status. */
export async function formAction(
  action: () => Promise<Response>,
  render: (error: string, status: number) => Response | Promise<Response>,
): Promise<Response> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    const res = await render(error.message, error.status);
    for (const [k, v] of Object.entries(error.headers)) res.headers.set(k, v);
    return res;
  }
}
