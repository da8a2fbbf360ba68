import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { z } from "zod";
import { runLedger } from "../durable-objects/run-ledger/client";
import type { JsonValue, Run } from "../schemas";
import { csrfToken } from "../workers/gateway/auth/cookies";
import type { AuthContext } from "../workers/gateway/auth/principal";
import { requireWholeAuthority } from "../workers/gateway/catalog/scope-access";
import type { AppEnv } from "../workers/gateway/env";
import { visibleRunsFilter } from "../workers/gateway/routes/v1-runs";
import { canSeeRun, decideRun, readRun } from "../workers/invoke/approvals";
import { HttpError } from "../workers/shared/problem";
import { unwrap } from "../workers/shared/result";
import { formAction, readForm } from "./forms";
import type { Html } from "./layout";
import { page } from "./layout";
import { loginRedirect, pageAuth } from "./session";
import { runBody } from "./runs-detail";
import { peopleFor } from "./runs-format";
import { listBody, readListQuery } from "./runs-list";
import { OUTPUT_PAGE_CHARS, outputBody, outputOffset } from "./runs-output";
import { verifyBody } from "./runs-verify";

const DecisionForm = z.object({ decision: z.enum(["approve", "deny"]), comment: z.string().trim().max(2048).optional() });

/** The page shell for every Runs page, with this section's stylesheet. */
function runsPage(c: Context<AppEnv>, auth: AuthContext, title: string, body: Html): Html {
  // The shell links app.css only; a stylesheet link is allowed in the body (HTML "body-ok") and the
  // CSP's style-src 'self' covers it, so the Runs pages add theirs without inline style.
  return page(title, html`<link rel="stylesheet" href="/assets/runs.css">${body}`, { email: auth.identity.user.email, csrf: csrfToken(c) }, { active: "/runs" });
}

/** What a viewer who may not see a Run gets: the same answer as for a Run that does not exist. */
function notFound(c: Context<AppEnv>, auth: AuthContext): Response | Promise<Response> {
  return c.html(
    runsPage(c, auth, "Run not found", html`<h1>Run not found</h1><p id="not-found">There is no Run with this id that you may see.</p><p><a href="/runs">All Runs</a></p>`),
    404,
  );
}

/** A Run for this viewer (canSeeRun, the rule of `/v1/runs/:id`), or null exactly as if it did not exist. */
async function visibleRun(c: Context<AppEnv>, auth: AuthContext): Promise<{ run: Run; input: JsonValue | null } | null> {
  try {
    return await readRun(c.env, auth, c.req.param("id") ?? "");
  } catch (error) {
    if (error instanceof HttpError && error.status === 404) return null;
    throw error;
  }
}

async function renderRun(c: Context<AppEnv>, auth: AuthContext, found: { run: Run; input: JsonValue | null }, opts: { error?: string; notice?: string } = {}): Promise<Html> {
  const { run } = found;
  // Only code makes child Runs (the ToolProxy names its parent); other Runs skip the query.
  const kids = run.sandbox !== null ? unwrap(await runLedger(c.env.RUN_LEDGER, auth.principal.orgId).list({ parentRunId: run.id, limit: 200 })) : null;
  const people = await peopleFor(c.env, auth);
  return runsPage(
    c,
    auth,
    `Run ${run.id}`,
    runBody({
      auth,
      people,
      run,
      input: found.input,
      // Each child is shown only if this viewer may see it too (the same rule, Run by Run).
      children: kids ? kids.runs.filter((r) => canSeeRun(auth, r)) : null,
      moreChildren: kids?.nextCursor != null,
      csrf: csrfToken(c),
      ...opts,
    }),
  );
}

/** The Runs section: the filtered list, one Run, its output in pages, deciding it, and chain verification. */
export const runsPages = new Hono<AppEnv>()
  .get("/runs", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    requireWholeAuthority(auth);
    const read = readListQuery(c.req.query());
    const started = Date.now();
    const [listed, people] = await Promise.all([
      "query" in read ? runLedger(c.env.RUN_LEDGER, auth.principal.orgId).list(visibleRunsFilter(auth, read.query)) : null,
      peopleFor(c.env, auth),
    ]);
    const { runs, nextCursor } = listed ? unwrap(listed) : { runs: [], nextCursor: null };
    // W3C Server-Timing: the ledger and directory reads, for the bench and for people debugging.
    c.header("server-timing", `ledger;dur=${Date.now() - started}`);
    c.header("cache-control", "no-store");
    const error = "error" in read ? read.error : undefined;
    return c.html(runsPage(c, auth, "Runs", listBody({ auth, people, form: read.form, runs, nextCursor, ...(error ? { error } : {}) })), error ? 422 : 200);
  })
  .get("/runs/verify", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    // GET /v1/runs/verify's rule and answer: the ledger's own verify().
    requireWholeAuthority(auth);
    const verdict = await runLedger(c.env.RUN_LEDGER, auth.principal.orgId).verify();
    c.header("cache-control", "no-store");
    return c.html(runsPage(c, auth, "Verify the chain", verifyBody(verdict, Date.now())));
  })
  .get("/runs/:id", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    const found = await visibleRun(c, auth);
    if (!found) return notFound(c, auth);
    c.header("cache-control", "no-store");
    const decided = c.req.query("decided");
    // The status shown below says what came of it (an approved call may still be queued or have failed).
    const notice = decided === "approve" ? "You approved this call." : decided === "deny" ? "You denied this call; it will not run." : undefined;
    return c.html(await renderRun(c, auth, found, notice ? { notice } : {}));
  })
  .get("/runs/:id/output", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    const found = await visibleRun(c, auth);
    if (!found) return notFound(c, auth);
    if (!found.run.output) return c.redirect(`/runs/${found.run.id}`, 303);
    const ledger = runLedger(c.env.RUN_LEDGER, auth.principal.orgId);
    let offset = outputOffset(c.req.query("offset"));
    let part = unwrap(await ledger.readOutput(found.run.id, offset, OUTPUT_PAGE_CHARS));
    if (offset > 0 && offset >= part.total) {
      offset = 0;
      part = unwrap(await ledger.readOutput(found.run.id, 0, OUTPUT_PAGE_CHARS));
    }
    c.header("cache-control", "no-store");
    return c.html(runsPage(c, auth, `Output of ${found.run.id}`, outputBody({ run: found.run, offset, ...part })));
  })
  .post("/runs/:id/decision", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    const runId = c.req.param("id");
    return formAction(
      async () => {
        const form = await readForm(c, DecisionForm);
        // decideRun applies every rule of POST /v1/runs/:id/approve|deny (who may decide, never the
        // calling credential, separation of duties) and is the one ledger transition.
        await decideRun(c.env, auth, runId, form.decision, form.comment || undefined);
        const after = unwrap(await runLedger(c.env.RUN_LEDGER, auth.principal.orgId).get(runId));
        // A member who decided a call does not keep sight of it afterwards (canSeeRun): they are told
        // the decision was recorded, and nothing of the Run's result.
        if (!canSeeRun(auth, after.run)) {
          return c.html(
            runsPage(c, auth, "Decision recorded", html`<h1>Decision recorded</h1><p id="decided">You ${form.decision === "approve" ? "approved" : "denied"} this call. Its record is now visible only to the person who made it and the organization's owners.</p>`),
          );
        }
        return c.redirect(`/runs/${runId}?decided=${form.decision}`, 303);
      },
      async (error, status) => {
        const found = await visibleRun(c, auth);
        if (!found) return notFound(c, auth);
        return c.html(await renderRun(c, auth, found, { error }), status as 403);
      },
    );
  });
