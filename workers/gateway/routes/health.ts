import { Hono } from "hono";
import { probeLoader } from "../../../dynamic-plugins/probe";
import { scopeCatalog } from "../../../durable-objects/scope-catalog/client";
import { devMailbox } from "../../../durable-objects/dev-mailbox/client";
import { oauthServer, tokenLifetimes } from "../auth/oauth";
import { outboxKind } from "../mail/outbox";
import type { AppEnv, Env } from "../env";

type CheckStatus = { status: "ok" | "failed"; ms: number; detail: string };

const WORKFLOW_WAIT_MS = 5_000;

/** Runs one check with a timing; a failure reports the error class, never its message. */
async function check(run: () => Promise<string>): Promise<CheckStatus> {
  const started = Date.now();
  try {
    const detail = await run();
    return { status: "ok", ms: Date.now() - started, detail };
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    return { status: "failed", ms: Date.now() - started, detail: `${name} while probing` };
  }
}

async function durableObjectRoundTrip(env: Env): Promise<string> {
  const result = await scopeCatalog(env.SCOPE_CATALOG, "health").listSources();
  if (!result.ok) throw new Error(result.error.code);
  return `scope catalog answered (sqlite, ${result.value.length} sources)`;
}

async function workflowRoundTrip(env: Env): Promise<string> {
  const nonce = crypto.randomUUID();
  const created = await env.HEALTH_PROBE.create({ id: `health-${nonce}`, params: { nonce } });
  const instance = await env.HEALTH_PROBE.get(created.id);
  const deadline = Date.now() + WORKFLOW_WAIT_MS;
  let status = await instance.status();
  while (status.status !== "complete" && status.status !== "errored" && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    status = await instance.status();
  }
  if (status.status === "errored" || status.status === "terminated") throw new Error(status.status);
  const output = status.output as { echoed?: string } | undefined;
  if (status.status === "complete" && output?.echoed !== nonce) throw new Error("workflow echoed the wrong nonce");
  return `instance ${created.id} ${status.status}`;
}

async function loaderRoundTrip(env: Env): Promise<string> {
  const probe = await probeLoader(env.LOADER);
  if (!probe.ok) throw new Error("isolate did not answer");
  if (probe.egress !== "blocked") throw new Error("sandbox egress is open");
  return "isolate answered; its outbound fetch was blocked";
}

async function kvRoundTrip(env: Env): Promise<string> {
  const key = `health:${crypto.randomUUID()}`;
  await env.OAUTH_KV.put(key, "ok", { expirationTtl: 60 });
  const value = await env.OAUTH_KV.get(key);
  await env.OAUTH_KV.delete(key);
  if (value !== "ok") throw new Error("value not read back");
  return "wrote, read back and deleted a key";
}

async function oauthConfig(env: Env): Promise<string> {
  const { access, refresh } = tokenLifetimes(env);
  oauthServer(env);
  return `authorization server ready (access ${access}s, refresh ${refresh}s)`;
}

/** Where sign-up and invitation emails go; an unconfigured cloud deployment cannot verify anyone. */
async function mail(env: Env): Promise<string> {
  const kind = outboxKind(env);
  if (kind === "unconfigured") throw new Error("no EMAIL binding or MAIL_FROM");
  if (kind === "email-service") return `Cloudflare Email Service from ${env.MAIL_FROM}`;
  const listed = await devMailbox(env.DEV_MAILBOX).list({ limit: 1 });
  if (!listed.ok) throw new Error(listed.error.code);
  return "development mailbox (read it at /dev/mailbox)";
}

/** `GET /healthz`: proves each binding answers, with each one's status; 503 if any fails. */
export const health = new Hono<AppEnv>().get("/healthz", async (c) => {
  const [durableObject, workflow, workerLoader, kv, oauth, mailbox] = await Promise.all([
    check(() => durableObjectRoundTrip(c.env)),
    check(() => workflowRoundTrip(c.env)),
    check(() => loaderRoundTrip(c.env)),
    check(() => kvRoundTrip(c.env)),
    check(() => oauthConfig(c.env)),
    check(() => mail(c.env)),
  ]);
  const checks = { durableObject, workflow, workerLoader, kv, oauth, mail: mailbox };
  const healthy = Object.values(checks).every((ch) => ch.status === "ok");
  c.header("cache-control", "no-store");
  return c.json({ status: healthy ? "ok" : "degraded", environment: c.env.EXECUTOR_ENV, checks }, healthy ? 200 : 503);
});
