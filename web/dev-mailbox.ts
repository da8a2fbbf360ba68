import { Hono } from "hono";
import { html } from "hono/html";
import { devMailbox } from "../durable-objects/dev-mailbox/client";
import { Email } from "../schemas";
import type { StoredMail } from "../schemas";
import type { AppEnv } from "../workers/gateway/env";
import { HttpError } from "../workers/shared/problem";
import { unwrap } from "../workers/shared/result";
import { page } from "./layout";

/** Turns the URLs of a plain-text message into links; everything else stays escaped text. */
function linkified(text: string) {
  const parts = text.split(/(https?:\/\/[^\s]+)/g);
  return parts.map((part, i) => (i % 2 === 1 ? html`<a href="${part}">${part}</a>` : part));
}

function recipient(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  const parsed = Email.safeParse(raw);
  if (!parsed.success) throw new HttpError(422, "validation-failed", "query 'to': must be an email address");
  return parsed.data;
}

/**
 * Development only: the local outbox (DevMailbox). `npm start` delivers every email here (sign-up
 * verification, invitations), so those flows work with no mail server. In production these routes
 * do not exist (404), exactly like any unknown path.
 */
export const devMailboxPages = new Hono<AppEnv>()
  .use("/dev/*", async (c, next) => {
    if (c.env.EXECUTOR_ENV !== "development") throw new HttpError(404, "not-found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`);
    c.header("cache-control", "no-store");
    await next();
  })
  .get("/dev/mailbox.json", async (c) => {
    const to = recipient(c.req.query("to"));
    return c.json({ messages: unwrap(await devMailbox(c.env.DEV_MAILBOX).list({ ...(to ? { to } : {}), limit: 50 })) });
  })
  .get("/dev/mailbox", async (c) => {
    const to = recipient(c.req.query("to"));
    const messages = unwrap(await devMailbox(c.env.DEV_MAILBOX).list({ ...(to ? { to } : {}), limit: 100 }));
    const rows = messages.map(
      (m: StoredMail) => html`<tr><td>${new Date(m.createdAt).toISOString()}</td><td>${m.to}</td>
        <td><a href="/dev/mailbox/${m.id}">${m.subject}</a></td></tr>`,
    );
    return c.html(
      page(
        "Development mailbox",
        html`<h1>Development mailbox</h1>
          <p>Every email this local platform sent. Nothing here left the machine.</p>
          ${messages.length
            ? html`<table><thead><tr><th>Sent</th><th>To</th><th>Subject</th></tr></thead><tbody>${rows}</tbody></table>`
            : html`<p id="empty">No messages yet.</p>`}`,
      ),
    );
  })
  .get("/dev/mailbox/:id", async (c) => {
    const m = unwrap(await devMailbox(c.env.DEV_MAILBOX).get(c.req.param("id")));
    return c.html(
      page(
        m.subject,
        html`<p><a href="/dev/mailbox">← All messages</a></p><h1>${m.subject}</h1>
          <table><tr><th>To</th><td>${m.to}</td></tr><tr><th>From</th><td>${m.from}</td></tr>
          <tr><th>Sent</th><td>${new Date(m.createdAt).toISOString()}</td></tr></table>
          <pre id="body">${linkified(m.text)}</pre>`,
      ),
    );
  });
