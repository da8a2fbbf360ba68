/**
 * The Sources page's upload (served at /assets/sources.js). The page takes form posts of 64 KiB, and
 * descriptions run to 12 MB (GitHub's), so the file is read here and sent as the JSON body of
 * `POST /v1/sources` (limit 18 MiB) with the session and the CSRF token from the page's meta tag.
 * XMLHttpRequest, not fetch, because only its `upload.onprogress` reports bytes sent, which drives
 * the <progress>. Without this script the upload form stays hidden; adding from a URL is a plain form.
 */
export const SOURCES_JS = String.raw`
const form = document.getElementById("upload-form");
if (form instanceof HTMLFormElement) {
  const file = document.getElementById("upload-file");
  const slug = document.getElementById("upload-slug");
  const meter = document.getElementById("upload-meter");
  const bar = document.getElementById("upload-progress");
  const status = document.getElementById("upload-status");
  const failure = document.getElementById("upload-error");
  const button = form.querySelector("button[type=submit]");
  const limit = Number(form.dataset.maxBytes);
  const csrf = document.querySelector("meta[name=csrf-token]")?.getAttribute("content") ?? "";
  form.hidden = false;

  const mib = (bytes) => (bytes / 1048576).toFixed(1) + " MiB";
  const fail = (message) => {
    failure.textContent = message;
    failure.className = "error";
    status.textContent = "";
    button.disabled = false;
  };

  // A short name from the file name, if none was typed: lowercase, digits and dashes.
  file.addEventListener("change", () => {
    const chosen = file.files && file.files[0];
    if (!chosen || slug.value) return;
    slug.value = chosen.name.replace(/\.(json|ya?ml)$/i, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63);
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    failure.textContent = "";
    failure.className = "";
    const chosen = file.files && file.files[0];
    if (!chosen) return fail("Choose a file to upload.");
    const data = new FormData(form);
    const field = (name) => String(data.get(name) ?? "").trim();
    const connection = field("connection");
    const secret = String(data.get("secret") ?? "");
    if (secret && !connection) return fail("Connection name: name the connection the secret belongs to (for example work).");
    button.disabled = true;
    status.textContent = "Reading " + chosen.name + "…";
    const body = { scope: field("scope") || "org", slug: field("slug"), kind: "openapi", config: { document: true }, document: await chosen.text(), local: data.get("local") === "on" };
    if (field("title")) body.title = field("title");
    if (connection) body.connection = secret ? { name: connection, secret } : { name: connection };
    const payload = new Blob([JSON.stringify(body)], { type: "application/json" });
    body.document = ""; // the Blob holds the text now; drop the second copy
    if (payload.size > limit) return fail("This upload is " + mib(payload.size) + "; at most " + mib(limit) + " are accepted.");

    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/v1/sources");
    xhr.setRequestHeader("content-type", "application/json");
    xhr.setRequestHeader("x-csrf-token", csrf);
    bar.max = payload.size;
    bar.value = 0;
    meter.hidden = false;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) {
        bar.max = e.total;
        bar.value = e.loaded;
      }
      status.textContent = "Uploading: " + mib(e.loaded) + " of " + mib(e.lengthComputable ? e.total : payload.size);
    };
    xhr.upload.onload = () => {
      bar.value = bar.max;
      status.textContent = "Uploaded " + mib(bar.max) + ". Reading the description and storing its tools…";
    };
    xhr.onload = () => {
      if (xhr.status === 201) {
        status.textContent = "Added. Opening the source…";
        location.assign("/sources/" + encodeURIComponent(body.slug) + "?scope=" + encodeURIComponent(body.scope) + "&added=1");
        return;
      }
      let message = "The upload was refused (HTTP " + xhr.status + ").";
      try {
        const problem = JSON.parse(xhr.responseText);
        message = problem.detail || problem.title || message;
      } catch {
        // not problem+json: keep the status line
      }
      fail(message);
    };
    xhr.onerror = () => fail("The upload did not reach the server (the connection was interrupted).");
    xhr.send(payload);
  });
}
`;
