/**
 * The toolkit editor's live preview (served at /assets/toolkits.js): whenever a tool is picked or a
 * pattern typed, the selection is posted as JSON to `POST /toolkits/preview` (the session, and the
 * CSRF token from the page's meta tag) and the preview list is redrawn from the answer with
 * textContent only. Without this script the editor's "Preview" button re-renders the page instead.
 * Answers are numbered so a slow, stale one never replaces a newer one.
 */
export const TOOLKITS_JS = String.raw`
const form = document.getElementById("toolkit-form");
const list = document.getElementById("preview");
const summary = document.getElementById("preview-summary");
const problems = document.getElementById("preview-problems");
const unreachable = document.getElementById("preview-unreachable");
if (form instanceof HTMLFormElement && list && summary && problems && unreachable) {
  const csrf = document.querySelector("meta[name=csrf-token]")?.getAttribute("content") ?? "";
  let sent = 0;
  let timer = 0;

  const tag = (text, kind) => {
    const span = document.createElement("span");
    span.className = "tag" + (kind ? " " + kind : "");
    span.textContent = text;
    return span;
  };

  const draw = (preview) => {
    list.replaceChildren(
      ...preview.exposed.map((t) => {
        const li = document.createElement("li");
        li.dataset.address = t.address;
        const code = document.createElement("code");
        code.textContent = t.address;
        li.append(code, " ", tag(t.sideEffect, t.sideEffect));
        if (t.status === "awaiting_review") li.append(" ", tag("awaiting review", ""));
        return li;
      }),
    );
    const n = preview.exposed.length;
    summary.textContent = n === 0 ? "No tools: pick some or add a pattern." : n + " tool" + (n === 1 ? "" : "s");
    problems.replaceChildren(
      ...preview.problems.map((p) => {
        const li = document.createElement("li");
        li.textContent = p;
        return li;
      }),
    );
    problems.hidden = preview.problems.length === 0;
    unreachable.textContent = preview.unreachable.length + " selected tool(s) not reachable now.";
    unreachable.hidden = preview.unreachable.length === 0;
  };

  const refresh = async () => {
    const data = new FormData(form);
    const body = {
      tools: data.getAll("tools").map(String),
      patterns: String(data.get("patterns") ?? "").split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0),
    };
    const mine = ++sent;
    form.setAttribute("aria-busy", "true");
    try {
      const res = await fetch("/toolkits/preview", {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/json", "x-csrf-token": csrf },
        body: JSON.stringify(body),
      });
      if (mine !== sent) return;
      if (!res.ok) {
        const problem = await res.json().catch(() => ({}));
        summary.textContent = "Could not preview: " + (problem.detail ?? res.status) + ". The Preview button still works.";
        return;
      }
      draw(await res.json());
    } catch {
      if (mine === sent) summary.textContent = "Could not preview (offline?). The Preview button still works.";
    } finally {
      if (mine === sent) form.removeAttribute("aria-busy");
    }
  };

  form.addEventListener("change", (event) => {
    if (event.target instanceof HTMLInputElement && event.target.name === "tools") void refresh();
  });
  form.addEventListener("input", (event) => {
    if (!(event.target instanceof HTMLTextAreaElement) || event.target.name !== "patterns") return;
    clearTimeout(timer);
    timer = setTimeout(() => void refresh(), 250);
  });
}
`;
