import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { runLedger } from "../durable-objects/run-ledger/client";
import type { Run } from "../schemas";
import { csrfToken, verifyCsrf } from "../workers/gateway/auth/cookies";
import type { AuthContext } from "../workers/gateway/auth/principal";
import { verifyResumeLink } from "../workers/invoke/review-link";
import type { AppEnv } from "../workers/gateway/env";
import { canSeeRun, decideRun, mayDecide } from "../workers/invoke/approvals";
import { resumeRefs } from "../workers/gateway/respond";
import { HttpError } from "../workers/shared/problem";
import { unwrap } from "../workers/shared/result";
import { errorBox, page } from "./layout";
import { loginRedirect, pageAuth } from "./session";
import { shownInput } from "../workers/invoke/write-only";

function who(auth: AuthContext, csrf: string) {
  return { email: auth.identity.user.email, csrf };
}

/** Exactly what will run: tool, connection, arguments, who asked and why it needs approval. */
function reviewPage(auth: AuthContext, run: Run, args: unknown, token: string, csrf: string, error?: string) {
  const [source, scope, connection, ...tool] = run.address.split(".");
  const pending = run.status === "pending_approval";
  return page(
    "Review a call",
    html`<h1>Review a call</h1>${errorBox(error)}
      <table>
        <tr><th>Tool</th><td><code id="tool">${tool.join(".")}</code> from <code>${source}</code></td></tr>
        <tr><th>Connection</th><td><code id="connection">${connection}</code> in <code>${scope}</code></td></tr>
        <tr><th>Requested by</th><td><code>${run.principal.userId}</code> via ${run.surface}</td></tr>
        <tr><th>Why approval</th><td>${run.admission.reason.message}</td></tr>
        <tr><th>Status</th><td id="status">${run.status}</td></tr>
      </table>
      <h2>Arguments</h2>
      <pre id="arguments">${JSON.stringify(args, null, 2)}</pre>
      ${pending && mayDecide(auth, run)
        ? html`<form method="post" action="/approvals/review/${token}">
            <input type="hidden" name="csrf" value="${csrf}">
            <label for="comment">Comment (optional)</label><input id="comment" name="comment" type="text">
            <button name="decision" value="approve" type="submit">Approve and run</button>
            <button name="decision" value="deny" type="submit">Deny</button>
          </form>`
        : html`<p>${pending ? "You may not decide this call." : "This call has been decided; the link no longer decides anything."}</p>`}`,
    who(auth, csrf),
  );
}

/** What a decider sees once their decision took the Run out of their sight (canSeeRun). */
function decidedPage(auth: AuthContext, decision: "approve" | "deny", csrf: string) {
  return page(
    "Decision recorded",
    html`<h1>Decision recorded</h1>
      <p id="decided">You ${decision === "approve" ? "approved" : "denied"} this call. Its record is now visible only to the person who made it and the organization's owners.</p>`,
    who(auth, csrf),
  );
}

/**
 * The Run behind a review link, for this viewer. The link only says which Run; whether the viewer may
 * read it is the rule `/v1/runs/:id` applies (canSeeRun): while it waits, those entitled to decide
 * it; afterwards the caller and owners. A link this viewer may not use answers exactly like a forged,
 * expired or foreign one.
 */
async function loadFromLink(c: Context<AppEnv>, auth: AuthContext): Promise<{ run: Run; args: unknown; token: string }> {
  const token = c.req.param("token") ?? "";
  const claims = await verifyResumeLink(c.env, token);
  const invalid = (): HttpError => new HttpError(404, "not-found", "this link is invalid or has expired");
  if (!claims || claims.orgId !== auth.principal.orgId) throw invalid();
  const found = await runLedger(c.env.RUN_LEDGER, claims.orgId).get(claims.runId);
  if (!found.ok || !canSeeRun(auth, found.value.run)) throw invalid();
  return { run: found.value.run, args: shownInput(found.value.input), token };
}

/** The approvals inbox and the signed review page behind resume links. */
export const approvalsPages = new Hono<AppEnv>()
  .get("/approvals", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    const base = new URL(c.env.PUBLIC_URL).origin;
    const pending = unwrap(await runLedger(c.env.RUN_LEDGER, auth.principal.orgId).list({ status: "pending_approval", limit: 100 }));
    const mine = pending.runs.filter((r) => mayDecide(auth, r));
    const rows = await Promise.all(
      mine.map(async (r) => {
        const refs = await resumeRefs(c.env, base, r, auth.principal.orgId);
        return html`<tr><td><code>${r.address}</code></td><td>${r.admission.reason.message}</td>
          <td>${new Date(r.createdAt).toISOString()}</td><td><a href="${refs.link}">Review</a></td></tr>`;
      }),
    );
    c.header("cache-control", "no-store");
    return c.html(
      page(
        "Approvals",
        html`<h1>Waiting for approval</h1>
          ${mine.length
            ? html`<table><thead><tr><th>Tool</th><th>Why</th><th>Asked</th><th></th></tr></thead><tbody>${rows}</tbody></table>`
            : html`<p id="empty">Nothing is waiting for you.</p>`}`,
        who(auth, csrfToken(c)),
      ),
    );
  })
  .get("/approvals/review/:token", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    const { run, args, token } = await loadFromLink(c, auth);
    c.header("cache-control", "no-store");
    c.header("x-frame-options", "DENY");
    return c.html(reviewPage(auth, run, args, token, csrfToken(c)));
  })
  .post("/approvals/review/:token", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    const form = await c.req.parseBody();
    verifyCsrf(c, typeof form.csrf === "string" ? form.csrf : undefined);
    const { run, token } = await loadFromLink(c, auth);
    const decision = form.decision === "approve" ? "approve" : "deny";
    const comment = typeof form.comment === "string" && form.comment.trim() ? form.comment.trim().slice(0, 2048) : undefined;
    let error: string | undefined;
    try {
      await decideRun(c.env, auth, run.id, decision, comment);
    } catch (e) {
      if (!(e instanceof HttpError)) throw e;
      error = e.message;
    }
    const after = unwrap(await runLedger(c.env.RUN_LEDGER, auth.principal.orgId).get(run.id));
    // The same rule after the decision: a decider who may no longer see the Run is told their decision
    // was recorded, and nothing of the Run (its output is not theirs to read: canSeeRun).
    if (!canSeeRun(auth, after.run)) {
      if (error) throw new HttpError(404, "not-found", "this link is invalid or has expired");
      return c.html(decidedPage(auth, decision, csrfToken(c)));
    }
    return c.html(reviewPage(auth, after.run, after.input, token, csrfToken(c), error), error ? 409 : 200);
  });
