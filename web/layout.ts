import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

export type SignedIn = { email: string; csrf: string };
export type PageOptions = {
  /** Scripts from /assets (never inline: the CSP allows 'self' only). */
  scripts?: string[];
  /** The nav entry to mark as the current page. */
  active?: string;
};

/** The dashboard's sections, in the order people use them. */
const NAV: Array<[string, string]> = [
  ["/connect", "Connect"],
  ["/sources", "Sources"],
  ["/connections", "Connections"],
  ["/tools", "Tools"],
  ["/toolkits", "Toolkits"],
  ["/policies", "Policies"],
  ["/artifacts", "Artifacts"],
  ["/stores", "Stores"],
  ["/runs", "Runs"],
  ["/approvals", "Approvals"],
  ["/api-keys", "API keys"],
  ["/members", "Members"],
];

/**
 * The page shell. All interpolations go through hono/html, which escapes them. Styles and scripts
 * come from /assets only, so the Content-Security-Policy (web/index.ts) forbids inline code; the CSRF
 * token rides in a meta tag for the scripts that call /v1 with the session.
 */
export function page(title: string, body: Html, signedIn?: SignedIn, options: PageOptions = {}): Html {
  const nav = signedIn
    ? html`<nav class="main" aria-label="Main">${NAV.map(
        ([href, label]) => html`<a href="${href}"${options.active === href ? html` aria-current="page"` : ""}>${label}</a>`,
      )}<span class="muted">${signedIn.email}</span>
        <form class="inline" method="post" action="/logout"><input type="hidden" name="csrf" value="${signedIn.csrf}"><button>Log out</button></form></nav>`
    : html`<nav class="main" aria-label="Main"><a href="/login">Log in</a><a href="/signup">Sign up</a></nav>`;
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    ${signedIn ? html`<meta name="csrf-token" content="${signedIn.csrf}">` : ""}
    <title>${title} · Executor</title>
    <link rel="stylesheet" href="/assets/app.css">
    ${(options.scripts ?? []).map((s) => html`<script type="module" src="/assets/${s}"></script>`)}
  </head>
  <body>
    <a class="skip" href="#main">Skip to content</a>
    <header><strong>Executor</strong>${nav}</header>
    <main id="main">${body}</main>
  </body>
</html>`;
}

export function errorBox(message: string | undefined): Html | string {
  return message ? html`<p class="error" role="alert">${message}</p>` : "";
}
