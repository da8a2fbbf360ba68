import type { Context } from "hono";
import { Hono } from "hono";
import { html } from "hono/html";
import { z } from "zod";
import { CUSTOM_SLUG } from "../durable-objects/scope-catalog/artifacts";
import { scopeCatalog } from "../durable-objects/scope-catalog/client";
import { CustomInvocation } from "../schemas";
import type { DeployRecord } from "../workers/gateway/artifacts/deploy";
import { deploy, history, rollback } from "../workers/gateway/artifacts/deploy";
import { artifactStore, repoForScope } from "../workers/gateway/artifacts/store";
import type { AuthContext } from "../workers/gateway/auth/principal";
import type { ScopeChoice } from "../workers/gateway/catalog/scope-access";
import { scopeId, scopeQuery, writableScope } from "../workers/gateway/catalog/scope-access";
import type { AppEnv } from "../workers/gateway/env";
import { HttpError } from "../workers/shared/problem";
import { unwrap } from "../workers/shared/result";
import { formAction, readForm } from "./forms";
import type { Html } from "./layout";
import { errorBox, page } from "./layout";
import { htmlOnError, mayChange, scopeLabel, signedIn } from "./sources-common";
import { loginRedirect, pageAuth } from "./session";

const DeployForm = z.object({
  path: z.string().trim().regex(/^(executor\/)?(tools\/[a-z][a-z0-9_-]{0,63}\.ts|skills\/[a-z][a-z0-9_-]{0,63}\/SKILL\.md)$/, "must be tools/<name>.ts or skills/<name>/SKILL.md"),
  text: z.string().min(1, "must not be empty").max(60_000),
  message: z.string().trim().max(500).default(""),
  check: z.literal("on").optional(),
});
const RollbackForm = z.object({ commit: z.string().regex(/^[0-9a-f]{40}$/, "must be a commit id") });
const Ref = z.string().regex(/^[0-9a-f]{40}$/);

type Shown = { notice?: string | undefined; error?: string | undefined; record?: DeployRecord | undefined; form?: { path: string; text: string } | undefined };

function names(list: Array<{ name: string }> | string[]): string {
  return list.map((x) => (typeof x === "string" ? x : x.name)).join(", ") || "none";
}

function recordView(r: DeployRecord): Html {
  return html`<section id="deploy-record" aria-labelledby="record-title"><h2 id="record-title">${r.check ? "Check: nothing was written" : `Deployed ${r.commit?.commit.slice(0, 12) ?? ""}`}</h2>
    <ul><li>Tools added: ${names(r.tools.added)}; changed: ${names(r.tools.changed)}; removed: ${names(r.tools.removed)}</li>
      <li>Skills added: ${names(r.skills.added)}; changed: ${names(r.skills.changed)}; removed: ${names(r.skills.removed)}</li>
      <li>Side effects: ${r.sideEffects.read} read, ${r.sideEffects.write} write, ${r.sideEffects.destructive} destructive</li>
      <li>New reach (tools these may call): ${r.capabilities.added.join(", ") || "none"}; no longer: ${r.capabilities.removed.join(", ") || "none"}</li>
      ${r.capabilities.escalated.map((e) => html`<li class="warning">${e.name}: side effect grows from ${e.from} to ${e.to}</li>`)}</ul></section>`;
}

async function render(c: Context<AppEnv>, auth: AuthContext, which: ScopeChoice, shown: Shown = {}): Promise<Response> {
  const scope = scopeId(auth, which);
  const catalog = scopeCatalog(c.env.SCOPE_CATALOG, scope);
  const [log, tools, skills] = await Promise.all([history(c.env, scope, 50), catalog.listTools(CUSTOM_SLUG), catalog.listSkills()]);
  const writable = mayChange(auth, which);
  const who = signedIn(c, auth);
  const q = `scope=${which}`;
  const body = html`<h1>Artifacts: ${scopeLabel(auth, which)}</h1>
    <p>Custom tools and skills, kept in this scope's git repository. Every deploy is a commit; the live one is what runs.
      <a href="/artifacts?scope=${which === "org" ? "user" : "org"}">Show ${which === "org" ? "your own scope" : "the organization"}</a></p>
    ${shown.notice ? html`<p class="notice" role="status">${shown.notice}</p>` : ""}${errorBox(shown.error)}
    ${shown.record ? recordView(shown.record) : ""}
    <h2>Live tools</h2>
    ${tools.ok && tools.value.length
      ? html`<table><thead><tr><th scope="col">Tool</th><th scope="col">Side effect</th><th scope="col">May call</th></tr></thead><tbody>
        ${tools.value.map((t) => {
          const inv = CustomInvocation.safeParse(t.invocation);
          return html`<tr><td><a href="/tools/view?address=${encodeURIComponent(`custom.${scope}.default.${t.name}`)}">${t.name}</a></td><td>${t.sideEffect}</td><td>${inv.success ? inv.data.calls.join(", ") || "nothing" : ""}</td></tr>`;
        })}</tbody></table>`
      : html`<p id="no-tools">No custom tools deployed here.</p>`}
    <h2>Live skills</h2>
    ${unwrap(skills).length
      ? html`<ul>${unwrap(skills).map((s) => html`<li><strong>${s.name}</strong>${s.public ? " (public)" : ""}: ${s.description}</li>`)}</ul>`
      : html`<p id="no-skills">No skills deployed here.</p>`}
    <h2>History</h2>
    ${log.commits.length
      ? html`<table id="history"><thead><tr><th scope="col">Commit</th><th scope="col">Message</th><th scope="col">Author</th><th scope="col">When (UTC)</th><th scope="col"></th></tr></thead><tbody>
        ${log.commits.map((h) => html`<tr data-commit="${h.commit}"><td><a href="/artifacts/files?${q}&ref=${h.commit}"><code>${h.commit.slice(0, 12)}</code></a>${h.live ? html` <strong>live</strong>` : ""}</td>
          <td>${h.message.split("\n")[0]}${h.restores ? html` (restores <code>${h.restores.slice(0, 12)}</code>)` : ""}</td><td>${h.author.email}</td>
          <td>${new Date(h.at).toISOString().slice(0, 16).replace("T", " ")}</td>
          <td>${writable && !h.live ? html`<form class="inline" method="post" action="/artifacts/rollback?${q}" data-confirm="Make ${h.commit.slice(0, 12)} live again, as a new commit?">
            <input type="hidden" name="csrf" value="${who.csrf}"><input type="hidden" name="commit" value="${h.commit}"><button type="submit">Roll back to this</button></form>` : ""}</td></tr>`)}
        </tbody></table>`
      : html`<p id="no-history">Nothing deployed yet.</p>`}
    ${writable
      ? html`<h2>Write a file</h2><p>Adds or replaces one file in the live set. <em>Check</em> shows what would change and writes nothing.</p>
        <form method="post" action="/artifacts/deploy?${q}"><input type="hidden" name="csrf" value="${who.csrf}">
          <label for="path">Path</label><input id="path" name="path" type="text" required placeholder="tools/pet_names.ts" value="${shown.form?.path ?? ""}">
          <label for="text">Contents</label><textarea id="text" name="text" rows="16" required spellcheck="false">${shown.form?.text ?? ""}</textarea>
          <label for="message">Commit message</label><input id="message" name="message" type="text" maxlength="500">
          <label><input type="checkbox" name="check" checked> Check only</label>
          <button type="submit">Check or deploy</button></form>`
      : html`<p id="read-only">Only an owner of the organization deploys here; write into your own scope instead.</p>`}`;
  return c.html(page("Artifacts", body, who, { active: "/artifacts", scripts: ["app.js"] }));
}

/** A scope's live files with one added or replaced: what the form deploys. */
async function withFile(c: Context<AppEnv>, scope: string, path: string, text: string): Promise<Record<string, string>> {
  const live = unwrap(await scopeCatalog(c.env.SCOPE_CATALOG, scope).liveArtifacts());
  const files = live ? ((await artifactStore(c.env).files(repoForScope(scope), live)) ?? {}) : {};
  files[path.replace(/^executor\//, "")] = text;
  return files;
}

/**
 * The Artifacts page (issue 11): a scope's live custom tools and skills, its git history with
 * rollback, each commit's files, and a form that checks or deploys one file through the same path
 * as `POST /v1/artifacts/deploy`.
 */
export const artifactsPages = new Hono<AppEnv>()
  .get("/artifacts", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    return htmlOnError(c, auth, "/artifacts", () => render(c, auth, scopeQuery(c.req.query("scope"))));
  })
  .get("/artifacts/files", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    return htmlOnError(c, auth, "/artifacts", async () => {
      const which = scopeQuery(c.req.query("scope"));
      const ref = Ref.safeParse(c.req.query("ref"));
      if (!ref.success) throw new HttpError(422, "validation-failed", "ref: must be a commit id");
      const files = await artifactStore(c.env).files(repoForScope(scopeId(auth, which)), ref.data);
      if (!files) throw new HttpError(404, "not-found", `no commit ${ref.data} in this scope's history`);
      const body = html`<h1>Files at <code>${ref.data.slice(0, 12)}</code></h1><p><a href="/artifacts?scope=${which}">Back to the history</a></p>
        ${Object.entries(files).map(([path, text]) => html`<h2><code>executor/${path}</code></h2><pre>${text}</pre>`)}`;
      return c.html(page("Artifact files", body, signedIn(c, auth), { active: "/artifacts" }));
    });
  })
  .post("/artifacts/deploy", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    const which = scopeQuery(c.req.query("scope"));
    let form: Shown["form"];
    return formAction(
      async () => {
        const input = await readForm(c, DeployForm);
        form = { path: input.path, text: input.text };
        const scope = writableScope(auth, which);
        const check = input.check === "on";
        const record = await deploy(c.env, auth, scope, { files: await withFile(c, scope, input.path, input.text), message: input.message || `Write ${input.path}`, check });
        return render(c, auth, which, { record, form: check ? form : undefined, notice: check ? "Checked: untick “Check only” to deploy it." : "Deployed." });
      },
      async (error, status) => {
        const res = await render(c, auth, which, { error, form });
        return new Response(res.body, { status, headers: res.headers });
      },
    );
  })
  .post("/artifacts/rollback", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    const which = scopeQuery(c.req.query("scope"));
    return formAction(
      async () => {
        const input = await readForm(c, RollbackForm);
        const record = await rollback(c.env, auth, writableScope(auth, which), { commit: input.commit });
        return render(c, auth, which, { record, notice: `Rolled back to ${input.commit.slice(0, 12)} as a new commit.` });
      },
      async (error, status) => {
        const res = await render(c, auth, which, { error });
        return new Response(res.body, { status, headers: res.headers });
      },
    );
  });
