import { html } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;

const STYLE = `
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1d1d1f; }
  header { display: flex; justify-content: space-between; align-items: center; border-bottom: 1px solid #ddd; padding-bottom: .5rem; margin-bottom: 1.5rem; }
  header a, header form { margin-left: 1rem; }
  label { display: block; margin: .75rem 0 .25rem; font-weight: 600; }
  input[type=email], input[type=password], input[type=text], select { width: 100%; padding: .5rem; box-sizing: border-box; }
  button { margin-top: 1rem; padding: .5rem 1rem; cursor: pointer; }
  form.inline { display: inline; }
  form.inline button { margin: 0; }
  pre, code { background: #f4f4f6; border-radius: 4px; }
  pre { padding: .75rem; overflow-x: auto; }
  .error { background: #fde8e8; border: 1px solid #f5b5b5; padding: .5rem .75rem; border-radius: 4px; }
  .notice { background: #e8f6ea; border: 1px solid #a9dcb1; padding: .5rem .75rem; border-radius: 4px; }
  table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: .35rem; border-bottom: 1px solid #eee; }
`;

/** The page shell. All interpolations go through hono/html, which escapes them. */
export function page(title: string, body: Html, signedIn?: { email: string; csrf: string }): Html {
  const nav = signedIn
    ? html`<nav><span>${signedIn.email}</span><a href="/connect">Connect</a><a href="/approvals">Approvals</a><a href="/api-keys">API keys</a><a href="/members">Members</a>
        <form class="inline" method="post" action="/logout"><input type="hidden" name="csrf" value="${signedIn.csrf}"><button>Log out</button></form></nav>`
    : html`<nav><a href="/login">Log in</a><a href="/signup">Sign up</a></nav>`;
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="referrer" content="no-referrer">
    <title>${title} · Executor</title>
    <style>${STYLE}</style>
  </head>
  <body>
    <header><strong>Executor</strong>${nav}</header>
    <main>${body}</main>
  </body>
</html>`;
}

export function errorBox(message: string | undefined): Html | string {
  return message ? html`<p class="error" role="alert">${message}</p>` : "";
}
