import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import type { Toolkit, ToolkitPatch } from "../schemas";
import { ScopeField, Slug, ToolkitCreateBody, ToolkitUpdateBody } from "../schemas";
import { verifyCsrf } from "../workers/gateway/auth/cookies";
import type { AuthContext } from "../workers/gateway/auth/principal";
import { readJson } from "../workers/gateway/body";
import { createToolkit, getPlacedToolkit, listPlacedToolkits, removeToolkit, updateToolkit } from "../workers/gateway/catalog/governance-service";
import type { ScopeChoice } from "../workers/gateway/catalog/scope-access";
import type { AppEnv } from "../workers/gateway/env";
import { visibleTools } from "../workers/invoke/visible-tools";
import { HttpError } from "../workers/shared/problem";
import { formAction, readForm } from "./forms";
import { htmlOnError, signedIn } from "./sources-common";
import { loginRedirect, pageAuth } from "./session";
import type { EditorOptions, EditorValues } from "./toolkits-editor";
import { MAX_PATTERNS, MAX_SELECTED, draftProblems, patternLines, previewDraft } from "./toolkits-preview";
import { newToolkitPage, toolkitPage, toolkitPath, toolkitsListPage, toolkitUrls } from "./toolkits-view";

const PreviewBody = z.object({ tools: z.array(z.string().max(600)).max(MAX_SELECTED), patterns: z.array(z.string().max(600)).max(MAX_PATTERNS * 4) }).strict();
const FIELD_NAMES: Record<string, string> = { slug: "Short name", title: "Title", description: "Description", tools: "Tools", patterns: "Patterns" };
const SAVED: Record<string, string> = { title: "title", description: "description", tools: "tools", patterns: "patterns", runCode: "code mode" };

type Posted = { intent: "save" | "preview"; values: EditorValues };

/**
 * The editor as posted. Checkboxes repeat the `tools` field, which `readForm` does not collect, so
 * the body is read with every value; the CSRF token is still checked before anything is used.
 */
async function readEditor(c: Context<AppEnv>): Promise<Posted> {
  const body = await c.req.parseBody({ all: true });
  const all = (key: string): string[] => [body[key]].flat().filter((v): v is string => typeof v === "string");
  const one = (key: string): string => all(key)[0] ?? "";
  verifyCsrf(c, one("csrf") || undefined);
  const scope = ScopeField.safeParse(one("scope") || undefined);
  return {
    intent: one("intent") === "preview" ? "preview" : "save",
    values: {
      slug: one("slug").trim(),
      title: one("title").trim(),
      description: one("description").trim(),
      ...(scope.success ? { scope: scope.data } : {}),
      tools: [...new Set(all("tools"))],
      patterns: one("patterns"),
      runCode: one("runCode") === "on",
    },
  };
}

function invalid(error: z.ZodError): HttpError {
  const issue = error.issues[0];
  const path = String(issue?.path[0] ?? "");
  return new HttpError(422, "validation-failed", `${FIELD_NAMES[path] ?? (path || "form")}: ${issue?.message ?? "invalid"}`);
}

/** Only what the form changed, so a save never rewrites fields it did not touch (`PATCH /v1/toolkits/:slug`). */
export function changedFields(toolkit: Toolkit, values: EditorValues): ToolkitPatch {
  const patch: ToolkitPatch = {};
  const patterns = patternLines(values.patterns);
  if (values.title !== toolkit.title) patch.title = values.title;
  if (values.description !== toolkit.description) patch.description = values.description;
  const stored = new Set<string>(toolkit.tools);
  if (values.tools.length !== stored.size || values.tools.some((t) => !stored.has(t))) patch.tools = values.tools as Toolkit["tools"];
  if (patterns.length !== toolkit.patterns.length || patterns.some((p, i) => p !== toolkit.patterns[i])) patch.patterns = patterns;
  if (values.runCode !== toolkit.runCode) patch.runCode = values.runCode;
  return patch;
}

/** A draft with an entry that is not an address or a pattern is refused, naming the entry. */
function refuseProblems(values: EditorValues): void {
  const [first] = draftProblems({ tools: values.tools, patterns: patternLines(values.patterns) });
  if (first) throw new HttpError(422, "validation-failed", first);
}

function valuesOf(toolkit: Toolkit): EditorValues {
  return { slug: toolkit.slug, title: toolkit.title, description: toolkit.description, tools: [...toolkit.tools], patterns: toolkit.patterns.join("\n"), runCode: toolkit.runCode };
}

async function editorFor(c: Context<AppEnv>, auth: AuthContext, action: string, creating: boolean, values: EditorValues): Promise<EditorOptions> {
  const reachable = await visibleTools(c.env, auth.principal);
  const preview = previewDraft(reachable, { tools: values.tools, patterns: patternLines(values.patterns) });
  return { action, csrf: signedIn(c, auth).csrf, creating, values, reachable, preview };
}

async function renderNew(c: Context<AppEnv>, auth: AuthContext, values: EditorValues, error?: string, status = 200): Promise<Response> {
  c.header("cache-control", "no-store");
  return c.html(newToolkitPage(auth, signedIn(c, auth), await editorFor(c, auth, "/toolkits/new", true, values), error), status as 200);
}

type PageState = { values?: EditorValues; error?: string | undefined; notice?: string | undefined };

async function renderToolkit(c: Context<AppEnv>, auth: AuthContext, which: ScopeChoice, toolkit: Toolkit, state: PageState, status = 200): Promise<Response> {
  const [editor, placed] = await Promise.all([
    editorFor(c, auth, toolkitPath(auth, toolkit), false, state.values ?? valuesOf(toolkit)),
    listPlacedToolkits(c.env, auth),
  ]);
  // `/mcp?toolkit=` looks in the user's scope first (routes/mcp.ts), so an org toolkit can be shadowed.
  const shadowed = which === "org" && placed.some((t) => t.slug === toolkit.slug && t.scope === auth.identity.user.id);
  c.header("cache-control", "no-store");
  const opts = { editor, which, urls: toolkitUrls(c.env.PUBLIC_URL, toolkit), shadowed, error: state.error, notice: state.notice };
  return c.html(toolkitPage(auth, signedIn(c, auth), toolkit, opts), status as 200);
}

/** `?saved=` as a sentence; only known field names are said back (the query string is anyone's to write). */
function savedNotice(saved: string | undefined): string | undefined {
  if (saved === "created") return "Created. Point an MCP client at the URL below, or bind an API key to it.";
  if (saved === "unchanged") return "Nothing changed, so nothing was saved.";
  const names = (saved ?? "").split(",").map((f) => SAVED[f]).filter((f): f is string => f !== undefined);
  return names.length ? `Saved: ${names.join(", ")}.` : undefined;
}

function scopeParam(c: Context<AppEnv>): ScopeChoice {
  const parsed = ScopeField.safeParse(c.req.param("scope"));
  if (!parsed.success) throw new HttpError(404, "not-found", "no such toolkit");
  return parsed.data;
}

/** Toolkits: list, create by picking tools and patterns with a preview, edit (only what changed), delete. */
export const toolkitsPages = new Hono<AppEnv>()
  .get("/toolkits", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    const deleted = Slug.safeParse(c.req.query("deleted"));
    c.header("cache-control", "no-store");
    const toolkits = await listPlacedToolkits(c.env, auth);
    return c.html(toolkitsListPage(auth, signedIn(c, auth), toolkits, c.env.PUBLIC_URL, deleted.success ? `Deleted the toolkit ${deleted.data}.` : undefined));
  })
  .get("/toolkits/new", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    return renderNew(c, auth, { slug: "", title: "", description: "", tools: [], patterns: "", runCode: false });
  })
  .post("/toolkits/new", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    let values: EditorValues = { slug: "", title: "", description: "", tools: [], patterns: "", runCode: false };
    return formAction(
      async () => {
        const posted = await readEditor(c);
        values = posted.values;
        if (posted.intent === "preview") return renderNew(c, auth, values);
        refuseProblems(values);
        const parsed = ToolkitCreateBody.safeParse({
          scope: values.scope ?? "org",
          slug: values.slug,
          title: values.title || values.slug,
          description: values.description,
          tools: values.tools,
          patterns: patternLines(values.patterns),
          runCode: values.runCode,
        });
        if (!parsed.success) throw invalid(parsed.error);
        const created = await createToolkit(c.env, auth, parsed.data);
        return c.redirect(`${toolkitPath(auth, created)}?saved=created`, 303);
      },
      (error, status) => renderNew(c, auth, values, error, status),
    );
  })
  // The live preview: the page script posts the selection as JSON with the session and its CSRF token.
  .post("/toolkits/preview", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) throw new HttpError(401, "unauthorized", "sign in again");
    verifyCsrf(c, c.req.header("x-csrf-token"));
    const draft = await readJson(c, PreviewBody, 256 * 1024);
    c.header("cache-control", "no-store");
    return c.json(previewDraft(await visibleTools(c.env, auth.principal), draft));
  })
  .get("/toolkits/:scope/:slug", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    return htmlOnError(c, auth, "/toolkits", async () => {
      const which = scopeParam(c);
      const toolkit = await getPlacedToolkit(c.env, auth, which, c.req.param("slug"));
      return renderToolkit(c, auth, which, toolkit, { notice: savedNotice(c.req.query("saved")) });
    });
  })
  .post("/toolkits/:scope/:slug", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    return htmlOnError(c, auth, "/toolkits", async () => {
      const which = scopeParam(c);
      const toolkit = await getPlacedToolkit(c.env, auth, which, c.req.param("slug"));
      let values: EditorValues | undefined;
      return formAction(
        async () => {
          const posted = await readEditor(c);
          values = { ...posted.values, slug: toolkit.slug };
          if (posted.intent === "preview") return renderToolkit(c, auth, which, toolkit, { values });
          refuseProblems(values);
          const patch = changedFields(toolkit, values);
          const fields = Object.keys(patch);
          if (fields.length === 0) return c.redirect(`${toolkitPath(auth, toolkit)}?saved=unchanged`, 303);
          const parsed = ToolkitUpdateBody.safeParse(patch);
          if (!parsed.success) throw invalid(parsed.error);
          await updateToolkit(c.env, auth, which, toolkit.slug, parsed.data);
          return c.redirect(`${toolkitPath(auth, toolkit)}?saved=${fields.join(",")}`, 303);
        },
        (error, status) => renderToolkit(c, auth, which, toolkit, { ...(values ? { values } : {}), error }, status),
      );
    });
  })
  .post("/toolkits/:scope/:slug/delete", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    return htmlOnError(c, auth, "/toolkits", async () => {
      const which = scopeParam(c);
      const toolkit = await getPlacedToolkit(c.env, auth, which, c.req.param("slug"));
      return formAction(
        async () => {
          await readForm(c, z.object({}));
          await removeToolkit(c.env, auth, which, toolkit.slug);
          return c.redirect(`/toolkits?deleted=${toolkit.slug}`, 303);
        },
        (error, status) => renderToolkit(c, auth, which, toolkit, { error }, status),
      );
    });
  });
