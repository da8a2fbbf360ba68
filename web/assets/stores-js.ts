/**
 * The store page's live table (served at /assets/stores.js): opens the page's subscription (a
 * WebSocket on this origin, authorised by the session cookie) and redraws the table from every
 * snapshot the store sends after a write, with textContent only. Without it the page shows the
 * rows as they were when it was rendered.
 */
export const STORES_JS = String.raw`
const live = document.getElementById("live");
const table = document.getElementById("rows");
const status = document.getElementById("live-status");
if (live && table && status) {
  const url = new URL(live.getAttribute("data-subscribe") ?? "", location.href);
  url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const draw = (rows) => {
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const head = document.createElement("thead");
    const hr = document.createElement("tr");
    for (const c of columns) { const th = document.createElement("th"); th.scope = "col"; th.textContent = c; hr.append(th); }
    head.append(hr);
    const body = document.createElement("tbody");
    for (const r of rows) {
      const tr = document.createElement("tr");
      for (const c of columns) { const td = document.createElement("td"); const v = r[c]; td.textContent = v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v); tr.append(td); }
      body.append(tr);
    }
    table.replaceChildren(head, body);
    table.setAttribute("data-rows", String(rows.length));
  };
  const ws = new WebSocket(url);
  ws.addEventListener("open", () => { status.textContent = "Live: the table updates when the store is written."; status.setAttribute("data-state", "live"); });
  ws.addEventListener("message", (e) => {
    const m = JSON.parse(String(e.data));
    if (m.type === "snapshot") draw(m.rows);
    else if (m.type === "ended") { status.textContent = "Not live any more: " + m.reason + "."; status.setAttribute("data-state", "ended"); }
    else if (m.type === "error") status.textContent = "The query failed: " + m.message;
  });
  ws.addEventListener("close", () => { if (status.getAttribute("data-state") === "live") { status.textContent = "Disconnected; reload to see new rows."; status.setAttribute("data-state", "closed"); } });
}
`;
