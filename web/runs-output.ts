import { html } from "hono/html";
import type { Run } from "../schemas";
import type { Html } from "./layout";

/** Characters per page of the output reader (readOutput allows up to 1 MiB; a page stays readable). */
export const OUTPUT_PAGE_CHARS = 64 * 1024;

export type OutputPage = { run: Run; offset: number; text: string; total: number };

/** Reads `?offset=`: a non-negative whole number on a page boundary, else the first page. */
export function outputOffset(raw: string | undefined): number {
  const n = Number(raw ?? 0);
  return Number.isSafeInteger(n) && n >= 0 && n % OUTPUT_PAGE_CHARS === 0 ? n : 0;
}

/** One page of a Run's output as JSON text, read through the ledger (readOutput), with links to the others. */
export function outputBody(p: OutputPage): Html {
  const end = p.offset + p.text.length;
  const pages = Math.max(1, Math.ceil(p.total / OUTPUT_PAGE_CHARS));
  const current = Math.floor(p.offset / OUTPUT_PAGE_CHARS) + 1;
  const out = p.run.output;
  return html`<p><a href="/runs/${p.run.id}">← Run ${p.run.id}</a></p>
    <h1>Output of <code>${p.run.address}</code></h1>
    <p id="output-range">Characters ${(p.offset + (p.text.length ? 1 : 0)).toLocaleString("en")}–${end.toLocaleString("en")} of ${p.total.toLocaleString("en")}
      (page ${current} of ${pages})${out?.kind === "handle" ? html`; stored as ${out.bytes.toLocaleString("en")} bytes, SHA-256 <code class="hash">${out.sha256}</code>` : ""}.</p>
    <nav class="pager" aria-label="Output pages">${p.offset > 0 ? html`<a href="/runs/${p.run.id}/output?offset=${p.offset - OUTPUT_PAGE_CHARS}">Previous part</a>` : ""}${end < p.total
      ? html`<a id="next-part" href="/runs/${p.run.id}/output?offset=${end}">Next part</a>`
      : ""}</nav>
    <pre id="output-text" tabindex="0">${p.text}</pre>`;
}
