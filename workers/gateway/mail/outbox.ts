import { devMailbox } from "../../../durable-objects/dev-mailbox/client";
import type { MailMessage } from "../../../schemas";
import type { Env } from "../env";
import { HttpError } from "../../shared/problem";

export type Outgoing = Omit<MailMessage, "from">;

/** Where mail goes: the development mailbox locally, Cloudflare Email Service in the cloud. */
export type OutboxKind = "dev-mailbox" | "email-service" | "unconfigured";

export function outboxKind(env: Env): OutboxKind {
  if (env.EXECUTOR_ENV === "development") return "dev-mailbox";
  return env.EMAIL && env.MAIL_FROM ? "email-service" : "unconfigured";
}

/**
 * The one way the platform sends email. Locally (`npm start`) every message is kept by the
 * DevMailbox Durable Object in the data folder and shown at /dev/mailbox; in the cloud it goes
 * through the Email Service `send_email` binding `EMAIL` from `MAIL_FROM`. A deployment without
 * either refuses with 503 rather than pretend a link was sent. Bodies are never logged: they carry
 * single-use links.
 */
export async function sendMail(env: Env, message: Outgoing): Promise<void> {
  const from = env.MAIL_FROM || "Executor <no-reply@executor.localhost>";
  switch (outboxKind(env)) {
    case "dev-mailbox": {
      const delivered = await devMailbox(env.DEV_MAILBOX).deliver({ ...message, from });
      if (!delivered.ok) throw new Error(`development mailbox refused a message (${delivered.error.code})`);
      return;
    }
    case "email-service":
      await env.EMAIL?.send({ from, to: message.to, subject: message.subject, text: message.text, ...(message.html ? { html: message.html } : {}) });
      return;
    case "unconfigured":
      throw new HttpError(503, "unavailable", "email delivery is not configured (bind send_email as EMAIL and set MAIL_FROM)");
  }
}
