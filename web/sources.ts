import type { Context } from "hono";
import { Hono } from "hono";
import { z } from "zod";
import { Slug, SourceCreateBody, ToolName } from "../schemas";
import type { AuthContext } from "../workers/gateway/auth/principal";
import type { ScopeChoice } from "../workers/gateway/catalog/scope-access";
import { scopeQuery } from "../workers/gateway/catalog/scope-access";
import { addSource, grantSourceTool, listPlacedSources, refreshSource, removeSource, reviewOf, sourceWithTools } from "../workers/gateway/catalog/sources-service";
import type { AppEnv } from "../workers/gateway/env";
import { HttpError } from "../workers/shared/problem";
import { formAction, readForm } from "./forms";
import type { DetailOptions } from "./sources-detail";
import { sourceDetailPage } from "./sources-detail";
import { htmlOnError, signedIn, whichScope } from "./sources-common";
import type { ListOptions, UrlFormValues } from "./sources-list";
import { sourcesListPage } from "./sources-list";
import { loginRedirect, pageAuth } from "./session";

/** The URL form as posted; the request it becomes is validated by the same schema as `POST /v1/sources`. */
const UrlForm = z.object({
  kind: z.enum(["openapi", "graphql", "mcp"]),
  url: z.string().trim().max(2048),
  slug: z.string().trim().max(63),
  title: z.string().trim().max(256).default(""),
  scope: z.string().default("org"),
  local: z.literal("on").optional(),
  connection: z.string().trim().max(63).default(""),
  secret: z.string().max(8192).default(""),
});
type UrlForm = z.infer<typeof UrlForm>;

const FIELD_NAMES: Record<string, string> = { slug: "Short name", "connection.name": "Connection name", "connection.secret": "Secret", title: "Title" };

/** The form as a `POST /v1/sources` body: a GraphQL source's URL is its endpoint, the others' their URL. */
function sourceBody(form: UrlForm): SourceCreateBody {
  if (form.secret && !form.connection) {
    throw new HttpError(422, "validation-failed", "Connection name: name the connection the secret belongs to (for example work)");
  }
  const parsed = SourceCreateBody.safeParse({
    scope: form.scope,
    slug: form.slug,
    kind: form.kind,
    ...(form.title ? { title: form.title } : {}),
    config: form.kind === "graphql" ? { endpoint: form.url } : { url: form.url },
    local: form.local === "on",
    ...(form.connection ? { connection: { name: form.connection, ...(form.secret ? { secret: form.secret } : {}) } } : {}),
  });
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue?.path.join(".") ?? "";
  throw new HttpError(422, "validation-failed", `${FIELD_NAMES[path] ?? (path || "form")}: ${issue?.message ?? "invalid"}`);
}

/** What the URL form was posted with, to fill it in again; never the secret (write-only). */
async function postedValues(c: Context<AppEnv>): Promise<UrlFormValues> {
  const body = await c.req.parseBody();
  const text = (key: string): string => (typeof body[key] === "string" ? body[key] : "");
  const scope = text("scope");
  return {
    kind: text("kind"),
    url: text("url"),
    slug: text("slug"),
    title: text("title"),
    ...(scope === "org" || scope === "user" ? { scope } : {}),
    local: text("local") === "on",
    connection: text("connection"),
  };
}

async function renderList(c: Context<AppEnv>, auth: AuthContext, opts: Omit<ListOptions, "development">, status = 200): Promise<Response> {
  const sources = await listPlacedSources(c.env, auth);
  const listed = await Promise.all(
    sources.map(async (source) => ({ source, review: reviewOf((await sourceWithTools(c.env, auth, whichScope(auth, source.scope), source.slug)).tools) })),
  );
  c.header("cache-control", "no-store");
  const page = sourcesListPage(auth, signedIn(c, auth), listed, { ...opts, development: c.env.EXECUTOR_ENV === "development" });
  return c.html(page, status as 200);
}

async function renderDetail(c: Context<AppEnv>, auth: AuthContext, which: ScopeChoice, slug: string, opts: DetailOptions, status = 200): Promise<Response> {
  const { source, tools } = await sourceWithTools(c.env, auth, which, slug);
  c.header("cache-control", "no-store");
  return c.html(sourceDetailPage(auth, signedIn(c, auth), source, which, tools, opts), status as 200);
}

function detailPath(slug: string, which: ScopeChoice, query = ""): string {
  return `/sources/${slug}?scope=${which}${query}`;
}

/** Sources: the list with review counts, adding by URL, and each source's tools, refresh, grants and removal. */
export const sourcesPages = new Hono<AppEnv>()
  .get("/sources", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    const removed = Slug.safeParse(c.req.query("removed"));
    return renderList(c, auth, removed.success ? { notice: `Removed the source ${removed.data}, its tools and its connections.` } : {});
  })
  .post("/sources", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    return formAction(
      async () => {
        const body = sourceBody(await readForm(c, UrlForm));
        await addSource(c.env, auth, body);
        return c.redirect(detailPath(body.slug, body.scope, "&added=1"), 303);
      },
      async (error, status) => renderList(c, auth, { error, values: await postedValues(c) }, status),
    );
  })
  .get("/sources/:slug", async (c) => {
    const auth = await pageAuth(c);
    if (!auth) return loginRedirect(c);
    return htmlOnError(c, auth, "/sources", async () => {
      const which = scopeQuery(c.req.query("scope"));
      const granted = c.req.query("granted");
      const notice = c.req.query("added") === "1"
        ? "Added. Every tool of a first import is granted: this import is their review. Tools a later refresh adds or moves wait for you."
        : granted
          ? `Granted ${granted}.`
          : undefined;
      const { source, tools } = await sourceWithTools(c.env, auth, which, c.req.param("slug"));
      // Only a tool the source has is named back: the query string is anyone's to write.
      const known = !granted || tools.some((t) => t.name === granted);
      c.header("cache-control", "no-store");
      return c.html(sourceDetailPage(auth, signedIn(c, auth), source, which, tools, known ? { notice } : {}));
    });
  })
  .post("/sources/:slug/refresh", (c) =>
    sourceAction(c, async (auth, which, slug) => {
      await readForm(c, z.object({}));
      // The page shows the refresh's answer itself: what was added, changed, moved and removed.
      const report = await refreshSource(c.env, auth, which, slug);
      return renderDetail(c, auth, which, slug, { report });
    }),
  )
  .post("/sources/:slug/grant", (c) =>
    sourceAction(c, async (auth, which, slug) => {
      const { tool } = await readForm(c, z.object({ tool: ToolName }));
      await grantSourceTool(c.env, auth, which, slug, tool);
      return c.redirect(detailPath(slug, which, `&granted=${encodeURIComponent(tool)}#tool-${encodeURIComponent(tool)}`), 303);
    }),
  )
  .post("/sources/:slug/remove", (c) =>
    sourceAction(c, async (auth, which, slug) => {
      await readForm(c, z.object({}));
      await removeSource(c.env, auth, which, slug);
      return c.redirect(`/sources?removed=${slug}`, 303);
    }),
  );

/**
 * A form posted from a source's page: signed in (else the log-in page), the scope and slug from the
 * URL, and a refusal shown on the source's page itself with its status.
 */
async function sourceAction(c: Context<AppEnv>, act: (auth: AuthContext, which: ScopeChoice, slug: string) => Promise<Response>): Promise<Response> {
  const auth = await pageAuth(c);
  if (!auth) return loginRedirect(c);
  return htmlOnError(c, auth, "/sources", async () => {
    const which = scopeQuery(c.req.query("scope"));
    const slug = c.req.param("slug") ?? "";
    return formAction(
      () => act(auth, which, slug),
      (error, status) => renderDetail(c, auth, which, slug, { error }, status),
    );
  });
}
