import { html } from "hono/html";
import type { LedgerBreak, LedgerVerification } from "../schemas";
import type { Html } from "./layout";
import { when } from "./runs-format";

/** What each kind of break means, in words (the code itself is shown beside it). */
const BREAK: Readonly<Record<LedgerBreak, string>> = {
  broken_link: "an event does not follow from the one before it, or its hash is not its own content's",
  record_changed: "a stored Run no longer matches the event that recorded it",
  output_changed: "a large output stored beside its Run is not the one recorded",
  run_deleted: "an event names a Run that is no longer stored",
  run_unchained: "a stored Run was never recorded through the ledger",
  truncated: "the ledger ends before the anchor's checkpoint: its newest events were removed",
  diverged: "the event at the anchor's checkpoint is not the one the anchor signed: history was rewritten",
  anchor_missing: "the ledger holds keyed events but its anchor has no checkpoint",
  anchor_invalid: "the anchor's checkpoint is not authentic for this organization",
};

/** The verdict of `GET /v1/runs/verify` (the ledger's verify()), naming the first broken link if any. */
export function verifyBody(v: LedgerVerification, checkedAt: number): Html {
  const verdict = v.ok
    ? html`<div id="verdict" class="notice" role="status"><p><strong>The chain is intact.</strong> All ${v.events.toLocaleString("en")} events
        follow from one another, and every Run matches the event that recorded it.</p></div>
        <table class="facts"><tbody>
          <tr><th scope="row">Head hash</th><td>${v.head ? html`<code class="hash">${v.head}</code>` : html`<span class="muted">none (no events yet)</span>`}</td></tr>
          <tr><th scope="row">Anchor checkpoint</th><td>${v.anchor ? html`event ${v.anchor.seq.toLocaleString("en")}, signed ${when(v.anchor.at)}` : html`<span class="muted">none yet</span>`}</td></tr>
          <tr><th scope="row">Newer than the checkpoint</th><td>${v.unanchored.toLocaleString("en")} event${v.unanchored === 1 ? "" : "s"}
            <span class="muted">(removing these is the one change verification cannot see)</span></td></tr>
          ${v.legacyEvents ? html`<tr><th scope="row">Legacy events</th><td>${v.legacyEvents.toLocaleString("en")}, chained with the older unkeyed hash and sealed by the checkpoint</td></tr>` : ""}
        </tbody></table>`
    : html`<div id="verdict" class="error" role="alert"><p><strong>The chain is broken</strong>${v.brokenAt.seq !== null ? html` at event ${v.brokenAt.seq.toLocaleString("en")}` : ""}${v.brokenAt.runId
          ? html` (Run <a id="broken-run" href="/runs/${v.brokenAt.runId}">${v.brokenAt.runId}</a>)`
          : ""}: ${BREAK[v.code]}.</p>
        <p><code>${v.code}</code>: ${v.reason}</p></div>
        <p>${v.events.toLocaleString("en")} events were checked up to the first break.</p>`;
  return html`<p><a href="/runs">← All Runs</a></p><h1>Verify the chain</h1>
    <p>Every change of every Run is an event chained to the one before it with a keyed hash, and the head is checkpointed
      outside the ledger. Verification recomputes the whole chain and compares it with the checkpoint.</p>
    ${verdict}<p class="muted">Checked ${when(checkedAt)}.</p>
    <form method="get" action="/runs/verify"><button type="submit">Verify again</button></form>`;
}
