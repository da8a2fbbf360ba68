import type { Context } from "hono";
import { html } from "hono/html";
import type { Source } from "../schemas";
import { csrfToken } from "../workers/gateway/auth/cookies";
import type { AuthContext } from "../workers/gateway/auth/principal";
import type { ScopeChoice } from "../workers/gateway/catalog/scope-access";
import { writableScope } from "../workers/gateway/catalog/scope-access";
import type { AppEnv } from "../workers/gateway/env";
import { HttpError } from "../workers/shared/problem";
import type { Html } from "./layout";
import { errorBox, page } from "./layout";

// Helpers the Sources and Connections pages share: which of the caller's scopes a record sits in,
// how that is said, and the scope choice a form offers.

/** The caller's own scope a record is placed in, from its scope id. */
export function whichScope(auth: AuthContext, scopeId: string): ScopeChoice {
  return scopeId === auth.identity.org.id ? "org" : "user";
}

export function scopeLabel(auth: AuthContext, which: ScopeChoice): string {
  return which === "org" ? `Organization (${auth.identity.org.name})` : "Only you";
}

/**
 * The scopes this person may place a record in. Only an owner may change the org scope
 * (catalog/scope-access.ts writableScope); offering it to a member would only produce a 403.
 */
export function scopeSelect(auth: AuthContext, id: string, selected: ScopeChoice | undefined): Html {
  const owner = auth.identity.role === "owner";
  const choice = selected ?? (owner ? "org" : "user");
  return html`<label for="${id}">Place it in</label>
    <select id="${id}" name="scope" aria-describedby="${id}-help">
      ${owner ? html`<option value="org"${choice === "org" ? html` selected` : ""}>${scopeLabel(auth, "org")}</option>` : ""}
      <option value="user"${choice === "user" ? html` selected` : ""}>${scopeLabel(auth, "user")}</option>
    </select>
    <p class="muted" id="${id}-help">Everyone in the organization sees what is placed in it; what you place in your own scope only you see.</p>`;
}

/**
 * Whether this person may change what is placed in that scope: the rule itself (writableScope), asked
 * only to leave out buttons that would be refused; every action is still checked when it is posted.
 */
export function mayChange(auth: AuthContext, which: ScopeChoice): boolean {
  try {
    writableScope(auth, which);
    return true;
  } catch (error) {
    if (error instanceof HttpError) return false;
    throw error;
  }
}

/**
 * The built-in `executor` source (every org's management actions as tools) is the deployment's, and
 * the `custom` source holds deployed tools, and the `store` source's connections are the scope's
 * stores (made on the Stores API): none is refreshed, removed or re-connected
 * (catalog/builtin.ts), so their pages offer none of that.
 */
export function isBuiltIn(source: Source): boolean {
  return source.kind === "executor" || source.kind === "custom" || source.kind === "store";
}

/** Where a source's tools are described: its URL or endpoint, or "uploaded". Never headers (they are config, not for display). */
export function sourceLocation(source: Source): string {
  const { url, endpoint, document } = source.config;
  if (typeof url === "string") return url;
  if (typeof endpoint === "string") return endpoint;
  if (source.kind === "custom") return "deployed from git (/v1/artifacts)";
  if (isBuiltIn(source)) return "built into this deployment";
  return document === true ? "uploaded document" : "";
}

export function signedIn(c: Context<AppEnv>, auth: AuthContext): { email: string; csrf: string } {
  return { email: auth.identity.user.email, csrf: csrfToken(c) };
}

/**
 * Runs a page handler; an HttpError (a missing source, a refused action) becomes an HTML page with
 * its message and status instead of the API's problem+json.
 */
export async function htmlOnError(c: Context<AppEnv>, auth: AuthContext, active: string, handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (error) {
    if (!(error instanceof HttpError)) throw error;
    const title = error.status === 404 ? "Not found" : "Could not do that";
    return c.html(
      page(title, html`<h1>${title}</h1>${errorBox(error.message)}<p><a href="${active}">Back</a></p>`, signedIn(c, auth), { active }),
      error.status as 400,
    );
  }
}
