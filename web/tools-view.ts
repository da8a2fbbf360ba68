import { html } from "hono/html";
import type { AuthContext } from "../workers/gateway/auth/principal";
import type { Description } from "../workers/invoke/describe";
import type { Html, SignedIn } from "./layout";
import { errorBox, page } from "./layout";
import type { Field, TryValues } from "./tools-try";
import { tryForm } from "./tools-try";

// One tool as this viewer sees it: what it does, how risky it is, what calling it would decide for
// them, its schemas and TypeScript declarations, and the try-it form.

export const OUTCOME_TEXT = {
  admit: "Runs when called",
  require_approval: "Needs approval before it runs",
  reject: "Refused",
} as const;

/** Who a scope id is for this viewer: their organization, themselves, or the id itself. */
export function scopeName(auth: AuthContext, scopeId: string): string {
  if (scopeId === auth.identity.org.id) return `Organization (${auth.identity.org.name})`;
  if (scopeId === auth.identity.user.id) return "Only you";
  return scopeId;
}

function schemaBlock(id: string, title: string, schema: object | undefined): Html {
  return html`<h2 id="${id}-title">${title}</h2>
    ${schema ? html`<pre id="${id}" tabindex="0" role="region" aria-labelledby="${id}-title">${JSON.stringify(schema, null, 2)}</pre>` : html`<p class="muted" id="${id}">None declared.</p>`}`;
}

export type ViewOptions = { fields: Field[] | null; values: TryValues; outcome?: Html; error?: string | undefined };

export function toolPage(auth: AuthContext, who: SignedIn, described: Description, opts: ViewOptions): Html {
  const { tool, policy, typescript, address } = described;
  const [, scope = "", connection = ""] = address.split(".");
  return page(
    tool.name,
    html`<p><a href="/tools">All tools</a></p>
      <h1>${tool.name}</h1>
      <p><code id="address">${address}</code></p>
      ${tool.description.split("\n").filter((l) => l.trim()).map((line) => html`<p>${line}</p>`)}
      <table>
        <tbody>
          <tr><th scope="row">Source</th><td><code>${tool.source}</code></td></tr>
          <tr><th scope="row">Connection</th><td><code>${connection}</code> in ${scopeName(auth, scope)}</td></tr>
          <tr><th scope="row">Side effect</th><td><span id="side-effect" class="tag ${tool.sideEffect}">${tool.sideEffect}</span></td></tr>
          <tr><th scope="row">Review</th><td>${tool.status === "granted" ? "Granted" : html`Awaiting review on <a href="/sources">Sources</a>`}</td></tr>
          <tr><th scope="row">For you</th><td><strong id="policy-outcome" data-outcome="${policy.outcome}">${OUTCOME_TEXT[policy.outcome]}</strong>:
            <span id="policy-reason">${policy.reason.message}</span> <a href="/policies?source=${tool.source}">Policies</a></td></tr>
        </tbody>
      </table>
      <h2 id="try">Try it</h2>
      ${errorBox(opts.error)}${opts.outcome ?? ""}
      ${tryForm(address, who.csrf, opts.fields, opts.values)}
      <h2 id="typescript-title">TypeScript</h2>
      <p class="muted">How code mode (<code>run_code</code>) sees this tool.</p>
      <pre id="typescript" tabindex="0" role="region" aria-labelledby="typescript-title">${typescript.text}</pre>
      ${schemaBlock("input-schema", "Input schema", tool.inputSchema)}
      ${schemaBlock("output-schema", "Output schema", tool.outputSchema)}`,
    who,
    { active: "/tools" },
  );
}
