import type { Context } from "hono";
import { workflowRegistry } from "../../../durable-objects/workflow-registry/client";
import type { JsonValue } from "../../../schemas";
import { webhookSecret } from "./webhook-keys";
import { readLimited } from "../body";
import { safeEqual } from "../../shared/crypto";
import { HttpError } from "../../shared/problem";
import type { AppEnv } from "../env";
import { startWorkflow } from "./start";

export const SIGNATURE_HEADER = "x-executor-signature";
/** How far a signature's timestamp may be from now (replays of an old request are refused). */
export const SIGNATURE_TOLERANCE_S = 300;
const MAX_BODY = 256 * 1024;

async function hmacHex(secret: string, text: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, the way Stripe and others sign webhooks. */
export async function signature(secret: string, body: string, t: number): Promise<string> {
  return `t=${t},v1=${await hmacHex(secret, `${t}.${body}`)}`;
}

const refused = (): HttpError => new HttpError(401, "unauthorized", `a valid ${SIGNATURE_HEADER} header is required (t=<unix seconds>,v1=<HMAC-SHA256 of "<t>.<body>">)`);

/**
 * `POST /hooks/workflows/{scope}/{name}/{id}`: the signature is verified first, against the secret
 * derived from the URL, before any object is read; only a valid one looks the workflow up, and an
 * unknown or replaced webhook answers exactly like a bad signature (no way to probe which exist).
 * The body (JSON, or text) becomes the trigger's payload.
 */
export async function webhook(c: Context<AppEnv>): Promise<Response> {
  const { scope, name, id } = c.req.param() as { scope: string; name: string; id: string };
  const header = c.req.header(SIGNATURE_HEADER) ?? "";
  const match = /^t=(\d{1,12}),v1=([0-9a-f]{64})$/.exec(header.trim());
  if (!match) throw refused();
  const t = Number(match[1]);
  if (Math.abs(Date.now() / 1000 - t) > SIGNATURE_TOLERANCE_S) throw refused();
  if (!/^[a-z][a-z0-9_-]{0,63}$/.test(scope) || !/^[a-z0-9][a-z0-9-]{0,62}$/.test(name) || !/^whk_[0-9a-z]{16,64}$/.test(id)) throw refused();
  // Never more than MAX_BODY bytes read, whatever the headers say (chunked bodies included).
  const body = await readLimited(c.req.raw, MAX_BODY);
  const secret = await webhookSecret(c.env, scope, name, id);
  if (!safeEqual(await hmacHex(secret, `${t}.${body}`), match[2] ?? "")) throw refused();
  const found = await workflowRegistry(c.env.WORKFLOW_REGISTRY, scope).get(name);
  if (!found?.workflow.definition.triggers.webhook || found.workflow.webhookId !== id) throw refused();
  let payload: JsonValue = body;
  if ((c.req.header("content-type") ?? "").includes("json")) {
    try {
      payload = JSON.parse(body) as JsonValue;
    } catch {
      throw new HttpError(422, "validation-failed", "the body is not JSON", { errors: [{ path: "(body)", message: "not JSON" }] });
    }
  }
  const started = await startWorkflow(c.env, scope, name, "webhook", payload, null, match[2]);
  return c.json({ started: true, instanceId: started.instanceId }, 202);
}
