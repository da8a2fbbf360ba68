import { html } from "hono/html";
import { accountDirectory } from "../durable-objects/account-directory/client";
import type { Run } from "../schemas";
import type { AuthContext } from "../workers/gateway/auth/principal";
import type { Env } from "../workers/gateway/env";
import type { Html } from "./layout";

/** Who is who on the Runs pages: user id → email, for the people of the viewer's org. */
export type People = ReadonlyMap<string, string>;

/**
 * The viewer, and for an owner (who can list everyone's Runs) every member of the org. A member
 * only ever sees their own Runs, so they need no one else's address.
 */
export async function peopleFor(env: Env, auth: AuthContext): Promise<People> {
  const people = new Map([[auth.identity.user.id, auth.identity.user.email]]);
  if (auth.identity.role !== "owner") return people;
  const members = await accountDirectory(env.ACCOUNT_DIRECTORY).listMembers(auth.identity.org.id);
  if (members.ok) for (const m of members.value) if (m.userId) people.set(m.userId, m.email);
  return people;
}

export function personLabel(people: People, userId: string): Html {
  const email = people.get(userId);
  return email ? html`${email} <span class="muted">(<code>${userId}</code>)</span>` : html`<code>${userId}</code>`;
}

/** Times are shown in UTC, to the second, with the exact instant in the `datetime` attribute. */
export function when(ms: number | null): Html | string {
  if (ms === null) return "—";
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 19).replace("T", " ")} UTC</time>`;
}

export function durationText(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1_000)} s`;
}

/** How long the call itself took: from its start (or its creation, for Runs never started) to its end. */
export function runDuration(run: Run): string {
  if (run.finishedAt === null) return run.status === "running" ? "running" : "—";
  return durationText(Math.max(0, run.finishedAt - (run.startedAt ?? run.createdAt)));
}

/** Status words as people say them; the status code itself stays visible in the class and filters. */
const STATUS_LABEL: Readonly<Record<Run["status"], string>> = {
  pending_approval: "waiting for approval",
  queued: "approved, queued",
  running: "running",
  succeeded: "succeeded",
  failed: "failed",
  rejected: "refused",
  denied: "denied",
  expired: "expired",
  cancelled: "cancelled",
};

export function statusLabel(status: Run["status"]): string {
  return STATUS_LABEL[status];
}

export function statusTag(status: Run["status"]): Html {
  return html`<span class="status status-${status}">${STATUS_LABEL[status]}</span>`;
}

/** Pretty JSON for reading, cut at `max` characters (the rest is read through the paged reader). */
export function prettyJson(value: unknown, max: number): { text: string; cut: boolean } {
  const text = JSON.stringify(value, null, 2) ?? "null";
  return text.length > max ? { text: text.slice(0, max), cut: true } : { text, cut: false };
}
